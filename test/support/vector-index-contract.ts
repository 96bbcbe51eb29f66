/**
 * The VectorIndex contract (worker/vector-index/vector-index.ts) as one test suite, run against
 * every implementation: the flat index (float32 and int8) and the Vectorize adapter over its
 * strict fake. An implementation that passes can replace another behind the API.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { JointspaceInputError } from '../../core/errors.ts';
import type { VectorIndex } from '../../worker/vector-index/vector-index.ts';
import { bruteForceRanking, cosine, randomUnitVectors, seededRandom } from './random-vectors.ts';

/** A type alias (not an interface), so that it is assignable to Vectorize's metadata record. */
export type ContractMeta = { label: string; n: number; split: string };

/** The splits of the contract's records, in the order they take turns. */
export const CONTRACT_SPLITS = ['train', 'val', 'test'] as const;

export interface ContractRecord {
  id: string;
  values: Float32Array;
  metadata: ContractMeta;
}

export type MakeIndex = (
  records: readonly ContractRecord[],
  dimension: number,
) => Promise<VectorIndex<ContractMeta>>;

export interface ContractOptions {
  /** How far a score or a value may be from the exact one (quantised indexes need more). */
  tolerance?: number;
  /** Whether the ranking must equal the exact one id for id (false for approximate scores). */
  exactOrder?: boolean;
}

export const CONTRACT_DIMENSION = 16;
const RANDOM_ROWS = 120;
const TIE_AT = [10, 50, 90];

/**
 * 120 random unit vectors ("r0".."r119"), and three copies of one more vector inserted at
 * rows 10, 50 and 90 ("tie-0".."tie-2"): 123 records, storage order as listed. Splits take
 * turns (r0 train, r1 val, r2 test, ...; tie-0 and tie-2 train, tie-1 val), so each split is
 * spread through the index and holds a tie.
 */
export function contractRecords(): ContractRecord[] {
  const rows = randomUnitVectors(RANDOM_ROWS + 1, CONTRACT_DIMENSION, 20260426);
  const tie = rows.pop()!;
  const records: ContractRecord[] = rows.map((values, n) => ({
    id: `r${n}`,
    values,
    metadata: { label: `random ${n}`, n, split: CONTRACT_SPLITS[n % 3]! },
  }));
  TIE_AT.forEach((at, k) => {
    records.splice(at, 0, {
      id: `tie-${k}`,
      values: tie.slice(),
      metadata: { label: `tie ${k}`, n: -1 - k, split: k === 1 ? 'val' : 'train' },
    });
  });
  return records;
}

