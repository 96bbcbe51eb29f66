import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeatureSidecar } from '../../../trainer/data/feature-sidecar.ts';
import { DatasetError } from '../../../trainer/data/karpathy.ts';
import {
  type FeatureJob,
  folderFeatureJob,
  hashSplit,
  loadPictureFolder,
  missingFeatures,
  readPictureFolder,
} from '../../../trainer/data/picture-folder.ts';
import { rampFeatures, row, tempDir, writeNpyFile } from '../../support/datasets.ts';

const DIM = 4;

/** A folder: the pictures (empty files: the loader never decodes), captions.txt, maybe splits. */
async function folder(
  captions: string,
  pictures: string[],
  extra: Record<string, string> = {},
): Promise<string> {
  const dir = join(await tempDir(), 'photos');
  await mkdir(join(dir, 'sub'), { recursive: true });
  for (const p of pictures) await writeFile(join(dir, p), '');
  await writeFile(join(dir, 'captions.txt'), captions);
  for (const [name, text] of Object.entries(extra)) await writeFile(join(dir, name), text);
  return dir;
}

/** features.npy (row r = r + c/8) and its sidecar naming `files`, with `skipped` left out. */
async function features(dir: string, files: string[], skipped: string[] = []): Promise<void> {
  await writeNpyFile(join(dir, 'features.npy'), rampFeatures(files.length, DIM), [
    files.length,
    DIM,
  ]);
  const sidecar: FeatureSidecar = {
    format: 'jointspace-features',
    formatVersion: 1,
    extractor: 'nsfwjs-mobilenetv2-mid',
    featureDim: DIM,
    resize: 'r',
    rows: files.length,
    files,
    skipped: skipped.map((file) => ({ file, row: null, reason: 'not a picture' })),
    list: 'h',
  };
  await writeFile(join(dir, 'features.npy.json'), JSON.stringify(sidecar));
}

const CAPTIONS =
  'b.jpg\ta bird sings\na.jpg#0\ta cat sleeps\nsub/c.png\ta cow eats\na.jpg#1\tthe cat\n';
const PICTURES = ['a.jpg', 'b.jpg', 'sub/c.png'];

async function fails(promise: Promise<unknown>, message: string | RegExp): Promise<void> {
  await expect(promise).rejects.toBeInstanceOf(DatasetError);
  await expect(promise).rejects.toThrow(message);
}

describe('hashSplit', () => {
  it('puts about 1 name in 10 in val, the same way every time', () => {
    const names = Array.from({ length: 2000 }, (_, i) => `IMG_${i}.jpg`);
    const val = names.filter((n) => hashSplit(n) === 'val').length;
    expect(val).toBeGreaterThan(150);
    expect(val).toBeLessThan(250);
    // Fixed by SHA-256 of the name: these never move, on any machine.
    expect(names.slice(0, 40).filter((n) => hashSplit(n) === 'val')).toEqual([
      'IMG_7.jpg',
      'IMG_23.jpg',
      'IMG_29.jpg',
      'IMG_36.jpg',
      'IMG_39.jpg',
    ]);
    expect(names.map(hashSplit).every((s) => s === 'train' || s === 'val')).toBe(true);
  });
});

