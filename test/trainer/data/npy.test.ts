import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  encodeNpy,
  halfToFloat,
  NpyFormatError,
  npyHeader,
  parseNpy,
  readNpy,
} from '../../../trainer/data/npy.ts';

// Fixtures written by numpy 2.4 (np.save / np.lib.format.write_array) from
// a = np.arange(6).reshape(2, 3) / 4 - 0.5, in several dtypes and layouts.
const FIXTURES = join(import.meta.dirname, '../../fixtures/npy');
const EXPECTED = [-0.5, -0.25, 0, 0.25, 0.5, 0.75];

describe('readNpy', () => {
  it.each([
    ['f4_c.npy', '<f4'],
    ['f2_c.npy', '<f2'],
    ['f8_c.npy', '<f8'],
    ['f4_be.npy', '>f4'],
    ['f4_fortran.npy', '<f4'],
    ['f4_v2.npy', '<f4'],
  ])('reads %s as row-major float32', async (file, dtype) => {
    const npy = await readNpy(join(FIXTURES, file));
    expect(npy.shape).toEqual([2, 3]);
    expect(npy.storedDtype).toBe(dtype);
    expect(Array.from(npy.data)).toEqual(EXPECTED);
  });

  it('reads a 1-D array', async () => {
    const npy = await readNpy(join(FIXTURES, 'f4_1d.npy'));
    expect(npy.shape).toEqual([3]);
    expect(Array.from(npy.data)).toEqual([1.5, -2, 65504]);
  });

  it('converts float16 specials: infinities, NaN, subnormals, the largest half', async () => {
    const npy = await readNpy(join(FIXTURES, 'f2_special.npy'));
    const [inf, negInf, nan, tiny, max, negZero] = Array.from(npy.data);
    expect(inf).toBe(Number.POSITIVE_INFINITY);
    expect(negInf).toBe(Number.NEGATIVE_INFINITY);
    expect(nan).toBeNaN();
    expect(tiny).toBe(2 ** -24); // the smallest subnormal half
    expect(max).toBe(65504);
    expect(Object.is(negZero, -0)).toBe(true);
  });

  it('rejects integer arrays, naming the file and the dtype', async () => {
    await expect(readNpy(join(FIXTURES, 'i4.npy'))).rejects.toThrow(
      /i4\.npy: dtype <i4 is not supported: features must be float16, float32 or float64/,
    );
  });

  it('rejects a file that is not .npy, and a truncated one', async () => {
    expect(() => parseNpy(new TextEncoder().encode('hello world'), 'x.npy')).toThrow(
      new NpyFormatError('x.npy', 'not a .npy file (the magic string \\x93NUMPY is missing)'),
    );
    const whole = await readFile(join(FIXTURES, 'f4_c.npy'));
    expect(() => parseNpy(whole.subarray(0, whole.length - 4), 'cut.npy')).toThrow(
      /cut\.npy: truncated: the header promises 6 values \(24 bytes\), the file holds 20 bytes/,
    );
  });
});

describe('npyHeader', () => {
  it('is what encodeNpy writes before the values, 64-byte aligned', () => {
    const data = Float32Array.from(EXPECTED);
    const header = npyHeader([2, 3]);
    expect(header.length % 64).toBe(0);
    const whole = encodeNpy(data, [2, 3]);
    expect(Array.from(whole.subarray(0, header.length))).toEqual(Array.from(header));
    expect(whole.length).toBe(header.length + 6 * 4);
    // Header first, rows after: what a writer that streams rows produces, NumPy-readable.
    const streamed = new Uint8Array(whole.length);
    streamed.set(header);
    streamed.set(new Uint8Array(data.buffer), header.length);
    expect(Array.from(parseNpy(streamed).data)).toEqual(EXPECTED);
    expect(parseNpy(encodeNpy(new Float32Array(0), [0, 1792])).shape).toEqual([0, 1792]);
    expect(() => npyHeader([2, -1])).toThrow('bad shape (2, -1)');
  });
});

describe('encodeNpy', () => {
  it('writes exactly what numpy writes for the same float32 array', async () => {
    const expected = await readFile(join(FIXTURES, 'f4_c.npy'));
    const bytes = encodeNpy(Float32Array.from(EXPECTED), [2, 3]);
    expect(Buffer.from(bytes).equals(expected)).toBe(true);
  });

  it('round-trips through parseNpy, 1-D and 2-D', () => {
    const data = Float32Array.from({ length: 35 }, (_, i) => Math.sin(i) * 100);
    for (const shape of [[35], [5, 7]]) {
      const back = parseNpy(encodeNpy(data, shape));
      expect(back.shape).toEqual(shape);
      expect(back.data).toEqual(data);
    }
  });

  it('refuses a shape that does not hold the data', () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(
      'shape (2, 3) holds 6 values, data has 5',
    );
  });
});

describe('halfToFloat', () => {
  it('decodes hand-picked bit patterns', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x3555)).toBeCloseTo(0.33325195, 7);
    expect(halfToFloat(0x0000)).toBe(0);
  });
});
