import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  columnsAsRows,
  listMatVariables,
  MatFormatError,
  parseMatMatrix,
  readMatMatrix,
  rowsAsRows,
} from '../../../trainer/data/matlab.ts';
import { encodeMat, type MatVar, MI, opaqueElement } from '../../support/datasets.ts';

// Fixtures written by scipy 1.17 (python3) in test/fixtures/data/mat:
//   a = (np.arange(18, dtype=np.float64).reshape(6, 3) - 5) / 4
//   scipy.io.savemat('f8.mat', {'feats': a}, do_compression=False)
//   scipy.io.savemat('f8_z.mat', {'feats': a}, do_compression=True)
//   scipy.io.savemat('f4.mat', {'feats': a.astype(np.float32)}, do_compression=False)
//   scipy.io.savemat('f4_z.mat', {'feats': a.astype(np.float32)}, do_compression=True)
//   scipy.io.savemat('mixed.mat', {'names': 'abc', 'info': {'n': 1.0}, 'x': np.float32(2.5),
//       'u16': np.arange(6, dtype=np.uint16).reshape(2, 3), 'cplx': np.array([[1 + 2j, 3]]),
//       'sp': scipy.sparse.csc_matrix(np.eye(2)), 'cube': np.zeros((2, 2, 2))},
//       do_compression=False)
//   scipy.io.savemat('mixed_z.mat', {'names': 'abc',
//       'u16': np.arange(6, dtype=np.uint16).reshape(2, 3), 'feats': a}, do_compression=True)
const FIXTURES = join(import.meta.dirname, '../../fixtures/data/mat');
/** a, row-major (6 x 3). */
const A = Array.from({ length: 18 }, (_, i) => (i - 5) / 4);
/** a's columns: what MATLAB stores, and the rows (images) of columnsAsRows. */
const A_COLUMNS = [0, 1, 2].flatMap((c) => [0, 1, 2, 3, 4, 5].map((r) => A[r * 3 + c]));

describe('readMatMatrix on scipy files', () => {
  it.each([
    ['f8.mat', 'double'],
    ['f8_z.mat', 'double'],
    ['f4.mat', 'single'],
    ['f4_z.mat', 'single'],
    ['mixed_z.mat', 'double'],
  ])('reads feats from %s (%s), column-major', async (file, className) => {
    const m = await readMatMatrix(join(FIXTURES, file));
    expect(m.name).toBe('feats');
    expect(m.className).toBe(className);
    expect(m.dims).toEqual([6, 3]);
    expect(Array.from(m.data)).toEqual(A_COLUMNS);
  });

  it('turns a dim x N matrix into N x dim rows (column i = image i), or keeps R x C', async () => {
    const m = await readMatMatrix(join(FIXTURES, 'f8_z.mat'));
    const cols = columnsAsRows(m);
    expect([cols.rows, cols.dim]).toEqual([3, 6]);
    expect(Array.from(cols.data.subarray(6, 12))).toEqual(
      [0, 1, 2, 3, 4, 5].map((r) => A[r * 3 + 1]),
    );
    const rows = rowsAsRows(m);
    expect([rows.rows, rows.dim]).toEqual([6, 3]);
    expect(Array.from(rows.data)).toEqual(A);
  });

  it('lists every variable with its class and size, small data elements included', async () => {
    const bytes = await readFile(join(FIXTURES, 'mixed.mat'));
    const vars = listMatVariables(bytes, 'mixed.mat');
    expect(vars.map((v) => [v.name, v.className, v.dims.join('x'), v.complex])).toEqual([
      ['names', 'char', '1x3', false],
      ['info', 'struct', '1x1', false],
      ['x', 'single', '1x1', false],
      ['u16', 'uint16', '2x3', false],
      ['cplx', 'double', '1x2', true],
      ['sp', 'sparse', '2x2', false],
      ['cube', 'double', '2x2x2', false],
    ]);
    // A 1x1 single is 4 bytes: scipy writes it as a small data element.
    expect(Array.from(parseMatMatrix(bytes, 'x').data)).toEqual([2.5]);
    expect(Array.from(parseMatMatrix(bytes, 'u16').data)).toEqual([0, 3, 1, 4, 2, 5]);
    expect(parseMatMatrix(bytes, 'cube').dims).toEqual([2, 2, 2]);
  });

  it.each([
    ['cplx', /variable "cplx" is complex, which is not supported/],
    ['sp', /variable "sp" is a sparse matrix, which is not supported: store it as full\(sp\)/],
    ['names', /variable "names" is a char array, not a numeric matrix/],
    ['info', /variable "info" is a struct array, not a numeric matrix/],
  ])('refuses %s', async (name, message) => {
    const bytes = await readFile(join(FIXTURES, 'mixed.mat'));
    expect(() => parseMatMatrix(bytes, name, 'mixed.mat')).toThrow(message);
  });

  it('names the variables present when the one asked for is missing', async () => {
    const path = join(FIXTURES, 'mixed.mat');
    await expect(readMatMatrix(path)).rejects.toThrow(
      `${path}: no variable "feats"; the file holds names (char 1x3), info (struct 1x1), x (single 1x1), u16 (uint16 2x3), cplx (complex double 1x2), sp (sparse 2x2), cube (double 2x2x2)`,
    );
    await expect(readMatMatrix(path)).rejects.toBeInstanceOf(MatFormatError);
  });
});

