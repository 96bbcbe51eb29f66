import { existsSync } from 'node:fs';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { DatasetError } from '../../../trainer/data/karpathy.ts';
import { findFeatures, loadKarpathy } from '../../../trainer/data/karpathy-load.ts';
import {
  encodeMat,
  karpathyJson,
  MI,
  npyBytes,
  rampFeatures,
  row,
  type TinyImage,
  tempDir,
  writeNpyFile,
} from '../../support/datasets.ts';

const IMAGES: TinyImage[] = [
  { filename: 'a.jpg', split: 'train', captions: ['A red Dog!', 'a dog runs'] },
  { filename: 'b.jpg', split: 'restval', captions: ["Two cats' toys"] },
  { filename: 'c.jpg', split: 'val', captions: ['A blue car', 'a car', 'cars parked'] },
  { filename: 'd.jpg', split: 'test', captions: ['sky at night'] },
  { filename: 'e.jpg', split: 'train', captions: ['Café STREET'] },
];
const DIM = 4;

let dir: string;
let json: string;
beforeEach(async () => {
  dir = await tempDir();
  json = join(dir, 'dataset_tiny.json');
  await writeFile(json, karpathyJson(IMAGES));
});

async function withFeatures(data = rampFeatures(IMAGES.length, DIM), shape = [IMAGES.length, DIM]) {
  await writeNpyFile(join(dir, 'feats.npy'), data, shape);
}

describe('loadKarpathy', () => {
  it('builds the splits: restval joins train, JSON order kept, tokens recomputed', async () => {
    await withFeatures();
    const d = await loadKarpathy(dir);
    expect(d).toMatchObject({ name: 'tiny', format: 'karpathy', source: json });
    expect(Object.keys(d.splits)).toEqual(['train', 'val', 'test']);
    const train = d.splits.train!;
    expect(train.imageIds).toEqual(['a.jpg', 'b.jpg', 'e.jpg']);
    expect(train.dim).toBe(DIM);
    expect(row(train.features, DIM, 0)).toEqual(row(rampFeatures(5, DIM), DIM, 0));
    expect(row(train.features, DIM, 1)).toEqual(row(rampFeatures(5, DIM), DIM, 1));
    expect(row(train.features, DIM, 2)).toEqual(row(rampFeatures(5, DIM), DIM, 4));
    expect(train.captions).toEqual(['A red Dog!', 'a dog runs', "Two cats' toys", 'Café STREET']);
    expect(train.tokens).toEqual([
      ['a', 'red', 'dog'],
      ['a', 'dog', 'runs'],
      ['two', 'cats', 'toys'],
      ['café', 'street'],
    ]);
    expect(Array.from(train.captionImage)).toEqual([0, 0, 1, 2]);
    const val = d.splits.val!;
    expect(val.imageIds).toEqual(['c.jpg']);
    expect(Array.from(val.captionImage)).toEqual([0, 0, 0]);
    expect(row(val.features, DIM, 0)).toEqual(row(rampFeatures(5, DIM), DIM, 2));
    expect(d.splits.test?.imageIds).toEqual(['d.jpg']);
  });

  it('takes the JSON path itself, explicit features, and limits the splits', async () => {
    const other = join(dir, 'elsewhere');
    await mkdir(other);
    await writeNpyFile(join(other, 'x.npy'), rampFeatures(5, 3), [5, 3]);
    const d = await loadKarpathy(json, { features: join(other, 'x.npy'), splits: ['val'] });
    expect(Object.keys(d.splits)).toEqual(['val']);
    expect(d.splits.val?.dim).toBe(3);
  });

  it.each([
    ['<f2', [0.5, -2, 1024, 0.125]],
    ['<f8', [0.1, -2, 1e10, 1 / 3]],
  ] as const)('reads %s features as float32', async (descr, first) => {
    const values = Array.from({ length: 5 * DIM }, (_, i) => (i < DIM ? (first[i] as number) : i));
    await writeFile(join(dir, 'feats.npy'), npyBytes(values, [5, DIM], descr));
    const d = await loadKarpathy(dir);
    expect(row(d.splits.train!.features, DIM, 0)).toEqual(first.map(Math.fround));
  });

  it('names the dataset after the file when the JSON does not', async () => {
    const named = join(dir, 'dataset_holiday.json');
    await writeFile(named, karpathyJson(IMAGES, null));
    await withFeatures();
    expect((await loadKarpathy(named)).name).toBe('holiday');
    await rm(named);
  });

  it('reads vgg_feats.mat beside the JSON (dim x N: column i is image i)', async () => {
    const feats = rampFeatures(5, DIM); // row i = image i = column i of the MATLAB matrix
    const mat = encodeMat(
      [{ name: 'feats', classId: 6, dims: [DIM, 5], type: MI.DOUBLE, values: Array.from(feats) }],
      { compress: true },
    );
    await writeFile(join(dir, 'vgg_feats.mat'), mat);
    expect(await findFeatures(json)).toBe(join(dir, 'vgg_feats.mat'));
    const d = await loadKarpathy(dir);
    expect(row(d.splits.train!.features, DIM, 2)).toEqual(row(feats, DIM, 4));
    expect(row(d.splits.val!.features, DIM, 0)).toEqual(row(feats, DIM, 2));
  });

  it('reads a scipy-written .mat with one column per image, and an N x D one', async () => {
    // test/fixtures/data/mat/f8_z.mat holds a 6 x 3 double: 3 images of dimension 6.
    const three = join(dir, 'three');
    await mkdir(three);
    await writeFile(join(three, 'dataset_three.json'), karpathyJson(IMAGES.slice(0, 3)));
    await copyFile(
      join(import.meta.dirname, '../../fixtures/data/mat/f8_z.mat'),
      join(three, 'vgg_feats.mat'),
    );
    const d = await loadKarpathy(three);
    expect(d.splits.train?.dim).toBe(6);
    expect(row(d.splits.val!.features, 6, 0)).toEqual([-0.75, 0, 0.75, 1.5, 2.25, 3]);
    // The same matrix as 6 images of dimension 3: rows are images since the columns cannot be.
    const six = IMAGES.concat({ filename: 'f.jpg', split: 'train', captions: ['one more'] });
    await writeFile(join(three, 'dataset_three.json'), karpathyJson(six));
    const e = await loadKarpathy(three);
    expect(e.splits.train?.dim).toBe(3);
    expect(row(e.splits.train!.features, 3, 0)).toEqual([-1.25, -1, -0.75]);
  });
});

