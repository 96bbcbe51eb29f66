import { describe, expect, it } from 'vitest';
import { normal, orthogonal, sideBySide, xavierUniform } from '../../../trainer/model/init.ts';
import { Random } from '../../../trainer/random.ts';

/** Largest |(Q Q^T)_ij - I_ij| of a row-major n x n matrix, in float64. */
function orthogonalityError(q: Float32Array, n: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let d = 0;
      for (let k = 0; k < n; k++) d += q[i * n + k]! * q[j * n + k]!;
      worst = Math.max(worst, Math.abs(d - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

function meanAndVariance(values: Float32Array): { mean: number; variance: number } {
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  const variance = values.reduce((s, x) => s + (x - mean) ** 2, 0) / values.length;
  return { mean, variance };
}

describe('normal', () => {
  it("draws from the run's random source: the same seed, the same values", () => {
    const values = normal(new Random(4), 5, 0.1);
    expect(values).toBeInstanceOf(Float32Array);
    expect(values).toEqual(new Random(4).gaussians(5, 0.1));
    expect(normal(new Random(5), 5, 0.1)).not.toEqual(values);
  });

  it('has mean 0 and the standard deviation asked for', () => {
    // 20,000 draws: standard errors of about 0.0007 on the mean and 0.0005 on the deviation.
    const { mean, variance } = meanAndVariance(normal(new Random(1), 20_000, 0.1));
    expect(Math.abs(mean)).toBeLessThan(0.003);
    expect(Math.sqrt(variance)).toBeGreaterThan(0.098);
    expect(Math.sqrt(variance)).toBeLessThan(0.102);
  });
});

describe('xavierUniform', () => {
  it('stays within sqrt(6 / (fanIn + fanOut))', () => {
    const w = xavierUniform(new Random(1), 30, 20);
    const r = Math.sqrt(6 / 50);
    expect(w).toHaveLength(600);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(r);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 * r);
  });

  it('is centred, with Glorot’s variance 2 / (fanIn + fanOut)', () => {
    const { mean, variance } = meanAndVariance(xavierUniform(new Random(2), 200, 100));
    expect(Math.abs(mean)).toBeLessThan(0.003);
    expect(variance / (2 / 300)).toBeGreaterThan(0.97);
    expect(variance / (2 / 300)).toBeLessThan(1.03);
  });

  it('is repeatable from the seed', () => {
    expect(xavierUniform(new Random(3), 4, 5)).toEqual(xavierUniform(new Random(3), 4, 5));
    expect(xavierUniform(new Random(3), 4, 5)).not.toEqual(xavierUniform(new Random(4), 4, 5));
  });
});

describe('orthogonal', () => {
  it.each([1, 2, 7, 40])('orthogonal(%i) gives Q Q^T = I', (n) => {
    const q = orthogonal(new Random(n), n);
    expect(q).toHaveLength(n * n);
    expect(orthogonalityError(q, n)).toBeLessThan(1e-5);
  });

  it('is repeatable from the seed', () => {
    expect(orthogonal(new Random(3), 6)).toEqual(orthogonal(new Random(3), 6));
    expect(orthogonal(new Random(3), 6)).not.toEqual(orthogonal(new Random(4), 6));
  });

  it('is a random rotation: its first row is the first Gaussian row, normalised', () => {
    // The identity would pass Q Q^T = I too; this ties Q to the seeded draws.
    const rng = new Random(9);
    const first = [rng.gaussian(), rng.gaussian(), rng.gaussian()];
    const norm = Math.hypot(...first);
    const q = orthogonal(new Random(9), 3);
    Array.from(q.subarray(0, 3)).forEach((x, k) => {
      expect(x).toBeCloseTo(first[k]! / norm, 6);
    });
  });
});

describe('sideBySide', () => {
  it('lays square blocks next to each other, row by row', () => {
    const a = Float32Array.from([1, 2, 3, 4]);
    const b = Float32Array.from([5, 6, 7, 8]);
    expect(Array.from(sideBySide([a, b], 2))).toEqual([1, 2, 5, 6, 3, 4, 7, 8]);
  });

  it('puts block b in columns b*n to (b+1)*n of every row: one block per gate', () => {
    const n = 3;
    // Each value names its place: 100 * block + 10 * row + column.
    const blocks = [0, 1, 2, 3].map((b) =>
      Float32Array.from({ length: n * n }, (_, i) => 100 * b + 10 * Math.floor(i / n) + (i % n)),
    );
    const out = sideBySide(blocks, n);
    expect(out).toHaveLength(n * 4 * n);
    for (let r = 0; r < n; r++) {
      for (let b = 0; b < 4; b++) {
        for (let c = 0; c < n; c++) expect(out[r * 4 * n + b * n + c]).toBe(100 * b + 10 * r + c);
      }
    }
  });

  it('returns a single block unchanged, and nothing for no blocks', () => {
    const block = Float32Array.from([1, 2, 3, 4]);
    expect(sideBySide([block], 2)).toEqual(block);
    expect(sideBySide([], 2)).toEqual(new Float32Array(0));
  });
});
