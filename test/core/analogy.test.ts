import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composeAnalogy, rerankByCentroid } from '../../core/analogy.ts';
import { l2Norm } from '../../core/vectors.ts';

const f32 = (...values: number[]): Float32Array => Float32Array.from(values);

describe('composeAnalogy', () => {
  it('adds and subtracts unit vectors, then normalises', () => {
    // e0 - e1 + e2 = (1, -1, 1), length sqrt 3
    const q = composeAnalogy(f32(1, 0, 0), [f32(0, 1, 0)], [f32(0, 0, 1)]);
    const s = 1 / Math.sqrt(3);
    expect(Array.from(q)).toEqual([
      expect.closeTo(s, 6),
      expect.closeTo(-s, 6),
      expect.closeTo(s, 6),
    ]);
  });

  it('normalises its inputs first, so their lengths do not weigh', () => {
    const q = composeAnalogy(f32(2, 0, 0), [f32(0, 3, 0)], [f32(0, 0, 0.5)]);
    expect(q).toEqual(composeAnalogy(f32(1, 0, 0), [f32(0, 1, 0)], [f32(0, 0, 1)]));
  });

  it('returns a unit image unchanged when there are no words', () => {
    const image = f32(0.6, 0.8);
    const q = composeAnalogy(image, [], []);
    expect(q[0]).toBeCloseTo(0.6, 6);
    expect(q[1]).toBeCloseTo(0.8, 6);
  });

  it('sums several words on each side', () => {
    // e0 - e1 - e2 + e3 + e3 = (1, -1, -1, 2), length sqrt 7
    const e = (i: number) => Float32Array.from({ length: 4 }, (_, t) => (t === i ? 1 : 0));
    const q = composeAnalogy(e(0), [e(1), e(2)], [e(3), e(3)]);
    const r = Math.sqrt(7);
    expect(Array.from(q)).toEqual([1, -1, -1, 2].map((x) => expect.closeTo(x / r, 6)));
  });

  it('throws clear errors', () => {
    expect(() => composeAnalogy(f32(1, 0, 0), [f32(0, 1)], [])).toThrow(
      'composeAnalogy: minus[0] has dim 2, the image has 3',
    );
    expect(() => composeAnalogy(f32(1, 0), [], [f32(0, 1), f32(0, 0)])).toThrow(
      'composeAnalogy: plus[1] is a zero vector',
    );
    expect(() => composeAnalogy(f32(0, 0), [], [])).toThrow('the image is a zero vector');
    expect(() => composeAnalogy(f32(1, Number.NaN), [], [])).toThrow('the image is not finite');
    expect(() => composeAnalogy(f32(3, 4), [f32(0.6, 0.8)], [])).toThrow(
      'composeAnalogy: image - minus + plus is (almost) the zero vector; the terms cancel out',
    );
  });

  it('always returns a unit vector (property)', () => {
    const vector = fc
      .array(fc.integer({ min: -5, max: 5 }), { minLength: 4, maxLength: 4 })
      .filter((v) => v.some((x) => x !== 0))
      .map((v) => Float32Array.from(v));
    fc.assert(
      fc.property(
        vector,
        fc.array(vector, { maxLength: 3 }),
        fc.array(vector, { maxLength: 3 }),
        (image, minus, plus) => {
          let q: Float32Array;
          try {
            q = composeAnalogy(image, minus, plus);
          } catch (error) {
            // Integer directions can cancel exactly; that is the one allowed failure.
            expect(String(error)).toContain('the terms cancel out');
            return;
          }
          expect(Math.abs(l2Norm(q) - 1)).toBeLessThan(1e-6);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('rerankByCentroid', () => {
  // Centroid of (0,0), (2,0), (0,2), (10,10) is (3,3). Squared distances: a 18, b 10, c 10,
  // d 98. Order: b, c (tied, pool order), a, d.
  const pool = [
    { id: 'a', vector: f32(0, 0) },
    { id: 'b', vector: f32(2, 0) },
    { id: 'c', vector: f32(0, 2) },
    { id: 'd', vector: f32(10, 10) },
  ];

  it('orders by distance to the centroid, ties in pool order, and keeps k', () => {
    expect(rerankByCentroid(pool, 3).map((p) => p.id)).toEqual(['b', 'c', 'a']);
    expect(rerankByCentroid(pool, 10).map((p) => p.id)).toEqual(['b', 'c', 'a', 'd']);
    expect(rerankByCentroid(pool, 1)[0]).toBe(pool[1]);
  });

  it('leaves the pool alone and handles the empty pool', () => {
    rerankByCentroid(pool, 2);
    expect(pool.map((p) => p.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(rerankByCentroid([], 5)).toEqual([]);
  });

  it('throws clear errors', () => {
    expect(() => rerankByCentroid(pool, 0)).toThrow(
      'rerankByCentroid: k must be a positive integer, got 0',
    );
    expect(() => rerankByCentroid([], 1.5)).toThrow('k must be a positive integer');
    expect(() => rerankByCentroid([...pool, { id: 'e', vector: f32(1, 2, 3) }], 2)).toThrow(
      'rerankByCentroid: pool[4] has dim 3, pool[0] has 2',
    );
    expect(() => rerankByCentroid([...pool, { id: 'e', vector: f32(1, Number.NaN) }], 2)).toThrow(
      'holds a NaN or infinite value',
    );
  });

  it('returns the k pool items nearest the centroid, nearest first (property)', () => {
    const item = fc.record({
      vector: fc
        .array(fc.integer({ min: -9, max: 9 }), { minLength: 3, maxLength: 3 })
        .map((v) => Float32Array.from(v)),
    });
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 12 }),
        fc.integer({ min: 1, max: 15 }),
        (items, k) => {
          const result = rerankByCentroid(items, k);
          expect(result).toHaveLength(Math.min(k, items.length));
          expect(new Set(result).size).toBe(result.length);
          const centroid = [0, 1, 2].map(
            (i) => items.reduce((s, p) => s + p.vector[i]!, 0) / items.length,
          );
          const distance = (p: { vector: Float32Array }) =>
            centroid.reduce((s, c, i) => s + (p.vector[i]! - c) ** 2, 0);
          for (let r = 1; r < result.length; r++) {
            expect(distance(result[r]!)).toBeGreaterThanOrEqual(distance(result[r - 1]!) - 1e-9);
          }
          const left = items.filter((p) => !result.includes(p));
          if (result.length > 0) {
            for (const p of left) {
              expect(distance(p)).toBeGreaterThanOrEqual(distance(result.at(-1)!) - 1e-9);
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
