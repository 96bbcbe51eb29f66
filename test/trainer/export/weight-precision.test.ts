import { setFloat16 } from '@petamoriken/float16';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dequantize,
  halfBits,
  permuteColumnBlocks,
  storedBytes,
  storeMatrix,
  transposeStored,
  WEIGHT_PRECISIONS,
} from '../../../trainer/export/weight-precision.ts';

function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c] as number;
  return out;
}

const matrices = fc
  .record({
    rows: fc.integer({ min: 1, max: 7 }),
    blocks: fc.integer({ min: 1, max: 4 }),
    width: fc.integer({ min: 1, max: 3 }),
  })
  .chain(({ rows, blocks, width }) =>
    fc.record({
      rows: fc.constant(rows),
      blocks: fc.constant(blocks),
      width: fc.constant(width),
      values: fc.float32Array({
        minLength: rows * blocks * width,
        maxLength: rows * blocks * width,
        noNaN: true,
        noDefaultInfinity: true,
        min: -4,
        max: 4,
      }),
      order: fc.shuffledSubarray(
        Array.from({ length: blocks }, (_, i) => i),
        { minLength: blocks, maxLength: blocks },
      ),
      precision: fc.constantFrom(...WEIGHT_PRECISIONS),
      axis: fc.constantFrom(0 as const, 1 as const),
    }),
  );

describe('stored weights', () => {
  it('float32 is exact, float16 within half a unit in the 11th bit, int8 within half a scale step', () => {
    const values = Float32Array.from([0.1, -2.5, 3.0001, 1e-3, -0.75, 0.333]);
    expect(dequantize(storeMatrix(values, 2, 3, 'float32'))).toEqual(values);
    const half = dequantize(storeMatrix(values, 2, 3, 'float16'));
    values.forEach((v, i) => {
      expect(Math.abs((half[i] as number) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 1e-7);
    });
    const m = storeMatrix(values, 2, 3, 'int8', 1);
    if (m.precision !== 'int8') throw new Error('expected int8');
    // Column scales: max |w| of each column / 127.
    const expectedScales = [values[0] as number, 2.5, values[2] as number].map((w) =>
      Math.fround(w / 127),
    );
    expect(Array.from(m.scale)).toEqual(expectedScales);
    const back = dequantize(m);
    values.forEach((v, i) => {
      expect(Math.abs((back[i] as number) - v)).toBeLessThanOrEqual(
        (m.scale[i % 3] as number) / 2 + 1e-7,
      );
    });
  });

  it('keeps an all-zero unit at zero and the extreme weight exact up to float rounding', () => {
    const m = storeMatrix(Float32Array.from([0, 0, 0, 5, -1, 2]), 2, 3, 'int8', 0);
    expect(Array.from(dequantize(m).subarray(0, 3))).toEqual([0, 0, 0]);
    expect(dequantize(m)[3]).toBeCloseTo(5, 5);
  });

  it('sizes: float16 is half of float32, int8 a quarter plus its scales', () => {
    const values = new Float32Array(64 * 32).fill(0.5);
    expect(storedBytes(storeMatrix(values, 64, 32, 'float32'))).toBe(64 * 32 * 4);
    expect(storedBytes(storeMatrix(values, 64, 32, 'float16'))).toBe(64 * 32 * 2);
    expect(storedBytes(storeMatrix(values, 64, 32, 'int8', 1))).toBe(64 * 32 + 32 * 4);
  });

  it('re-layout commutes with dequantisation (scales follow their units)', () => {
    fc.assert(
      fc.property(matrices, ({ rows, blocks, width, values, order, precision, axis }) => {
        const cols = blocks * width;
        const m = storeMatrix(values, rows, cols, precision, axis);
        const plain = dequantize(m);
        // Permute blocks, then transpose: in stored form, and in float form.
        const laidOut = dequantize(transposeStored(permuteColumnBlocks(m, order, width)));
        const expected = new Float32Array(plain.length);
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) {
            const source = (order[Math.floor(c / width)] as number) * width + (c % width);
            expected[r * cols + c] = plain[r * cols + source] as number;
          }
        }
        expect(laidOut).toEqual(transpose(expected, rows, cols));
      }),
    );
  });

  it('refuses a value count that does not fit the shape', () => {
    expect(() => storeMatrix(new Float32Array(5), 2, 3, 'float32')).toThrow(/5 values for a 2 x 3/);
    expect(() =>
      permuteColumnBlocks(storeMatrix(new Float32Array(6), 2, 3, 'float32'), [1, 0], 2),
    ).toThrow(/2 blocks of 2 in 3/);
  });
});

describe('halfBits', () => {
  /** The reference: @petamoriken/float16's setFloat16, one value at a time. */
  function reference(values: Float32Array): Uint16Array {
    const view = new DataView(new ArrayBuffer(values.length * 2));
    values.forEach((v, i) => {
      setFloat16(view, i * 2, v, true);
    });
    return new Uint16Array(view.buffer);
  }

  it('rounds like setFloat16 at every edge: ties, subnormals, overflow, zeros, infinities', () => {
    const edges = Float32Array.from([
      0,
      -0,
      1,
      -1,
      65504,
      65519.99,
      65520,
      -65520,
      1e6,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      2 ** -14,
      2 ** -24,
      2 ** -25,
      2 ** -25 * 1.0001,
      3 * 2 ** -25,
      2 ** -26,
      1e-10,
      1 + 2 ** -11,
      1 + 3 * 2 ** -11,
      1 + 2 ** -11 + 2 ** -20,
      2047.5,
      2048.5,
      0.1,
      1 / 3,
      -6.255818266027114,
    ]);
    expect(halfBits(edges)).toEqual(reference(edges));
  });

  it('agrees with setFloat16 on float32 bit patterns spread over the whole range', () => {
    const words = Uint32Array.from({ length: 200_000 }, (_, i) => (i * 21_474) >>> 0);
    const values = new Float32Array(words.buffer).filter((v) => !Number.isNaN(v));
    const got = halfBits(values);
    const want = reference(values);
    expect(got.findIndex((h, i) => h !== want[i])).toBe(-1);
  });

  it('gives a NaN for a NaN, and reads a view at its offset', () => {
    const nan = halfBits(Float32Array.of(Number.NaN))[0] as number;
    expect(nan & 0x7c00).toBe(0x7c00);
    expect(nan & 0x3ff).not.toBe(0);
    const backing = Float32Array.of(5, 1, 2);
    expect(halfBits(backing.subarray(1))).toEqual(reference(Float32Array.of(1, 2)));
  });
});
