import { describe, expect, it } from 'vitest';
import { unitRows } from '../../../trainer/train/features.ts';

function rowNorms(values: Float32Array, dim: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < values.length / dim; r++) {
    out.push(Math.hypot(...values.subarray(r * dim, (r + 1) * dim)));
  }
  return out;
}

describe('unitRows', () => {
  it('scales each row to unit length, keeping its direction', () => {
    const out = unitRows(Float32Array.from([3, 4, 0, 0, 0, 2, 1, 2, 2]), 3);
    expect(Array.from(out)).toEqual([
      Math.fround(0.6),
      Math.fround(0.8),
      0,
      0,
      0,
      1,
      Math.fround(1 / 3),
      Math.fround(2 / 3),
      Math.fround(2 / 3),
    ]);
  });

  it('leaves an all-zero row zero (no NaN from dividing by its zero length)', () => {
    const out = unitRows(Float32Array.from([0, 0, 5, 0]), 2);
    expect(Array.from(out)).toEqual([0, 0, 1, 0]);
  });

  it('keeps signs, as for features that are not CNN ReLU outputs', () => {
    expect(Array.from(unitRows(Float32Array.from([-3, 4, -2]), 1))).toEqual([-1, 1, -1]);
    expect(Array.from(unitRows(Float32Array.from([-3, -4]), 2))).toEqual([
      Math.fround(-0.6),
      Math.fround(-0.8),
    ]);
  });

  it('sums squares in double precision: huge and tiny rows come out unit length too', () => {
    // 3e30 squared overflows float32; 3e-30 squared underflows it.
    const out = unitRows(Float32Array.from([3e30, 4e30, 3e-30, 4e-30]), 2);
    [0.6, 0.8, 0.6, 0.8].forEach((expected, i) => {
      expect(out[i]).toBeCloseTo(expected, 6);
    });
  });

  it('gives every row of a realistic feature matrix length 1', () => {
    const dim = 512;
    const features = Float32Array.from({ length: 10 * dim }, (_, i) => ((i * 37) % 101) / 7);
    for (const n of rowNorms(unitRows(features, dim), dim)) expect(n).toBeCloseTo(1, 6);
  });

  it('returns a new array and leaves its input as it was', () => {
    const features = Float32Array.from([3, 4]);
    const out = unitRows(features, 2);
    expect(out).not.toBe(features);
    expect(Array.from(features)).toEqual([3, 4]);
  });

  it('gives nothing for no rows', () => {
    expect(unitRows(new Float32Array(0), 4)).toEqual(new Float32Array(0));
  });
});