describe('parseMatMatrix storage types and damage', () => {
  const values = [0, 1, 2, 100, 7, 3];
  const v = (type: number, vals = values, classId = 6): MatVar => ({
    name: 'feats',
    classId,
    dims: [3, 2],
    type,
    values: vals,
  });

  it.each([
    ['miINT8', MI.INT8, [-3, 1, 2, 100, -7, 3]],
    ['miUINT8', MI.UINT8, values],
    ['miINT16', MI.INT16, [-300, 1, 2, 100, 7, 3]],
    ['miUINT16', MI.UINT16, [60000, 1, 2, 100, 7, 3]],
    ['miINT32', MI.INT32, [-70000, 1, 2, 100, 7, 3]],
    ['miUINT32', MI.UINT32, [4000000000, 1, 2, 100, 7, 3]],
    ['miINT64', MI.INT64, [-5, 1, 2, 100, 7, 3]],
    ['miUINT64', MI.UINT64, values],
    ['miSINGLE', MI.SINGLE, [0.5, -1.25, 2, 100, 7, 3]],
  ])('reads a double array stored as %s (as MATLAB compacts it)', (_, type, vals) => {
    for (const compress of [false, true]) {
      for (const little of [true, false]) {
        const m = parseMatMatrix(encodeMat([v(type, vals)], { compress, little }), 'feats');
        expect(m.className).toBe('double');
        expect(Array.from(m.data)).toEqual(vals.map((x) => Math.fround(x)));
      }
    }
  });

  it('reads a big-endian double file', () => {
    const m = parseMatMatrix(
      encodeMat([v(MI.DOUBLE, [0.1, 2, 3, 4, 5, 6])], { little: false }),
      'feats',
    );
    expect(Array.from(m.data)).toEqual([0.1, 2, 3, 4, 5, 6].map(Math.fround));
  });

  it('refuses v7.3 (HDF5) files with the way to convert them', () => {
    const v73 = encodeMat([], {
      text: 'MATLAB 7.3 MAT-file, Platform: GLNXA64, HDF5 schema 1.00 .',
      version: 0x0200,
    });
    const hdf = new Uint8Array(1024);
    hdf.set(v73.subarray(0, 128));
    hdf.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], 512);
    for (const bytes of [v73, hdf, hdf.subarray(512)]) {
      expect(() => parseMatMatrix(bytes, 'feats', 'vgg_feats.mat')).toThrow(
        /vgg_feats.mat: is a MATLAB v7.3 file \(HDF5\).*re-save it in MATLAB with save\(file, 'feats', '-v7'\).*convert it to \.npy/,
      );
    }
  });

  it('refuses what is not a MAT v5 file', () => {
    expect(() => parseMatMatrix(new TextEncoder().encode('hello'), 'feats', 'a.mat')).toThrow(
      'a.mat: not a MATLAB level-5 MAT-file (shorter than its header)',
    );
    expect(() => parseMatMatrix(new Uint8Array(200), 'feats', 'a.mat')).toThrow(
      /a.mat: not a MATLAB level-5 MAT-file \(no "MI" endian indicator/,
    );
  });

  it('reports truncated and corrupt files', () => {
    const full = encodeMat([v(MI.DOUBLE)]);
    expect(() => parseMatMatrix(full.subarray(0, full.length - 8), 'feats', 'a.mat')).toThrow(
      /a.mat: truncated: variable 0 at byte 128 claims/,
    );
    const z = encodeMat([v(MI.DOUBLE)], { compress: true });
    const bad = z.slice();
    bad.fill(0xff, 140, 150);
    expect(() => parseMatMatrix(bad, 'feats', 'a.mat')).toThrow(
      /a.mat: cannot decompress variable 0 at byte 128/,
    );
  });

  it('lists MATLAB objects (opaque class) by name and reads past them', () => {
    for (const compress of [false, true]) {
      // MATLAB writes the objects' data as an unnamed uint8 matrix at the end: not a variable.
      const subsystem = {
        name: '',
        classId: 9,
        dims: [1, 4],
        type: MI.UINT8,
        values: [1, 2, 3, 4],
      };
      const bytes = encodeMat([opaqueElement('label', 'string'), v(MI.DOUBLE), subsystem], {
        compress,
      });
      expect(listMatVariables(bytes).map((x) => [x.name, x.className])).toEqual([
        ['label', 'string'],
        ['feats', 'double'],
      ]);
      expect(Array.from(parseMatMatrix(bytes, 'feats').data)).toEqual(values);
      expect(() => parseMatMatrix(bytes, 'label', 'a.mat')).toThrow(
        'a.mat: variable "label" is a string array, not a numeric matrix',
      );
      expect(() => parseMatMatrix(bytes, 'nope', 'a.mat')).toThrow(
        'a.mat: no variable "nope"; the file holds label (string), feats (double 3x2)',
      );
    }
  });

  it('checks the data against the dimensions', () => {
    const bytes = encodeMat([{ ...v(MI.DOUBLE), dims: [3, 3] }]);
    expect(() => parseMatMatrix(bytes, 'feats', 'a.mat')).toThrow(
      'a.mat: variable "feats" is 3 x 3 (9 values) but holds 6 values',
    );
  });
});
