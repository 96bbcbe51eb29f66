import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JointspaceInputError } from '../../core/errors.ts';
import { meanRank, medianRank, rankingMetrics, recallAtK } from '../../core/metrics.ts';

/**
 * The definition, executed literally: sort every query's candidates with a stable sort by
 * descending score and read off positions. rankingMetrics counts instead of sorting; it must
 * agree with this on every input, ties included.
 */
function referenceRanks(scores: ArrayLike<number>, nImages: number, owner: readonly number[]) {
  const nCaptions = owner.length;
  const stableOrder = (n: number, score: (t: number) => number) =>
    Array.from({ length: n }, (_, t) => t).sort((x, y) => score(y) - score(x));
  const annotation = Array.from({ length: nImages }, (_, i) => {
    const order = stableOrder(nCaptions, (j) => scores[i * nCaptions + j]!);
    return order.findIndex((j) => owner[j] === i);
  });
  const search = owner.map((image, j) =>
    stableOrder(nImages, (i) => scores[i * nCaptions + j]!).indexOf(image),
  );
  return { annotation, search };
}

describe('recallAtK, medianRank, meanRank', () => {
  it('compute the definitions on 0-based ranks', () => {
    const ranks = Int32Array.from([0, 1, 2, 3, 10]);
    expect(recallAtK(ranks, 1)).toBe(20);
    expect(recallAtK(ranks, 5)).toBe(80);
    expect(recallAtK(ranks, 10)).toBe(80);
    expect(recallAtK(ranks, 11)).toBe(100);
    expect(medianRank(ranks)).toBe(3); // median 2 -> 2 + 1
    expect(meanRank(ranks)).toBeCloseTo(4.2, 12); // 16 / 5 + 1
  });

  it('take the mean of the middle two for an even count, then floor', () => {
    expect(medianRank([0, 3])).toBe(2); // median 1.5 -> floor 1 -> 2
    expect(medianRank([4, 0, 1, 2])).toBe(2); // sorted 0 1 2 4, median 1.5 -> 2
    expect(medianRank([5, 5])).toBe(6);
  });

  it('refuse empty ranks and a bad k', () => {
    expect(() => recallAtK([], 1)).toThrow('recallAtK: no ranks');
    expect(() => medianRank([])).toThrow('medianRank: no ranks');
    expect(() => meanRank([])).toThrow('meanRank: no ranks');
    expect(() => recallAtK([0], 0)).toThrow('recallAtK: k must be a positive integer, got 0');
  });

  it('never lowers recall as K grows (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(30), { minLength: 1, maxLength: 30 }), (ranks) => {
        for (let k = 1; k <= 32; k++) {
          expect(recallAtK(ranks, k + 1)).toBeGreaterThanOrEqual(recallAtK(ranks, k));
        }
        expect(recallAtK(ranks, 31)).toBe(100);
      }),
      { numRuns: 100 },
    );
  });
});

