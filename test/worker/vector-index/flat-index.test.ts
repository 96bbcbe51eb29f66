import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { JointspaceFormatError } from '../../../core/errors.ts';
import {
  decodeFlatIndex,
  encodeFlatIndex,
  type FlatIndexRecord,
  flatIndexRow,
} from '../../../core/flat-index.ts';
import type { FlatIndexEncoding } from '../../../core/model-files.ts';
import {
  FlatIndex,
  FlatIndexNotFoundError,
  loadFlatIndex,
} from '../../../worker/vector-index/flat-index.ts';
import { randomUnitVectors } from '../../support/random-vectors.ts';
import {
  type ContractRecord,
  describeVectorIndexContract,
} from '../../support/vector-index-contract.ts';

/** A FlatIndex the way the worker gets one: from encoded bytes, through the decoder. */
function flatIndexOf<M>(
  records: readonly FlatIndexRecord<M>[],
  dimension: number,
  encoding: FlatIndexEncoding,
): FlatIndex<M> {
  const bytes = encodeFlatIndex({ version: 'contract-v1', dimension, records }, encoding);
  return new FlatIndex(decodeFlatIndex<M>(bytes.buffer));
}

const makeIndex =
  (encoding: FlatIndexEncoding) => async (records: readonly ContractRecord[], d: number) =>
    flatIndexOf(records, d, encoding);

describeVectorIndexContract('FlatIndex float32', makeIndex('float32'));
// int8 scores are within about |q|·|x - x̂| of the exact ones (here < 0.01), so near-ties may
// swap: the ranking is checked up to that tolerance instead of id for id.
describeVectorIndexContract('FlatIndex int8', makeIndex('int8'), {
  tolerance: 0.015,
  exactOrder: false,
});

/**
 * The definition, spelled out: rows by dot product with q, best first, ties in storage order;
 * the score is the dot product over |q| (the cosine, rows being unit), kept within [-1, 1].
 */
function bruteForce(
  rows: readonly Float32Array[],
  q: Float32Array,
): { index: number; score: number }[] {
  const norm = Math.sqrt(q.reduce((s, x) => s + x * x, 0));
  return rows
    .map((row, index) => ({ index, dot: row.reduce((s, x, i) => s + x * q[i]!, 0) }))
    .sort((a, b) => b.dot - a.dot || a.index - b.index)
    .map(({ index, dot }) => ({ index, score: Math.max(-1, Math.min(1, dot / norm)) }));
}

describe('FlatIndex', () => {
  const d = 32;
  const rows = randomUnitVectors(503, d, 11);
  // 20 copies of one vector spread through the index: 20-way ties.
  const tie = rows[0]!;
  for (let k = 1; k < 20; k++) rows.splice(k * 25, 0, tie.slice());
  const records = rows.map((values, i) => ({ id: `v${i}`, values, metadata: { i } }));
  const queries = randomUnitVectors(10, d, 12);

  it('returns exactly the brute-force top k, scores included (float32)', async () => {
    const index = flatIndexOf(records, d, 'float32');
    for (const q of [...queries, tie]) {
      const expected = bruteForce(rows, q).slice(0, 100);
      const matches = await index.query(q, 100);
      expect(matches.map((m) => m.id)).toEqual(expected.map((e) => `v${e.index}`));
      expect(matches.map((m) => m.metadata)).toEqual(expected.map((e) => ({ i: e.index })));
      expect(matches.map((m) => m.score)).toEqual(expected.map((e) => e.score));
    }
  });

  it('keeps a 20-way tie in storage order, for any k', async () => {
    const tied = records.filter((r) => r.values.every((x, i) => x === tie[i])).map((r) => r.id);
    expect(tied).toHaveLength(20);
    for (const encoding of ['float32', 'int8'] as const) {
      const index = flatIndexOf(records, d, encoding);
      expect((await index.query(tie, 20)).map((m) => m.id)).toEqual(tied);
      expect((await index.query(tie, 7)).map((m) => m.id)).toEqual(tied.slice(0, 7));
    }
  });

  it('scores int8 rows with their scale and returns them dequantised', async () => {
    const index = flatIndexOf(records, d, 'int8');
    const data = decodeFlatIndex(encodeFlatIndex({ version: 'x1', dimension: d, records }, 'int8'));
    const [v] = await index.getByIds(['v3']);
    expect(v!.values).toEqual(flatIndexRow(data, 3));
    const q = queries[0]!;
    const [best] = await index.query(q, 1);
    const deq = flatIndexRow(data, Number(best!.id.slice(1)));
    expect(best!.score).toBeCloseTo(
      deq.reduce((s, x, i) => s + x * q[i]!, 0),
      6,
    );
  });

  it('describes itself and names its version and encoding', async () => {
    const index = flatIndexOf(records, d, 'int8');
    expect(await index.describe()).toEqual({ dimension: d, count: records.length });
    expect(index.version).toBe('contract-v1');
    expect(index.encoding).toBe('int8');
    const empty = flatIndexOf([], d, 'float32');
    expect(await empty.describe()).toEqual({ dimension: d, count: 0 });
    expect(await empty.query(tie, 5)).toEqual([]);
  });
});