export function describeVectorIndexContract(
  name: string,
  makeIndex: MakeIndex,
  options: ContractOptions = {},
): void {
  const tolerance = options.tolerance ?? 1e-6;
  const exactOrder = options.exactOrder ?? true;
  const records = contractRecords();
  const queries = randomUnitVectors(8, CONTRACT_DIMENSION, 7);
  let index: VectorIndex<ContractMeta>;

  /** Checks one answer against the exact ranking of `query` (among the split's records, if one is given). */
  async function expectTopK(query: Float32Array, topK: number, split?: string): Promise<void> {
    const matches = await index.query(query, topK, split === undefined ? undefined : { split });
    const eligible = records.filter((r) => split === undefined || r.metadata.split === split);
    const exact = bruteForceRanking(
      eligible.map((r) => r.values),
      query,
    );
    expect(matches).toHaveLength(Math.min(topK, eligible.length));
    const kth = exact[matches.length - 1]!.score;
    matches.forEach((m, i) => {
      const record = eligible.find((r) => r.id === m.id);
      expect(record, `unknown id ${m.id}`).toBeDefined();
      expect(m.metadata).toEqual(record!.metadata);
      expect(Math.abs(m.score - cosine(record!.values, query))).toBeLessThanOrEqual(tolerance);
      // A valid top-k: nothing left out scores clearly better than what was returned.
      expect(cosine(record!.values, query)).toBeGreaterThanOrEqual(kth - 2 * tolerance);
      if (i > 0) expect(m.score).toBeLessThanOrEqual(matches[i - 1]!.score);
    });
    if (exactOrder) {
      expect(matches.map((m) => m.id)).toEqual(
        exact.slice(0, matches.length).map((e) => eligible[e.index]!.id),
      );
    }
  }

  describe(`VectorIndex contract: ${name}`, () => {
    beforeAll(async () => {
      index = await makeIndex(records, CONTRACT_DIMENSION);
    });

    it('describes its dimension and count', async () => {
      expect(await index.describe()).toEqual({
        dimension: CONTRACT_DIMENSION,
        count: records.length,
      });
    });

    it('answers the topK most similar, best first, with scores and metadata', async () => {
      for (const q of queries) {
        for (const k of [1, 5, 10]) await expectTopK(q, k);
      }
    });

    it('answers topK up to 100, across the 20 that Vectorize returns with metadata', async () => {
      for (const k of [20, 21, 50, 100]) await expectTopK(queries[0]!, k);
    });

    it('returns every vector when topK is over the count', async () => {
      const small = await makeIndex(records.slice(0, 7), CONTRACT_DIMENSION);
      const matches = await small.query(queries[1]!, 10);
      expect(matches.map((m) => m.id).sort()).toEqual(
        records
          .slice(0, 7)
          .map((r) => r.id)
          .sort(),
      );
    });

    it('keeps equal scores in storage order', async () => {
      const tie = records.find((r) => r.id === 'tie-0')!.values;
      for (const k of [3, 5, 30]) {
        const matches = await index.query(tie, k);
        expect(matches.slice(0, 3).map((m) => m.id)).toEqual(['tie-0', 'tie-1', 'tie-2']);
        expect(Math.abs(matches[0]!.score - 1)).toBeLessThanOrEqual(tolerance);
        expect(matches[2]!.score).toBe(matches[0]!.score);
      }
    });

    it('scores by cosine: a longer query gives the same answer', async () => {
      const q = queries[2]!;
      const longer = q.map((x) => x * 3.5);
      const a = await index.query(q, 10);
      const b = await index.query(longer, 10);
      expect(b.map((m) => m.id)).toEqual(a.map((m) => m.id));
      b.forEach((m, i) => {
        expect(Math.abs(m.score - a[i]!.score)).toBeLessThanOrEqual(tolerance);
      });
    });

    it('refuses a topK outside 1..100 and queries without a direction or of a wrong length', async () => {
      const q = queries[0]!;
      for (const k of [0, -1, 101, 2.5, Number.NaN]) {
        await expect(index.query(q, k)).rejects.toThrow(JointspaceInputError);
      }
      await expect(index.query(q.subarray(1), 5)).rejects.toThrow(JointspaceInputError);
      await expect(index.query(new Float32Array(CONTRACT_DIMENSION), 5)).rejects.toThrow(
        /zero vector/,
      );
      const nan = q.slice();
      nan[3] = Number.NaN;
      await expect(index.query(nan, 5)).rejects.toThrow(JointspaceInputError);
    });

    it('filters by split before taking the top k: the exact top k of that split', async () => {
      for (const split of CONTRACT_SPLITS) {
        for (const q of queries.slice(0, 3)) {
          for (const k of [1, 5, 20, 21, 40, 100]) await expectTopK(q, k, split);
        }
      }
    });

    it('answers only vectors of the split, every one when topK is over its count', async () => {
      const q = queries[3]!;
      const val = records.filter((r) => r.metadata.split === 'val').map((r) => r.id);
      const matches = await index.query(q, 100, { split: 'val' });
      expect(matches.map((m) => m.id).sort()).toEqual([...val].sort());
      expect(matches.every((m) => m.metadata.split === 'val')).toBe(true);
    });

    it('answers nothing for a split no vector has, and everything for an empty filter', async () => {
      const q = queries[4]!;
      expect(await index.query(q, 10, { split: 'nowhere' })).toEqual([]);
      expect(await index.query(q, 10, { split: 'x'.repeat(64) })).toEqual([]);
      expect(await index.query(q, 10, {})).toEqual(await index.query(q, 10));
    });

    it('keeps equal scores in storage order within a split', async () => {
      const tie = records.find((r) => r.id === 'tie-0')!.values;
      for (const k of [2, 5, 30]) {
        const train = await index.query(tie, k, { split: 'train' });
        expect(train.slice(0, 2).map((m) => m.id)).toEqual(['tie-0', 'tie-2']);
        expect(train[1]!.score).toBe(train[0]!.score);
        const val = await index.query(tie, k, { split: 'val' });
        expect(val[0]!.id).toBe('tie-1');
      }
    });

    it('refuses a split filter that is empty or over 64 bytes (what Vectorize compares)', async () => {
      const q = queries[0]!;
      for (const split of ['', 'x'.repeat(65), 'é'.repeat(33)]) {
        await expect(index.query(q, 5, { split })).rejects.toThrow(JointspaceInputError);
      }
      await expect(index.query(q, 5, { split: 'é'.repeat(32) })).resolves.toEqual([]);
    });

    it('gets stored vectors by id, in the order asked, leaving out unknown ids', async () => {
      const got = await index.getByIds(['r5', 'no-such-id', 'r2', 'tie-1', 'r5']);
      expect(got.map((v) => v.id)).toEqual(['r5', 'r2', 'tie-1', 'r5']);
      expect(got[3]!.values).not.toBe(got[0]!.values);
      for (const v of got) {
        const record = records.find((r) => r.id === v.id)!;
        expect(v.values).toBeInstanceOf(Float32Array);
        expect(v.values).toHaveLength(CONTRACT_DIMENSION);
        v.values.forEach((x, i) => {
          expect(Math.abs(x - record.values[i]!)).toBeLessThanOrEqual(tolerance);
        });
        expect(v.metadata).toEqual(record.metadata);
      }
      expect(await index.getByIds([])).toEqual([]);
      expect(await index.getByIds(['nothing', 'here'])).toEqual([]);
    });

    it('gets many ids at once', async () => {
      const random = seededRandom(3);
      const ids = Array.from({ length: 45 }, () => records[Math.floor(random() * 123)]!.id);
      const got = await index.getByIds(ids);
      expect(got.map((v) => v.id)).toEqual(ids);
    });

    it('hands out copies: changing a returned vector changes nothing stored', async () => {
      const [first] = await index.getByIds(['r7']);
      first!.values.fill(0);
      const [again] = await index.getByIds(['r7']);
      const stored = records.find((r) => r.id === 'r7')!.values;
      again!.values.forEach((x, i) => {
        expect(Math.abs(x - stored[i]!)).toBeLessThanOrEqual(tolerance);
      });
    });
  });
}
