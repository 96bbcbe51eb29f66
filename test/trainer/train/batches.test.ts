import { describe, expect, it } from 'vitest';
import { Random } from '../../../trainer/random.ts';
import { epochBatches } from '../../../trainer/train/batches.ts';

/** Caption lengths like a real split's: mostly 8-14 tokens, a few outliers. */
function lengthsOf(count: number, seed = 1): Int32Array {
  const rng = new Random(seed);
  return Int32Array.from({ length: count }, () =>
    rng.chance(0.05) ? rng.int(1, 30) : rng.int(8, 14),
  );
}

describe('epochBatches', () => {
  const lengths = lengthsOf(1003);
  const batchSize = 32;

  it('holds every caption exactly once per epoch', () => {
    for (const epoch of [0, 1, 7]) {
      const all = epochBatches(lengths, batchSize, 3, epoch).flat();
      expect(all).toHaveLength(lengths.length);
      expect([...all].sort((a, b) => a - b)).toEqual(Array.from(lengths.keys()));
    }
  });

  it('is the same for the same seed and epoch, and different across epochs and seeds', () => {
    const a = epochBatches(lengths, batchSize, 3, 2);
    expect(epochBatches(lengths, batchSize, 3, 2)).toEqual(a);
    expect(epochBatches(lengths, batchSize, 3, 3)).not.toEqual(a);
    expect(epochBatches(lengths, batchSize, 4, 2)).not.toEqual(a);
    // Not merely the same batches in another order: their contents change too.
    const asSets = (bs: number[][]) => new Set(bs.map((b) => [...b].sort((x, y) => x - y).join()));
    const other = asSets(epochBatches(lengths, batchSize, 3, 3));
    const same = [...asSets(a)].filter((b) => other.has(b)).length;
    expect(same).toBeLessThan(a.length / 4);
  });

  it('makes full batches, only the last of the epoch short', () => {
    for (const epoch of [0, 1, 2, 3, 4]) {
      const batches = epochBatches(lengths, batchSize, 3, epoch);
      expect(batches).toHaveLength(Math.ceil(1003 / 32));
      expect(batches.at(-1)).toHaveLength(1003 % 32);
      expect(batches.slice(0, -1).every((b) => b.length === batchSize)).toBe(true);
    }
    // A whole number of batches: none short.
    const even = epochBatches(lengths.subarray(0, 960), batchSize, 3, 0);
    expect(even.every((b) => b.length === batchSize)).toBe(true);
  });

  it('groups captions by length: most batches hold a single length', () => {
    const batches = epochBatches(lengths, batchSize, 3, 0);
    const spread = batches.map((b) => {
      const ls = b.map((c) => lengths[c] as number);
      return Math.max(...ls) - Math.min(...ls);
    });
    const single = spread.filter((s) => s === 0).length;
    expect(single).toBeGreaterThan(batches.length * 0.6);
    // Each length's captions are consecutive in the sorted order, so a batch mixing lengths
    // holds the end of one run and the start of the next: no batch straddles many lengths
    // except among the rare outliers at the tails.
    const wide = spread.filter((s) => s > 2).length;
    expect(wide).toBeLessThanOrEqual(3);
    // The batches are shuffled: not in length order.
    const firstLengths = batches.map((b) => lengths[b[0] as number] as number);
    const sorted = [...firstLengths].sort((x, y) => x - y);
    expect(firstLengths).not.toEqual(sorted);
  });

  it('copes with fewer captions than a batch', () => {
    expect(epochBatches([3, 1, 2], 8, 1, 0)).toEqual([[1, 2, 0]]);
    expect(epochBatches([], 8, 1, 0)).toEqual([]);
  });
});