describe('FlatIndex split filter', () => {
  const d = 24;
  const rows = randomUnitVectors(301, d, 13);
  const splits = ['train', 'val', 'test'];
  // Row 7 has no split and row 8 a number for one: no split filter may match either.
  const metadataOf = (i: number): Record<string, unknown> =>
    i === 7 ? { file: 'x' } : i === 8 ? { split: 3 } : { split: splits[i % 5 === 0 ? 1 : i % 3] };
  const records = rows.map((values, i) => ({ id: `v${i}`, values, metadata: metadataOf(i) }));
  const queries = randomUnitVectors(6, d, 14);

  it("answers exactly the unfiltered ranking's vectors of that split, scores included", async () => {
    for (const encoding of ['float32', 'int8'] as const) {
      const index = flatIndexOf(records, d, encoding);
      for (const q of queries) {
        const everything = await index.query(q, 100);
        for (const split of splits) {
          const filtered = await index.query(q, 10, { split });
          const expected = everything.filter((m) => m.metadata.split === split).slice(0, 10);
          expect(filtered).toEqual(expected);
        }
      }
    }
  });

  it('never matches a vector without a string split', async () => {
    const index = flatIndexOf(records, d, 'float32');
    const found = new Set<string>();
    for (const split of [...splits, '3', 'undefined']) {
      for (const m of await index.query(rows[7]!, 100, { split })) found.add(m.id);
      for (const m of await index.query(rows[8]!, 100, { split })) found.add(m.id);
    }
    expect(found.has('v7')).toBe(false);
    expect(found.has('v8')).toBe(false);
    expect((await index.query(rows[7]!, 1))[0]!.id).toBe('v7');
  });

  it('answers a split that holds every vector as the unfiltered query does', async () => {
    const one = rows.map((values, i) => ({ id: `v${i}`, values, metadata: { split: 'train' } }));
    for (const encoding of ['float32', 'int8'] as const) {
      const index = flatIndexOf(one, d, encoding);
      for (const q of queries) {
        expect(await index.query(q, 20, { split: 'train' })).toEqual(await index.query(q, 20));
      }
      expect(await index.query(queries[0]!, 5, { split: 'val' })).toEqual([]);
    }
  });

  it('leaves the unfiltered answer as it was after a filtered query', async () => {
    const index = flatIndexOf(records, d, 'int8');
    const before = await index.query(queries[0]!, 50);
    await index.query(queries[1]!, 50, { split: 'test' });
    expect(await index.query(queries[0]!, 50)).toEqual(before);
  });
});