describe('loadKarpathy errors', () => {
  const fails = (promise: Promise<unknown>, message: string | RegExp) =>
    expect(promise).rejects.toThrow(message);

  it('feature rows that disagree with the image count', async () => {
    await withFeatures(rampFeatures(4, DIM), [4, DIM]);
    await fails(loadKarpathy(dir), `${join(dir, 'feats.npy')} has 4 rows, ${json} has 5 images`);
    await expect(loadKarpathy(dir)).rejects.toBeInstanceOf(DatasetError);
  });

  it('features that are not 2-D', async () => {
    await withFeatures(rampFeatures(5, 1), [5]);
    await fails(
      loadKarpathy(dir),
      `${join(dir, 'feats.npy')}: features must be a 2-D array (images x dim); this one has shape (5)`,
    );
  });

  it.each([
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('features holding %s: names the row, column and image', async (bad, text) => {
    const data = rampFeatures(5, DIM);
    data[2 * DIM + 3] = bad;
    await withFeatures(data);
    await fails(
      loadKarpathy(dir),
      `${join(dir, 'feats.npy')}: row 2 column 3 is ${text} (images[2], c.jpg); features must be finite numbers`,
    );
  });

  it('a caption with no word after tokenising', async () => {
    const bad = structuredClone(IMAGES);
    bad[4]!.captions[0] = '?! ...';
    await writeFile(json, karpathyJson(bad));
    await withFeatures();
    await fails(
      loadKarpathy(dir),
      `${json}: images[4] (e.jpg) sentences[0] "?! ..." has no words after tokenising`,
    );
  });

  it('unknown split names, and splits the file lacks', async () => {
    await withFeatures();
    await fails(
      loadKarpathy(dir, { splits: ['dev' as never] }),
      `unknown split "dev" (precomp's 'dev' is loaded as 'val'); the splits are train, val, test`,
    );
    await fails(
      loadKarpathy(dir, { splits: ['restval' as never] }),
      /unknown split "restval" \(Karpathy's 'restval' images are part of 'train'\)/,
    );
    await writeFile(json, karpathyJson(IMAGES.filter((im) => im.split !== 'test')));
    await withFeatures(rampFeatures(4, DIM), [4, DIM]);
    await fails(
      loadKarpathy(dir, { splits: ['train', 'test'] }),
      `${json} has no 'test' split; the splits present are train, val`,
    );
  });

  it('the same file name twice in a split', async () => {
    const dup = IMAGES.map((im, i) => (i === 4 ? { ...im, filename: 'a.jpg' } : im));
    await writeFile(json, karpathyJson(dup));
    await withFeatures();
    await fails(
      loadKarpathy(dir),
      `${json}: images[4] and images[0] are both a.jpg in 'train'; image file names must be unique`,
    );
  });

  it('no features, or more than one candidate', async () => {
    await fails(
      loadKarpathy(dir),
      `${dir}: no features beside dataset_tiny.json: looked for one *.npy file or vgg_feats.mat, found neither; pass the features file with --features`,
    );
    await writeFile(join(dir, 'resnet.mat'), '');
    await fails(loadKarpathy(dir), /found only resnet.mat; pass the features file with --features/);
    await withFeatures();
    await writeNpyFile(join(dir, 'other.npy'), rampFeatures(5, DIM), [5, DIM]);
    await fails(
      loadKarpathy(dir),
      `${dir}: more than one .npy beside dataset_tiny.json (feats.npy, other.npy); pass the features file with --features`,
    );
    await fails(
      loadKarpathy(dir, { features: join(dir, 'nope.npy') }),
      `${join(dir, 'nope.npy')}: features file not found`,
    );
  });

  it('a folder with no split file, or several', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await fails(
      loadKarpathy(empty),
      `${empty}: no Karpathy split file (dataset_*.json) in this folder`,
    );
    await writeFile(join(dir, 'dataset_other.json'), karpathyJson(IMAGES));
    await fails(
      loadKarpathy(dir),
      `${dir}: more than one split file (dataset_other.json, dataset_tiny.json); pass the one to use as the path`,
    );
  });
});

describe('loadKarpathy with a features sidecar', () => {
  /** feats.npy.json as the features command writes it for IMAGES; `skipped` rows are zeros. */
  async function withSidecar(skipped: number[], files = IMAGES.map((im) => im.filename)) {
    await withFeatures();
    const sidecar = {
      format: 'jointspace-features',
      formatVersion: 1,
      extractor: 'nsfwjs-mobilenetv2-mid',
      featureDim: DIM,
      resize: 'r',
      rows: IMAGES.length,
      files,
      skipped: skipped.map((r) => ({ file: files[r], row: r, reason: 'no such file' })),
      list: 'h',
    };
    await writeFile(join(dir, 'feats.npy.json'), JSON.stringify(sidecar));
  }

  it('records the extractor; without a sidecar it is null', async () => {
    await withFeatures();
    expect((await loadKarpathy(dir)).extractor).toBeNull();
    await withSidecar([]);
    expect((await loadKarpathy(dir)).extractor).toBe('nsfwjs-mobilenetv2-mid');
  });

  it('leaves out the images whose pictures could not be read, with their captions, and says so', async () => {
    await withSidecar([0, 2]);
    const notes: string[] = [];
    const d = await loadKarpathy(dir, { note: (l) => notes.push(l) });
    expect(d.splits.train?.imageIds).toEqual(['b.jpg', 'e.jpg']);
    expect(row(d.splits.train!.features, DIM, 0)).toEqual(row(rampFeatures(5, DIM), DIM, 1));
    expect(d.splits.train?.captions).toEqual(["Two cats' toys", 'Café STREET']);
    expect(Object.keys(d.splits)).toEqual(['train', 'test']);
    expect(notes).toEqual([
      'note: left out 2 images (5 captions) whose pictures could not be read when feats.npy was made: a.jpg (no such file), c.jpg (no such file)',
    ]);
  });

  it('refuses a sidecar made for another list of pictures', async () => {
    await withSidecar([], ['a.jpg', 'b.jpg', 'x.jpg', 'd.jpg', 'e.jpg']);
    await expect(loadKarpathy(dir)).rejects.toThrow(
      `${join(dir, 'feats.npy.json')} gives row 2 to x.jpg, ${json} has c.jpg there: the features were made for another list of pictures`,
    );
  });
});

// Real data, read-only, never copied into the repository (licence): ../shared/data/flickr8k.
const FLICKR8K = join(import.meta.dirname, '../../../../shared/data/flickr8k');

describe('Flickr8k (real data, when present)', () => {
  it.skipIf(!existsSync(join(FLICKR8K, 'dataset_flickr8k.json')))(
    'loads 6000 train and 1000 val images with 5 captions each and 1792-d features',
    async () => {
      const d = await loadKarpathy(FLICKR8K);
      expect(d.name).toBe('flickr8k');
      expect(Object.keys(d.splits)).toEqual(['train', 'val']);
      const train = d.splits.train!;
      const val = d.splits.val!;
      expect([train.imageIds.length, train.captions.length, train.dim]).toEqual([
        6000, 30000, 1792,
      ]);
      expect([val.imageIds.length, val.captions.length, val.dim]).toEqual([1000, 5000, 1792]);
      expect(train.features.length).toBe(6000 * 1792);
      expect(train.features.subarray(0, 1792).every(Number.isFinite)).toBe(true);
      expect(train.tokens.every((t) => t.length > 0)).toBe(true);
      expect(train.captionImage[29999]).toBe(5999);
      expect(val.captionImage[0]).toBe(0);
    },
  );
});
