import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topK } from '../../core/topk.ts';

/** The specification topK must equal: a stable sort by descending score, then the first k. */
function sortAndSlice(scores: ArrayLike<number>, k: number) {
  return Array.from(scores, (score, index) => ({ index, score }))
    .sort((x, y) => y.score - x.score)
    .slice(0, k);
}

describe('topK', () => {
  const scores = [0.5, 0.9, 0.5, 0.1, 0.9];

  it('returns the best k, ties by smaller index first', () => {
    expect(topK(scores, 3)).toEqual([
      { index: 1, score: 0.9 },
      { index: 4, score: 0.9 },
      { index: 0, score: 0.5 },
    ]);
    expect(topK(scores, 1)).toEqual([{ index: 1, score: 0.9 }]);
  });

  it('returns everything, sorted, when k exceeds n', () => {
    expect(topK(scores, 10).map((s) => s.index)).toEqual([1, 4, 0, 2, 3]);
    expect(topK([], 3)).toEqual([]);
  });

  it('orders infinities like any other score', () => {
    const result = topK([0, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 1], 4);
    expect(result.map((s) => s.index)).toEqual([2, 3, 0, 1]);
  });

  it.each([0, -2, 1.5, Number.NaN])('rejects k = %s', (k) => {
    expect(() => topK(scores, k)).toThrow(`topK: k must be a positive integer, got ${k}`);
  });

  it('rejects NaN scores, naming the index', () => {
    expect(() => topK(Float32Array.from([1, 2, Number.NaN]), 1)).toThrow('topK: score 2 is NaN');
  });

  it('equals a stable sort and slice, ties included (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -4, max: 4 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 45 }),
        (values, k) => {
          expect(topK(values, k)).toEqual(sortAndSlice(values, k));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('equals a stable sort and slice on float32 scores (property)', () => {
    fc.assert(
      fc.property(
        fc.float32Array({ noNaN: true, maxLength: 60 }),
        fc.integer({ min: 1, max: 10 }),
        (values, k) => {
          expect(topK(values, k)).toEqual(sortAndSlice(values, k));
        },
      ),
      { numRuns: 200 },
    );
  });
});