describe('FlatIndex int8 against float32', () => {
  it('finds nearly the same top 10 on random unit vectors (recall of the float32 answer)', async () => {
    const n = 4000;
    const d = 128;
    const rows = randomUnitVectors(n, d, 21);
    const records = rows.map((values, i) => ({ id: `v${i}`, values, metadata: null }));
    const f32 = flatIndexOf(records, d, 'float32');
    const i8 = flatIndexOf(records, d, 'int8');
    // Queries near stored vectors (a stored vector plus noise), as a real search is: the top of
    // the ranking then stands out from the rest as it does for a good query.
    const noise = randomUnitVectors(30, d, 22);
    const queries = noise.map((e, k) => rows[k * 97]!.map((x, i) => x + 0.8 * e[i]!));
    // And plain random queries: every score near 0, neighbours a hair apart, the hardest case.
    const hard = randomUnitVectors(30, d, 23);
    const overlap = async (qs: Float32Array[]) => {
      let shared = 0;
      for (const q of qs) {
        const a = new Set((await f32.query(q, 10)).map((m) => m.id));
        shared += (await i8.query(q, 10)).filter((m) => a.has(m.id)).length;
      }
      return shared / (10 * qs.length);
    };
    const near = await overlap(queries);
    const random = await overlap(hard);
    console.log(`int8 top-10 overlap with float32: ${near} (near queries), ${random} (random)`);
    expect(near).toBeGreaterThanOrEqual(0.95);
    expect(random).toBeGreaterThanOrEqual(0.9);
  });
});

// The MODELS bucket is Miniflare's local R2 (wrangler.toml); each test file has its own storage.
describe('loadFlatIndex (R2)', () => {
  const d = 8;
  const records = randomUnitVectors(50, d, 5).map((values, i) => ({
    id: `img_${i}.jpg`,
    values,
    metadata: { file: `img_${i}.jpg`, split: i < 40 ? 'train' : 'test' },
  }));

  it('reads a flat index object and searches it', async () => {
    for (const encoding of ['float32', 'int8'] as const) {
      const key = `lstm-demo-v1/images.${encoding}.flat`;
      await env.MODELS.put(
        key,
        encodeFlatIndex({ version: 'lstm-demo-v1', dimension: d, records }, encoding),
      );
      const index = await loadFlatIndex<{ file: string; split: string }>(env.MODELS, key, {
        version: 'lstm-demo-v1',
        dimension: d,
      });
      expect(index.version).toBe('lstm-demo-v1');
      expect(await index.describe()).toEqual({ dimension: d, count: 50 });
      const [best] = await index.query(records[17]!.values, 1);
      expect(best).toMatchObject({ id: 'img_17.jpg', metadata: { file: 'img_17.jpg' } });
      expect(best!.score).toBeCloseTo(1, 2);
    }
  });

  it('names the key when the object is missing', async () => {
    await expect(loadFlatIndex(env.MODELS, 'nope/images.flat')).rejects.toThrow(
      FlatIndexNotFoundError,
    );
    await expect(loadFlatIndex(env.MODELS, 'nope/images.flat')).rejects.toThrow(
      '"nope/images.flat" is not in the R2 bucket',
    );
  });

  it('names the key when the object is not a valid flat index', async () => {
    const bytes = encodeFlatIndex({ version: 'v1', dimension: d, records }, 'float32');
    await env.MODELS.put('cut.flat', bytes.subarray(0, bytes.length - 10));
    await env.MODELS.put('text.flat', '{"id":"x"}\n');
    await expect(loadFlatIndex(env.MODELS, 'cut.flat')).rejects.toThrow(JointspaceFormatError);
    await expect(loadFlatIndex(env.MODELS, 'cut.flat')).rejects.toThrow(
      /^"cut.flat": flat index: truncated/,
    );
    await expect(loadFlatIndex(env.MODELS, 'text.flat')).rejects.toThrow(/"text.flat".*bad magic/);
  });

  it('refuses a file of another model version or dimension than expected', async () => {
    await env.MODELS.put(
      'other.flat',
      encodeFlatIndex({ version: 'gru-v2', dimension: d, records }, 'int8'),
    );
    await expect(loadFlatIndex(env.MODELS, 'other.flat', { version: 'lstm-v1' })).rejects.toThrow(
      /holds vectors of model version gru-v2, expected lstm-v1/,
    );
    await expect(loadFlatIndex(env.MODELS, 'other.flat', { dimension: 16 })).rejects.toThrow(
      /holds vectors of dimension 8, expected 16/,
    );
  });
});
