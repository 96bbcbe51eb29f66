import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../../trainer/data/dataset.ts';
import {
  DatasetError,
  describeDataset,
  detectFormat,
  type FeatureJob,
  loadDataset,
} from '../../../trainer/data/load.ts';
import { DEFAULT_WORLD_OPTIONS, generateDemoWorld } from '../../../trainer/demo/world.ts';
import { writeDemoWorld } from '../../../trainer/demo/write-world.ts';
import { karpathyJson, rampFeatures, tempDir, writeNpyFile } from '../../support/datasets.ts';

let root: string;
let karpathy: string;
let precomp: string;
let demo: string;
let photos: string;

beforeAll(async () => {
  root = await tempDir();
  karpathy = join(root, 'karpathy');
  await mkdir(karpathy);
  await writeFile(
    join(karpathy, 'dataset_tiny.json'),
    karpathyJson([
      { filename: 'a.jpg', split: 'train', captions: ['a dog', 'the dog'] },
      { filename: 'b.jpg', split: 'val', captions: ['a cat'] },
    ]),
  );
  await writeNpyFile(join(karpathy, 'feats.npy'), rampFeatures(2, 3), [2, 3]);
  precomp = join(root, 'precomp');
  await mkdir(precomp);
  await writeFile(join(precomp, 'train_caps.txt'), 'a\nb\nc\nd\n');
  await writeNpyFile(join(precomp, 'train_ims.npy'), rampFeatures(2, 5), [2, 5]);
  photos = join(root, 'photos');
  await mkdir(photos);
  await writeFile(join(photos, 'captions.txt'), 'a.jpg\ta dog\nb.jpg\ta cat\n');
  await writeFile(join(photos, 'a.jpg'), '');
  await writeFile(join(photos, 'b.jpg'), '');
  demo = join(root, 'demo');
  await writeDemoWorld(
    generateDemoWorld({ ...DEFAULT_WORLD_OPTIONS, images: 300, val: 40, test: 60 }),
    demo,
  );
});

describe('detectFormat', () => {
  it('tells the formats apart by their files', async () => {
    expect(await detectFormat(karpathy)).toBe('karpathy');
    expect(await detectFormat(join(karpathy, 'dataset_tiny.json'))).toBe('karpathy');
    expect(await detectFormat(precomp)).toBe('precomp');
    expect(await detectFormat(join(precomp, 'train_caps.txt'))).toBe('precomp');
    expect(await detectFormat(demo)).toBe('demo');
    expect(await detectFormat(join(demo, 'world.json'))).toBe('demo');
    expect(await detectFormat(photos)).toBe('folder');
    expect(await detectFormat(join(photos, 'captions.txt'))).toBe('folder');
  });

  it('says what it looked for', async () => {
    const other = join(root, 'other');
    await mkdir(other);
    await writeFile(join(other, 'notes.txt'), '');
    await expect(detectFormat(other)).rejects.toThrow(
      `${other}: cannot tell the dataset format: looked for world.json (a demo world), dataset_*.json (a Karpathy split file), *_caps.txt (VSE++/Kiros precomp) or captions.txt (a folder of photos); found notes.txt`,
    );
    await expect(detectFormat(join(karpathy, 'feats.npy'))).rejects.toThrow(
      /cannot tell the dataset format from this file.*Features are passed with --features/,
    );
    await expect(detectFormat(join(root, 'nope'))).rejects.toThrow(
      `${join(root, 'nope')}: no such file or folder`,
    );
  });
});

describe('loadDataset', () => {
  it('loads each format', async () => {
    const k = await loadDataset(karpathy);
    expect([k.format, k.name, k.splits.train?.dim]).toEqual(['karpathy', 'tiny', 3]);
    const p = await loadDataset(precomp);
    expect([p.format, p.splits.train?.imageIds.length, p.splits.train?.dim]).toEqual([
      'precomp',
      2,
      5,
    ]);
  });

  it('loads a demo world through its split file and features', async () => {
    const d = await loadDataset(demo);
    expect(d).toMatchObject({ name: 'jointspace-demo', format: 'demo', source: demo });
    expect(d.splits.train?.imageIds.length).toBe(200);
    expect(d.splits.val?.imageIds.length).toBe(40);
    expect(d.splits.test?.captions.length).toBe(300);
    expect(d.splits.train?.imageIds[0]).toMatch(/^demo_\d+\.svg$/);
    const justTest = await loadDataset(demo, { splits: ['test'] });
    expect(Object.keys(justTest.splits)).toEqual(['test']);
  });

  it('reads a folder of photos, computing its features through the hook it is given', async () => {
    const jobs: FeatureJob[] = [];
    const notes: string[] = [];
    const d = await loadDataset(photos, {
      note: (line) => notes.push(line),
      computeFeatures: async (job) => {
        jobs.push(job);
        await writeNpyFile(job.out, rampFeatures(1, 3), [1, 3]);
        await writeFile(
          `${job.out}.json`,
          JSON.stringify({
            format: 'jointspace-features',
            formatVersion: 1,
            extractor: 'cnn',
            featureDim: 3,
            resize: 'r',
            rows: 1,
            files: ['a.jpg'],
            skipped: [{ file: 'b.jpg', row: null, reason: 'not a picture' }],
            list: 'h',
          }),
        );
      },
    });
    expect(jobs.map((j) => [j.files, j.why])).toEqual([
      [['a.jpg', 'b.jpg'], 'no features.npy yet'],
    ]);
    expect([d.format, d.extractor, d.name]).toEqual(['folder', 'cnn', 'photos']);
    expect(notes).toEqual([
      'note: left out 1 picture (1 captions) that could not be read: b.jpg (not a picture)',
    ]);
    await expect(loadDataset(photos, { features: 'x.npy' })).rejects.toThrow(
      '--features applies to Karpathy split files only; a folder dataset names its own features',
    );
  });

  it('records the extractor as unknown (null) for features made elsewhere', async () => {
    expect((await loadDataset(karpathy)).extractor).toBeNull();
    expect((await loadDataset(precomp)).extractor).toBeNull();
    expect((await loadDataset(demo)).extractor).toBeNull();
  });

  it('takes the format as given', async () => {
    await expect(loadDataset(karpathy, { format: 'precomp' })).rejects.toThrow(
      /no precomp caption files/,
    );
    await expect(loadDataset(karpathy, { format: 'demo' })).rejects.toThrow(
      `${karpathy}: not a demo world (no world.json)`,
    );
    await expect(loadDataset(karpathy, { format: 'coco' as never })).rejects.toThrow(
      'unknown dataset format "coco"; the formats are karpathy, precomp, demo, folder',
    );
  });

  it('refuses --features for formats that name their own, and bad splits up front', async () => {
    await expect(loadDataset(precomp, { features: 'x.npy' })).rejects.toThrow(
      `${precomp}: --features applies to Karpathy split files only; a precomp dataset names its own features`,
    );
    await expect(loadDataset(precomp, { splits: ['training' as never] })).rejects.toBeInstanceOf(
      DatasetError,
    );
    await expect(loadDataset(precomp, { splits: [] })).rejects.toThrow('no splits asked for');
  });
});

describe('describeDataset', () => {
  it('prints one line per split', async () => {
    const d: Dataset = await loadDataset(karpathy);
    expect(describeDataset(d)).toBe(
      [
        'train: 1 images, 2 captions (2 per image), 3-d features',
        'val: 1 images, 1 captions (1 per image), 3-d features',
      ].join('\n'),
    );
  });
});
