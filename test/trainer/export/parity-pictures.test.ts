import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PICTURE_INPUT } from '../../../core/picture-pixels.ts';
import type {
  Dataset,
  DatasetFormat,
  SplitData,
  SplitName,
} from '../../../trainer/data/dataset.ts';
import { datasetPictures, madePictures } from '../../../trainer/export/parity-pictures.ts';
import { readPictureFile } from '../../../trainer/pictures/read-picture.ts';
import { tempDir } from '../../support/datasets.ts';
import { writePicture } from '../../support/test-pictures.ts';

/** The pictures an image encoder is checked on: made ones, and the dataset's own photos. */

const SIZE = PICTURE_INPUT.height * PICTURE_INPUT.width * PICTURE_INPUT.channels;

function dataset(
  format: DatasetFormat,
  source: string,
  ids: Partial<Record<SplitName, string[]>>,
): Dataset {
  const splits: Dataset['splits'] = {};
  for (const [name, imageIds] of Object.entries(ids) as [SplitName, string[]][]) {
    splits[name] = { name, imageIds } as SplitData;
  }
  return { name: 'pictures', format, source, splits };
}

describe('madePictures', () => {
  it('makes three different 224 x 224 RGB pictures, the same each time', () => {
    const pictures = madePictures();
    expect(pictures.map((p) => p.name)).toEqual(['made: gradient', 'made: noise', 'made: shapes']);
    for (const p of pictures) expect(p.pixels.length).toBe(SIZE);
    const again = madePictures();
    pictures.forEach((p, i) => {
      expect(Buffer.from(p.pixels).equals(Buffer.from(again[i]?.pixels ?? []))).toBe(true);
    });
    const [a, b, c] = pictures.map((p) => Buffer.from(p.pixels));
    expect(a?.equals(b as Buffer) || b?.equals(c as Buffer) || a?.equals(c as Buffer)).toBe(false);
  });

  it('covers dark to bright: every picture spans most of the byte range', () => {
    for (const { pixels } of madePictures()) {
      const [low, high] = pixels.reduce(([l, h], v) => [Math.min(l, v), Math.max(h, v)], [255, 0]);
      expect((high as number) - (low as number)).toBeGreaterThan(200);
    }
  });
});

describe('datasetPictures', () => {
  it("reads a folder of photos' first pictures, split by split, as the CNN reads them", async () => {
    const dir = await tempDir();
    for (const [k, name] of ['a.jpg', 'b.png', 'c.webp'].entries()) {
      const format = (['jpeg', 'png', 'webp'] as const)[k] as 'jpeg';
      await writePicture(join(dir, name), { width: 300, height: 200, format, seed: k });
    }
    const photos = await datasetPictures(
      dataset('folder', dir, { val: ['b.png'], train: ['a.jpg', 'c.webp'] }),
      2,
    );
    expect(photos.map((p) => p.name)).toEqual(['a.jpg', 'c.webp']);
    const read = await readPictureFile(join(dir, 'a.jpg'));
    expect(Buffer.from(photos[0]?.pixels ?? []).equals(Buffer.from(read))).toBe(true);
  });

  it("finds a Karpathy file's pictures in images/ beside it, passing over missing and damaged ones", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'images'));
    await writePicture(join(dir, 'images', 'ok.jpg'), { width: 224, height: 224, format: 'jpeg' });
    await writeFile(join(dir, 'images', 'broken.jpg'), 'not a picture');
    const ids = { test: ['gone.jpg', 'broken.jpg', 'ok.jpg'] };
    const fromFile = dataset('karpathy', join(dir, 'dataset_x.json'), ids);
    expect((await datasetPictures(fromFile, 3)).map((p) => p.name)).toEqual(['ok.jpg']);
    // The dataset's path may be the folder that holds the split file.
    expect((await datasetPictures(dataset('karpathy', dir, ids), 3)).length).toBe(1);
  });

  it('stops after as many unreadable files as pictures asked for', async () => {
    const dir = await tempDir();
    const ids = ['x1.jpg', 'x2.jpg', 'x3.jpg', 'fine.png'];
    for (const id of ids.slice(0, 3)) await writeFile(join(dir, id), 'junk');
    await writePicture(join(dir, 'fine.png'), { width: 50, height: 50, format: 'png' });
    expect(await datasetPictures(dataset('folder', dir, { train: ids }), 2)).toEqual([]);
    expect((await datasetPictures(dataset('folder', dir, { train: ids }), 4)).length).toBe(1);
  });

  it('gives none for data without picture files', async () => {
    const dir = await tempDir();
    expect(await datasetPictures(dataset('demo', dir, { train: ['x.jpg'] }), 3)).toEqual([]);
    expect(await datasetPictures(dataset('precomp', dir, { train: ['0'] }), 3)).toEqual([]);
    expect(
      await datasetPictures(dataset('karpathy', join(dir, 'd.json'), { train: ['x.jpg'] }), 3),
    ).toEqual([]);
    expect(
      await datasetPictures(dataset('folder', join(dir, 'nowhere'), { train: ['x.jpg'] }), 3),
    ).toEqual([]);
  });
});
