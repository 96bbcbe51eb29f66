import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { matrixShape } from './checks.ts';
import { DatasetError } from './karpathy.ts';
import { columnsAsRows, MatFormatError, readMatMatrix, rowsAsRows } from './matlab.ts';
import { NpyFormatError, readNpy } from './npy.ts';

/** A feature file read as items x dim, row-major float32. */
export interface FeatureMatrix {
  data: Float32Array;
  rows: number;
  dim: number;
  path: string;
}

export interface FeatureReadOptions {
  /**
   * How many images the features must cover, and what says so (e.g. the split file's path), for
   * the error when the counts disagree. For a .mat file it also picks the orientation.
   */
  expect?: { images: number; source: string };
  /** The .mat variable to read; default `feats`. */
  variable?: string;
}

async function wrapFormatErrors<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof NpyFormatError || e instanceof MatFormatError) {
      throw new DatasetError(e.message, { cause: e });
    }
    if (e instanceof DatasetError) throw e;
    throw new DatasetError(`cannot read features: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Reads a row-aligned feature matrix from a .npy (N x D, float16/32/64) or a MATLAB .mat file
 * (variable `feats`, stored D x N as in Karpathy's vgg_feats.mat: column i is image i; an N x D
 * matrix is also accepted when N, and not D, is the image count expected).
 */
export async function readFeatureFile(
  path: string,
  { expect, variable = 'feats' }: FeatureReadOptions = {},
): Promise<FeatureMatrix> {
  if (!existsSync(path)) throw new DatasetError(`${path}: features file not found`);
  const ext = extname(path).toLowerCase();
  let matrix: FeatureMatrix;
  if (ext === '.npy') {
    const npy = await wrapFormatErrors(() => readNpy(path));
    const [rows, dim] = matrixShape(npy.shape, path);
    matrix = { data: npy.data, rows, dim, path };
  } else if (ext === '.mat') {
    const mat = await wrapFormatErrors(() => readMatMatrix(path, variable));
    matrixShape(mat.dims, `${path} (variable ${variable})`, 'dim x images');
    const [d0, d1] = mat.dims as [number, number];
    // Karpathy's layout is one column per image; take rows as images only when the columns
    // cannot be and the rows can.
    const byRows = expect !== undefined && d1 !== expect.images && d0 === expect.images;
    matrix = { ...(byRows ? rowsAsRows(mat) : columnsAsRows(mat)), path };
    if (expect !== undefined && matrix.rows !== expect.images) {
      throw new DatasetError(
        `${path}: ${variable} is ${d0} x ${d1} (dim x images, one column per image), ${expect.source} has ${expect.images} images`,
      );
    }
  } else {
    throw new DatasetError(
      `${path}: features must be a .npy file (images x dim) or a MATLAB .mat file (dim x images, variable ${variable})`,
    );
  }
  if (expect !== undefined && matrix.rows !== expect.images) {
    throw new DatasetError(
      `${path} has ${matrix.rows} rows, ${expect.source} has ${expect.images} images`,
    );
  }
  return matrix;
}