describe('rankingMetrics, worked by hand', () => {
  // 3 images x 6 captions, 2 per image: caption j belongs to image floor(j / 2).
  //
  //             c0   c1   c2   c3   c4   c5
  //   image 0  0.9  0.2  0.9  0.1  0.3  0.4   own: c0, c1
  //   image 1  0.8  0.5  0.6  0.6  0.7  0.1   own: c2, c3
  //   image 2  0.4  0.4  0.6  0.2  0.1  0.4   own: c4, c5
  //
  // Annotation (rank of the own caption that sorts first in the row):
  //   image 0: best own c0 (0.9); c2 ties at 0.9 but has a larger index -> rank 0
  //   image 1: c2 and c3 tie at 0.6, c2 sorts first; above it c0 0.8, c4 0.7 -> rank 2
  //   image 2: best own c5 (0.4); above it c2 0.6, and c0, c1 tie at 0.4 with smaller
  //            indices -> rank 3
  //   ranks 0 2 3: R@1 33.3, R@5 100, R@10 100, median 2 -> 3, mean 5/3 + 1
  //
  // Search (rank of the owner in the column):
  //   c0 (0.9 0.8 0.4, owner 0): 0      c1 (0.2 0.5 0.4, owner 0): 2
  //   c2 (0.9 0.6 0.6, owner 1): 1; image 2 ties with it but comes later
  //   c3 (0.1 0.6 0.2, owner 1): 0      c4 (0.3 0.7 0.1, owner 2): 2
  //   c5 (0.4 0.1 0.4, owner 2): 1; image 0 ties with it and comes first
  //   ranks 0 2 1 0 2 1: R@1 33.3, R@5 100, R@10 100, median (1 + 1) / 2 -> 2, mean 6/6 + 1
  const scores = Float32Array.from([
    0.9, 0.2, 0.9, 0.1, 0.3, 0.4, 0.8, 0.5, 0.6, 0.6, 0.7, 0.1, 0.4, 0.4, 0.6, 0.2, 0.1, 0.4,
  ]);

  it('computes ranks and metrics with ties broken by index', () => {
    const m = rankingMetrics(scores, 3, 6, { captionsPerImage: 2 });
    expect(m.annotation.ranks).toEqual(Int32Array.from([0, 2, 3]));
    expect(m.annotation.r1).toBeCloseTo(100 / 3, 10);
    expect(m.annotation.r5).toBe(100);
    expect(m.annotation.r10).toBe(100);
    expect(m.annotation.medianRank).toBe(3);
    expect(m.annotation.meanRank).toBeCloseTo(5 / 3 + 1, 10);
    expect(m.search.ranks).toEqual(Int32Array.from([0, 2, 1, 0, 2, 1]));
    expect(m.search.r1).toBeCloseTo(100 / 3, 10);
    expect(m.search.r5).toBe(100);
    expect(m.search.r10).toBe(100);
    expect(m.search.medianRank).toBe(2);
    expect(m.search.meanRank).toBe(2);
    expect(m.rsum).toBeCloseTo(400 + 200 / 3, 10);
  });

  it('reads an explicit owner array the same way', () => {
    const m = rankingMetrics(scores, 3, 6, [0, 0, 1, 1, 2, 2]);
    expect(m).toEqual(rankingMetrics(scores, 3, 6, { captionsPerImage: 2 }));
  });

  it('defaults to 5 captions per image', () => {
    // 2 images x 10 captions; image 0 owns c0..c4, image 1 owns c5..c9.
    //   image 0: 0.1 0.1 0.1 0.1 0.5 | 0.9 0.2 0.2 0.2 0.2
    //   image 1: 0.3 x 10
    // Annotation: image 0's best own is c4 (0.5), below c5 (0.9) -> rank 1; image 1's row is
    //   all ties, its first own caption c5 has c0..c4 ahead -> rank 5.
    //   ranks 1 5: R@1 0, R@5 50, R@10 100, median 3 -> 4, mean 3 + 1
    // Search: c0..c3 (0.1 vs 0.3, owner 0) -> 1; c4 (0.5 vs 0.3) -> 0; c5 (0.9 vs 0.3, owner 1)
    //   -> 1; c6..c9 (0.2 vs 0.3) -> 0. ranks 1 1 1 1 0 1 0 0 0 0: R@1 50, median 0.5 -> 1,
    //   mean 0.5 + 1
    const two = Float32Array.from([
      0.1, 0.1, 0.1, 0.1, 0.5, 0.9, 0.2, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3,
      0.3,
    ]);
    const m = rankingMetrics(two, 2, 10);
    expect(m.annotation).toEqual({
      r1: 0,
      r5: 50,
      r10: 100,
      medianRank: 4,
      meanRank: 4,
      ranks: Int32Array.from([1, 5]),
    });
    expect(m.search).toEqual({
      r1: 50,
      r5: 100,
      r10: 100,
      medianRank: 1,
      meanRank: 1.5,
      ranks: Int32Array.from([1, 1, 1, 1, 0, 1, 0, 0, 0, 0]),
    });
    expect(m.rsum).toBe(400);
  });

  it('handles uneven ownership', () => {
    // 2 images x 3 captions, owner [1, 0, 1].
    //   image 0: 0.5 0.2 0.7   own c1 (0.2): c0, c2 above -> rank 2
    //   image 1: 0.3 0.9 0.3   own c0, c2 tie at 0.3, c0 first; c1 above -> rank 1
    // Search: c0 (0.5 0.3, owner 1) -> 1; c1 (0.2 0.9, owner 0) -> 1; c2 (0.7 0.3, owner 1) -> 1
    const m = rankingMetrics(Float32Array.from([0.5, 0.2, 0.7, 0.3, 0.9, 0.3]), 2, 3, [1, 0, 1]);
    expect(m.annotation.ranks).toEqual(Int32Array.from([2, 1]));
    expect(m.search.ranks).toEqual(Int32Array.from([1, 1, 1]));
  });
});

