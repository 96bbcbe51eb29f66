import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { findPrecompFiles, loadPrecomp } from '../../../trainer/data/precomp.ts';
import { rampFeatures, row, tempDir, writeNpyFile } from '../../support/datasets.ts';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});

const caps = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} caption ${i}`);

async function split(name: string, captions: string[], rows: number, dim = 3, data?: Float32Array) {
  await writeFile(join(dir, `${name}_caps.txt`), `${captions.join('\n')}\n`);
  await writeNpyFile(join(dir, `${name}_ims.npy`), data ?? rampFeatures(rows, dim), [rows, dim]);
}

/** rows x dim where consecutive rows repeat `runs` times each (Kiros: one row per caption). */
function repeated(runs: number[], dim: number): Float32Array {
  const base = rampFeatures(runs.length, dim);
  const out: number[] = [];
  runs.forEach((n, image) => {
    for (let k = 0; k < n; k++) out.push(...row(base, dim, image));
  });
  return new Float32Array(out);
}

describe('loadPrecomp (VSE++ layout)', () => {
  it('gives image i captions k*i..k*i+k-1 and loads dev as val', async () => {
    await split('train', caps(10, 'train'), 2);
    await split('dev', caps(4, 'dev'), 2);
    const d = await loadPrecomp(dir);
    expect(d).toMatchObject({ name: basename(dir), format: 'precomp', source: dir });
    expect(Object.keys(d.splits)).toEqual(['train', 'val']);
    const train = d.splits.train!;
    expect(train.imageIds).toEqual(['train:0', 'train:1']);
    expect(Array.from(train.captionImage)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(train.tokens[7]).toEqual(['train', 'caption', '7']);
    expect(row(train.features, 3, 1)).toEqual(row(rampFeatures(2, 3), 3, 1));
    const val = d.splits.val!;
    expect(val.name).toBe('val');
    expect(val.imageIds).toEqual(['dev:0', 'dev:1']);
    expect(Array.from(val.captionImage)).toEqual([0, 0, 1, 1]);
  });

  it('ignores testall beside test, uses it when it is the only test split', async () => {
    await split('test', caps(5, 'test'), 1);
    await split('testall', caps(10, 'all'), 2);
    const d = await loadPrecomp(dir);
    expect(d.splits.test?.imageIds).toEqual(['test:0']);
    const only = await tempDir();
    await writeFile(join(only, 'testall_caps.txt'), 'a b\nc d\n');
    await writeNpyFile(join(only, 'testall_ims.npy'), rampFeatures(1, 2), [1, 2]);
    expect((await loadPrecomp(only)).splits.test?.imageIds).toEqual(['testall:0']);
  });

  it('reads CRLF lines and a last line without a newline', async () => {
    await writeFile(join(dir, 'train_caps.txt'), 'a dog\r\nA cat\r\nbirds');
    await writeNpyFile(join(dir, 'train_ims.npy'), rampFeatures(3, 2), [3, 2]);
    const train = (await loadPrecomp(dir)).splits.train!;
    expect(train.captions).toEqual(['a dog', 'A cat', 'birds']);
    expect(train.tokens).toEqual([['a', 'dog'], ['a', 'cat'], ['birds']]);
  });

  it('limits the splits', async () => {
    await split('train', caps(2, 't'), 2);
    await split('val', caps(2, 'v'), 2);
    expect(Object.keys((await loadPrecomp(dir, { splits: ['val'] })).splits)).toEqual(['val']);
  });
});

describe('loadPrecomp (Kiros layout: one row per caption)', () => {
  it('collapses runs of identical rows into one image, finding the f8k_ prefix', async () => {
    await writeFile(join(dir, 'f8k_train_caps.txt'), `${caps(6, 'k').join('\n')}\n`);
    await writeNpyFile(join(dir, 'f8k_train_ims.npy'), repeated([3, 2, 1], 4), [6, 4]);
    await writeFile(join(dir, 'f8k_dev_caps.txt'), 'x y\nz w\n');
    await writeNpyFile(join(dir, 'f8k_dev_ims.npy'), repeated([1, 1], 4), [2, 4]);
    const files = await findPrecompFiles(dir);
    expect(files).toEqual({ dir, prefix: 'f8k', splits: { train: 'train', val: 'dev' } });
    const d = await loadPrecomp(dir);
    expect(d.name).toBe('f8k');
    const train = d.splits.train!;
    expect(train.imageIds).toEqual(['train:0', 'train:3', 'train:5']);
    expect(Array.from(train.captionImage)).toEqual([0, 0, 0, 1, 1, 2]);
    expect(train.features.length).toBe(3 * 4);
    expect(row(train.features, 4, 2)).toEqual(row(rampFeatures(3, 4), 4, 2));
    expect(d.splits.val?.imageIds).toEqual(['dev:0', 'dev:1']);
  });

  it('chooses among several datasets by a caption file given as the path', async () => {
    for (const p of ['f8k', 'f30k']) {
      await writeFile(join(dir, `${p}_train_caps.txt`), 'a\nb\n');
      await writeNpyFile(join(dir, `${p}_train_ims.npy`), rampFeatures(2, 2), [2, 2]);
    }
    await expect(loadPrecomp(dir)).rejects.toThrow(
      `${dir}: caption files of more than one dataset (f30k_{split}_caps.txt, f8k_{split}_caps.txt); pass one of the _caps.txt files as the path to choose`,
    );
    const d = await loadPrecomp(join(dir, 'f30k_train_caps.txt'));
    expect(d.name).toBe('f30k');
  });
});

describe('loadPrecomp errors', () => {
  const fails = (message: string | RegExp, options = {}) =>
    expect(loadPrecomp(dir, options)).rejects.toThrow(message);

  it('captions that are not a whole multiple of the rows', async () => {
    await split('train', caps(11, 't'), 2);
    await fails(
      `${join(dir, 'train_caps.txt')} has 11 captions, ${join(dir, 'train_ims.npy')} has 2 rows: with fewer rows than captions, image i owns captions k*i..k*i+k-1, so captions / rows must be a whole number (it is 5.500)`,
    );
  });

  it('more rows than captions', async () => {
    await split('train', caps(2, 't'), 3);
    await fails(
      `${join(dir, 'train_ims.npy')} has 3 rows, ${join(dir, 'train_caps.txt')} has 2 captions`,
    );
  });

  it('an empty caption, naming the line, image and caption', async () => {
    const c = caps(10, 't');
    c[7] = ' ';
    await split('train', c, 2);
    await fails(`${join(dir, 'train_caps.txt')}: line 8 (image 1, caption 2) is an empty caption`);
  });

  it('a caption with no word', async () => {
    const c = caps(4, 't');
    c[1] = '...';
    await split('train', c, 4);
    await fails(
      `${join(dir, 'train_caps.txt')}: line 2 (image 1, caption 0) "..." has no words after tokenising`,
    );
  });

  it('non-finite features, not 2-D features, a missing .npy', async () => {
    const data = rampFeatures(2, 3);
    data[4] = Number.NaN;
    await split('train', caps(4, 't'), 2, 3, data);
    await fails(
      `${join(dir, 'train_ims.npy')}: row 1 column 1 is NaN; features must be finite numbers`,
    );
    await writeNpyFile(join(dir, 'train_ims.npy'), rampFeatures(1, 6), [6]);
    await fails(
      `${join(dir, 'train_ims.npy')}: features must be a 2-D array (images x dim); this one has shape (6)`,
    );
    await writeFile(join(dir, 'val_caps.txt'), 'a\n');
    await fails(
      `${join(dir, 'val_ims.npy')}: missing (the features for ${join(dir, 'val_caps.txt')})`,
      {
        splits: ['val'],
      },
    );
  });

  it('unknown and absent splits, and dev beside val', async () => {
    await split('train', caps(2, 't'), 2);
    await fails(
      /unknown split "testall" \(precomp's 'testall' is loaded as 'test' when there is no 'test'\)/,
      {
        splits: ['testall'],
      },
    );
    await fails(`${dir} has no 'test' split; the splits present are train`, { splits: ['test'] });
    await split('dev', caps(2, 'd'), 2);
    await split('val', caps(2, 'v'), 2);
    await fails(`${dir}: both dev_caps.txt and val_caps.txt; both would be 'val', remove one`);
  });

  it('a folder without caption files', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await expect(loadPrecomp(empty)).rejects.toThrow(
      `${empty}: no precomp caption files ({split}_caps.txt with split train, dev, val, test or testall)`,
    );
  });
});