describe('readPictureFolder', () => {
  it('reads captions, the sorted captioned pictures and their splits', async () => {
    const dir = await folder(CAPTIONS, PICTURES);
    const f = await readPictureFolder(dir);
    expect(f.files).toEqual(['a.jpg', 'b.jpg', 'sub/c.png']);
    expect(f.captions.map((c) => c.file)).toEqual(['b.jpg', 'a.jpg', 'sub/c.png', 'a.jpg']);
    expect([...f.split]).toEqual(f.files.map((file) => [file, hashSplit(file)]));
    expect((await readPictureFolder(join(dir, 'captions.txt'))).dir).toBe(dir);
  });

  it('takes the splits from splits.json when there is one', async () => {
    const splits = { 'a.jpg': 'test', 'b.jpg': 'val', 'sub/c.png': 'train' };
    const dir = await folder(CAPTIONS, PICTURES, { 'splits.json': JSON.stringify(splits) });
    expect(Object.fromEntries((await readPictureFolder(dir)).split)).toEqual(splits);
  });

  it('names every mistake: the captions file, a missing picture, an uncaptioned one, the splits', async () => {
    const noCaptions = join(await tempDir(), 'empty');
    await mkdir(noCaptions);
    await fails(
      readPictureFolder(noCaptions),
      `${noCaptions}: no captions.txt (a folder of photos needs one`,
    );
    const missing = await folder(CAPTIONS, ['a.jpg', 'b.jpg']);
    await fails(
      readPictureFolder(missing),
      `${join(missing, 'captions.txt')} line 3: sub/c.png: no such file in ${missing}`,
    );
    const stray = await folder(CAPTIONS, [...PICTURES, 'd.jpg', 'e.png']);
    await fails(
      readPictureFolder(stray),
      `${stray}: 2 pictures have no caption in captions.txt: d.jpg, e.png (caption them, or move them out of the folder)`,
    );
    const badLine = await folder('a.jpg a cat\n', PICTURES);
    await fails(readPictureFolder(badLine), /captions\.txt line 1: expected "file<TAB>caption"/);
    const cases: [string, string | RegExp][] = [
      ['{"a.jpg": ', /splits\.json: not valid JSON/],
      ['["a.jpg"]', 'splits.json: expected an object {"file name": "train" | "val" | "test"}'],
      [
        '{"a.jpg": "dev", "b.jpg": "val", "sub/c.png": "train"}',
        'splits.json: a.jpg has split "dev"; expected train, val, test',
      ],
      ['{"z.jpg": "val"}', 'splits.json: z.jpg has no caption in captions.txt'],
      [
        '{"a.jpg": "val"}',
        /splits\.json gives no split to 2 captioned pictures: b\.jpg, sub\/c\.png \(list every one, or remove splits\.json: without it, a hash of each file name puts 1 picture in 10 in val/,
      ],
    ];
    for (const [text, message] of cases) {
      await fails(
        readPictureFolder(await folder(CAPTIONS, PICTURES, { 'splits.json': text })),
        message,
      );
    }
  });
});

describe('loadPictureFolder', () => {
  const SPLITS = JSON.stringify({ 'a.jpg': 'train', 'b.jpg': 'train', 'sub/c.png': 'val' });

  it('reads the rows the sidecar names for each picture, whatever their order', async () => {
    const dir = await folder(CAPTIONS, PICTURES, { 'splits.json': SPLITS });
    const order = ['sub/c.png', 'b.jpg', 'a.jpg', 'other.jpg'];
    await features(dir, order);
    const d = await loadPictureFolder(dir);
    expect([d.name, d.format, d.source, d.extractor]).toEqual([
      'photos',
      'folder',
      dir,
      'nsfwjs-mobilenetv2-mid',
    ]);
    const train = d.splits.train!;
    expect(train.imageIds).toEqual(['a.jpg', 'b.jpg']);
    expect(Array.from(train.features)).toEqual([
      ...row(rampFeatures(4, DIM), DIM, 2),
      ...row(rampFeatures(4, DIM), DIM, 1),
    ]);
    // Captions grouped by picture, each picture's in the file's order.
    expect(train.captions).toEqual(['a cat sleeps', 'the cat', 'a bird sings']);
    expect(Array.from(train.captionImage)).toEqual([0, 0, 1]);
    expect(train.tokens[2]).toEqual(['a', 'bird', 'sings']);
    expect(d.splits.val?.imageIds).toEqual(['sub/c.png']);
    expect(Object.keys((await loadPictureFolder(dir, { splits: ['val'] })).splits)).toEqual([
      'val',
    ]);
    await fails(
      loadPictureFolder(dir, { splits: ['test'] }),
      /has no 'test' split; the splits present are train, val/,
    );
  });

  it('leaves out the pictures the CNN could not read, with their captions, and says so', async () => {
    const dir = await folder(CAPTIONS, PICTURES, { 'splits.json': SPLITS });
    await features(dir, ['a.jpg', 'sub/c.png'], ['b.jpg']);
    const notes: string[] = [];
    const d = await loadPictureFolder(dir, { note: (l) => notes.push(l) });
    expect(d.splits.train?.imageIds).toEqual(['a.jpg']);
    expect(d.splits.train?.captions).toEqual(['a cat sleeps', 'the cat']);
    expect(notes).toEqual([
      'note: left out 1 picture (1 captions) that could not be read: b.jpg (not a picture)',
    ]);
  });

  it('without features, says how to compute them; with a way to compute them, does', async () => {
    const dir = await folder(CAPTIONS, PICTURES);
    await fails(
      loadPictureFolder(dir),
      `${dir}: no features.npy yet; compute them with: jointspace features --data ${dir} (train, evaluate and export do it themselves)`,
    );
    const jobs: FeatureJob[] = [];
    const d = await loadPictureFolder(dir, {
      computeFeatures: async (job) => {
        jobs.push(job);
        await features(dir, job.files);
      },
    });
    expect(jobs).toEqual([folderFeatureJob(await readPictureFolder(dir), 'no features.npy yet')]);
    expect(jobs[0]).toMatchObject({
      imagesDir: dir,
      out: join(dir, 'features.npy'),
      skipped: 'left-out',
    });
    expect(d.extractor).toBe('nsfwjs-mobilenetv2-mid');
    // Complete now: nothing more to compute.
    await loadPictureFolder(dir, {
      computeFeatures: async () => {
        throw new Error('computed twice');
      },
    });
  });

  it('computes again features that do not cover every picture, and refuses a hook that leaves them short', async () => {
    const dir = await folder(CAPTIONS, PICTURES);
    await features(dir, ['a.jpg', 'b.jpg']);
    const f = await readPictureFolder(dir);
    expect(await missingFeatures(f)).toBe('features.npy covers 2 of the 3 captioned pictures');
    await fails(
      loadPictureFolder(dir, { computeFeatures: async () => {} }),
      `${dir}: features.npy covers 2 of the 3 captioned pictures after computing them`,
    );
    await rm(join(dir, 'features.npy.json'));
    expect(await missingFeatures(f)).toBe('features.npy has no features.npy.json naming its rows');
    // A sidecar for other features than the .npy holds.
    await features(dir, PICTURES);
    await writeNpyFile(join(dir, 'features.npy'), rampFeatures(2, DIM), [2, DIM]);
    await fails(loadPictureFolder(dir), /describes 3 x 4 features, .*features\.npy holds 2 x 4/);
    expect(basename(dir)).toBe('photos');
  });
});
