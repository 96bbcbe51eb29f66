import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { readFeatureFile } from '../../../trainer/data/features.ts';
import { DatasetError } from '../../../trainer/data/karpathy.ts';
import { NpyFormatError } from '../../../trainer/data/npy.ts';
import {
  encodeMat,
  MI,
  npyBytes,
  rampFeatures,
  row,
  tempDir,
  writeNpyFile,
} from '../../support/datasets.ts';

let dir: string;
beforeEach(async () => {
  dir = await tempDir();
});

/** A double matrix variable, values given column-major as MATLAB stores them. */
async function writeMat(name: string, dims: number[], values: number[], variable = 'feats') {
  const path = join(dir, name);
  await writeFile(path, encodeMat([{ name: variable, classId: 6, dims, type: MI.DOUBLE, values }]));
  return path;
}

// 3 x 2 column-major: column 0 is [1, 2, 3], column 1 is [4, 5, 6].
const COLUMNS = [1, 2, 3, 4, 5, 6];

describe('readFeatureFile: .npy', () => {
  it('reads an images x dim matrix as it is', async () => {
    const path = join(dir, 'feats.npy');
    await writeNpyFile(path, rampFeatures(5, 4), [5, 4]);
    const m = await readFeatureFile(path, { expect: { images: 5, source: 'd.json' } });
    expect([m.rows, m.dim, m.path]).toEqual([5, 4, path]);
    expect(m.data).toEqual(rampFeatures(5, 4));
  });

  it('takes the extension in any case, and float64 as float32', async () => {
    const path = join(dir, 'FEATS.NPY');
    await writeFile(path, npyBytes([0.1, -2, 1 / 3, 1e10], [2, 2], '<f8'));
    const m = await readFeatureFile(path);
    expect([m.rows, m.dim]).toEqual([2, 2]);
    expect(Array.from(m.data)).toEqual([0.1, -2, 1 / 3, 1e10].map(Math.fround));
  });

  it('refuses an array that is not 2-D', async () => {
    const path = join(dir, 'feats.npy');
    await writeNpyFile(path, rampFeatures(5, 1), [5]);
    await expect(readFeatureFile(path)).rejects.toThrow(
      `${path}: features must be a 2-D array (images x dim); this one has shape (5)`,
    );
  });

  it('refuses a row count other than the image count, naming what says so', async () => {
    const path = join(dir, 'feats.npy');
    await writeNpyFile(path, rampFeatures(4, 3), [4, 3]);
    await expect(
      readFeatureFile(path, { expect: { images: 5, source: 'd.json' } }),
    ).rejects.toThrow(new DatasetError(`${path} has 4 rows, d.json has 5 images`));
  });

  it('turns a format error into a DatasetError, keeping the cause', async () => {
    const path = join(dir, 'feats.npy');
    await writeFile(path, 'not numpy');
    const e = await readFeatureFile(path).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(DatasetError);
    expect((e as Error).message).toBe(
      `${path}: not a .npy file (the magic string \\x93NUMPY is missing)`,
    );
    expect((e as Error).cause).toBeInstanceOf(NpyFormatError);
    await writeFile(path, npyBytes([1, 2], [2], '<f8').slice(0, 20));
    await expect(readFeatureFile(path)).rejects.toThrow(`${path}: header runs past the end`);
  });

  it('says it cannot read a features file that is not a file', async () => {
    const path = join(dir, 'folder.npy');
    await mkdir(path);
    const e = await readFeatureFile(path).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(DatasetError);
    expect((e as Error).message).toMatch(/^cannot read features: EISDIR/);
  });
});

describe('readFeatureFile: .mat', () => {
  it('reads one column per image (Karpathy layout) when no count is expected', async () => {
    const path = await writeMat('vgg_feats.mat', [3, 2], COLUMNS);
    const m = await readFeatureFile(path);
    expect([m.rows, m.dim, m.path]).toEqual([2, 3, path]);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads one row per image when only the rows can be the images', async () => {
    const path = await writeMat('vgg_feats.mat', [3, 2], COLUMNS);
    const m = await readFeatureFile(path, { expect: { images: 3, source: 'd.json' } });
    expect([m.rows, m.dim]).toEqual([3, 2]);
    expect(Array.from(m.data)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('keeps the Karpathy layout for a square matrix', async () => {
    const path = await writeMat('vgg_feats.mat', [2, 2], [1, 2, 3, 4]);
    const m = await readFeatureFile(path, { expect: { images: 2, source: 'd.json' } });
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4]);
  });

  it('reads a scipy-written file both ways', async () => {
    // test/fixtures/data/mat/f8_z.mat holds a 6 x 3 double: 3 images of dimension 6.
    const path = join(dir, 'vgg_feats.mat');
    await copyFile(join(import.meta.dirname, '../../fixtures/data/mat/f8_z.mat'), path);
    const columns = await readFeatureFile(path, { expect: { images: 3, source: 'd.json' } });
    expect([columns.rows, columns.dim]).toEqual([3, 6]);
    expect(row(columns.data, 6, 2)).toEqual([-0.75, 0, 0.75, 1.5, 2.25, 3]);
    const rows = await readFeatureFile(path, { expect: { images: 6, source: 'd.json' } });
    expect([rows.rows, rows.dim]).toEqual([6, 3]);
    expect(row(rows.data, 3, 0)).toEqual([-1.25, -1, -0.75]);
  });

  it('reads the variable asked for, and names the ones there when it is missing', async () => {
    const path = await writeMat('resnet.mat', [3, 2], COLUMNS, 'x');
    expect(Array.from((await readFeatureFile(path, { variable: 'x' })).data)).toEqual(COLUMNS);
    const e = await readFeatureFile(path).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(DatasetError);
    expect((e as Error).message).toBe(
      `${path}: no variable "feats"; the file holds x (double 3x2)`,
    );
  });

  it('refuses a matrix that fits the image count neither way', async () => {
    const path = await writeMat('vgg_feats.mat', [3, 4], Array(12).fill(1));
    await expect(
      readFeatureFile(path, { expect: { images: 5, source: 'd.json' } }),
    ).rejects.toThrow(
      new DatasetError(
        `${path}: feats is 3 x 4 (dim x images, one column per image), d.json has 5 images`,
      ),
    );
  });

  it('refuses a variable that is not 2-D, naming it', async () => {
    const path = await writeMat('vgg_feats.mat', [2, 5, 2], Array(20).fill(1));
    await expect(readFeatureFile(path)).rejects.toThrow(
      `${path} (variable feats): features must be a 2-D array (dim x images); this one has shape (2, 5, 2)`,
    );
  });
});

describe('readFeatureFile: other files', () => {
  it('refuses a missing file', async () => {
    const path = join(dir, 'nope.npy');
    await expect(readFeatureFile(path)).rejects.toThrow(
      new DatasetError(`${path}: features file not found`),
    );
  });

  it('refuses a format it does not read, naming the ones it does', async () => {
    const path = join(dir, 'feats.h5');
    await writeFile(path, '');
    await expect(readFeatureFile(path, { variable: 'x' })).rejects.toThrow(
      `${path}: features must be a .npy file (images x dim) or a MATLAB .mat file (dim x images, variable x)`,
    );
  });
});