describe('rankingMetrics, properties', () => {
  /** nImages, an owner array covering every image, and integer scores with many ties. */
  const problem = fc
    .record({
      nImages: fc.integer({ min: 1, max: 5 }),
      extra: fc.integer({ min: 0, max: 8 }),
    })
    .chain(({ nImages, extra }) =>
      fc.record({
        nImages: fc.constant(nImages),
        owner: fc
          .array(fc.nat(nImages - 1), { minLength: extra, maxLength: extra })
          .map((more) => [...Array.from({ length: nImages }, (_, i) => i), ...more])
          .chain((owner) => fc.shuffledSubarray(owner, { minLength: owner.length })),
        seed: fc.array(fc.integer({ min: 0, max: 3 }), {
          minLength: nImages * (nImages + extra),
          maxLength: nImages * (nImages + extra),
        }),
      }),
    );

  it('equals a literal stable sort of every query (property)', () => {
    fc.assert(
      fc.property(problem, ({ nImages, owner, seed }) => {
        const scores = Float32Array.from(seed);
        const m = rankingMetrics(scores, nImages, owner.length, owner);
        const expected = referenceRanks(scores, nImages, owner);
        expect(Array.from(m.annotation.ranks)).toEqual(expected.annotation);
        expect(Array.from(m.search.ranks)).toEqual(expected.search);
      }),
      { numRuns: 200 },
    );
  });

  it('gives R@1 100 and median rank 1 for a perfect score matrix (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 6 }),
        (nImages, perImage) => {
          const nCaptions = nImages * perImage;
          const scores = new Float32Array(nImages * nCaptions);
          for (let j = 0; j < nCaptions; j++) scores[Math.floor(j / perImage) * nCaptions + j] = 1;
          const m = rankingMetrics(scores, nImages, nCaptions, { captionsPerImage: perImage });
          for (const d of [m.annotation, m.search]) {
            expect(d.r1).toBe(100);
            expect(d.medianRank).toBe(1);
            expect(d.meanRank).toBe(1);
          }
          expect(m.rsum).toBe(600);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('does not depend on the order of captions within an image (property)', () => {
    const shuffled = fc
      .record({ nImages: fc.integer({ min: 1, max: 6 }), perImage: fc.integer({ min: 1, max: 5 }) })
      .chain(({ nImages, perImage }) => {
        const cells = nImages * nImages * perImage;
        return fc.record({
          nImages: fc.constant(nImages),
          perImage: fc.constant(perImage),
          // Distinct scores: with ties, moving a caption would change how its ties break.
          scores: fc.shuffledSubarray(
            Array.from({ length: cells }, (_, t) => t),
            { minLength: cells },
          ),
          // One random key per caption; sorting a block by key permutes it.
          keys: fc.array(fc.double({ noNaN: true }), {
            minLength: nImages * perImage,
            maxLength: nImages * perImage,
          }),
        });
      });
    fc.assert(
      fc.property(shuffled, ({ nImages, perImage, scores, keys }) => {
        const nCaptions = nImages * perImage;
        // permutation[newJ] = oldJ, moving captions only within their image's block.
        const permutation: number[] = [];
        for (let i = 0; i < nImages; i++) {
          const block = Array.from({ length: perImage }, (_, c) => i * perImage + c);
          permutation.push(...block.sort((x, y) => keys[x]! - keys[y]!));
        }
        const original = Float32Array.from(scores);
        const moved = new Float32Array(original.length);
        for (let i = 0; i < nImages; i++) {
          for (let j = 0; j < nCaptions; j++) {
            moved[i * nCaptions + j] = original[i * nCaptions + permutation[j]!]!;
          }
        }
        const owner = { captionsPerImage: perImage };
        const a = rankingMetrics(original, nImages, nCaptions, owner);
        const b = rankingMetrics(moved, nImages, nCaptions, owner);
        expect(b.annotation).toEqual(a.annotation);
        expect(Array.from(b.search.ranks)).toEqual(permutation.map((j) => a.search.ranks[j]));
        expect({ ...b.search, ranks: null }).toEqual({ ...a.search, ranks: null });
        expect(b.rsum).toBe(a.rsum);
      }),
      { numRuns: 100 },
    );
  });

  it('orders R@1 <= R@5 <= R@10 (property)', () => {
    fc.assert(
      fc.property(problem, ({ nImages, owner, seed }) => {
        const m = rankingMetrics(Float32Array.from(seed), nImages, owner.length, owner);
        for (const d of [m.annotation, m.search]) {
          expect(d.r1).toBeLessThanOrEqual(d.r5);
          expect(d.r5).toBeLessThanOrEqual(d.r10);
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe('rankingMetrics, errors', () => {
  const ok = new Float32Array(2 * 10);

  it('names the cell of a NaN score', () => {
    const scores = new Float32Array(2 * 10);
    scores[14] = Number.NaN;
    expect(() => rankingMetrics(scores, 2, 10)).toThrow(
      'rankingMetrics: score of image 1, caption 4 is NaN',
    );
  });

  it('checks sizes and ownership', () => {
    expect(() => rankingMetrics(ok, 2, 9)).toThrow(
      'rankingMetrics: scores has 20 values, expected 2 x 9',
    );
    expect(() => rankingMetrics(ok, 0, 10)).toThrow('rankingMetrics: nImages must be a positive');
    expect(() => rankingMetrics(ok, 4, 5)).toThrow(
      'rankingMetrics: 4 images x 5 captions each needs 20 captions, got 5',
    );
    expect(() => rankingMetrics(ok, 2, 10, { captionsPerImage: 0 })).toThrow(
      'rankingMetrics: captionsPerImage must be a positive integer, got 0',
    );
    expect(() => rankingMetrics(ok, 2, 10, [0, 1])).toThrow(
      'rankingMetrics: owner has 2 entries, expected one per caption (10)',
    );
    expect(() => rankingMetrics(ok, 2, 10, [0, 0, 0, 0, 0, 1, 1, 1, 1, 2])).toThrow(
      'rankingMetrics: owner[9] = 2 is not an image index in [0, 2)',
    );
    expect(() => rankingMetrics(ok, 2, 10, new Int32Array(10))).toThrow(
      'rankingMetrics: image 1 owns no caption',
    );
    expect(() => rankingMetrics(ok, 2, 10, [0, 0, 0, 0, 0, 1, 1, 1, 1, 0.5])).toThrow(
      JointspaceInputError,
    );
  });
});
