import { describe, expect, it } from 'vitest';
import { JointspaceFormatError, JointspaceInputError } from '../../../core/errors.ts';
import {
  DEFAULT_GET_BY_IDS_BATCH,
  type VectorizeBinding,
  VectorizeVectorIndex,
} from '../../../worker/vector-index/vectorize-index.ts';
import { FakeVectorize } from '../../support/fake-vectorize.ts';
import { randomUnitVectors } from '../../support/random-vectors.ts';
import {
  type ContractMeta,
  type ContractRecord,
  contractRecords,
  describeVectorIndexContract,
} from '../../support/vector-index-contract.ts';

/** A fake index holding `records` (in `namespace`), upserted in batches as a Worker must. */
async function fakeWith(
  records: readonly ContractRecord[],
  dimension: number,
  namespace?: string,
): Promise<FakeVectorize> {
  // Undocumented; set to the adapter's own batch so that any larger call fails loudly.
  const fake = new FakeVectorize(dimension, { maxGetByIds: DEFAULT_GET_BY_IDS_BATCH });
  for (let i = 0; i < records.length; i += 1000) {
    await fake.upsert(
      records.slice(i, i + 1000).map((r) => ({
        id: r.id,
        values: r.values,
        metadata: r.metadata,
        ...(namespace === undefined ? {} : { namespace }),
      })),
    );
  }
  return fake;
}

describeVectorIndexContract(
  'VectorizeVectorIndex (strict fake)',
  async (records, d) =>
    new VectorizeVectorIndex<ContractMeta>(await fakeWith(records, d), { dimension: d }),
);
describeVectorIndexContract(
  'VectorizeVectorIndex (strict fake, in a namespace)',
  async (records, d) =>
    new VectorizeVectorIndex<ContractMeta>(await fakeWith(records, d, 'lstm-demo-v1'), {
      dimension: d,
      namespace: 'lstm-demo-v1',
    }),
);

const d = 16;
const records = contractRecords();
const query = randomUnitVectors(1, d, 99)[0]!;

describe('VectorizeVectorIndex within Vectorize limits', () => {
  it('answers topK <= 20 with one query that returns metadata', async () => {
    const fake = await fakeWith(records, d);
    fake.calls.length = 0;
    const matches = await new VectorizeVectorIndex<ContractMeta>(fake).query(query, 20);
    expect(matches).toHaveLength(20);
    expect(fake.calls).toEqual([
      { method: 'query', topK: 20, returnValues: false, returnMetadata: 'all' },
    ]);
  });

  it('answers topK 21..100 with ids and scores, then getByIds in batches of 20', async () => {
    const fake = await fakeWith(records, d);
    for (const k of [21, 40, 41, 100]) {
      fake.calls.length = 0;
      const matches = await new VectorizeVectorIndex<ContractMeta>(fake).query(query, k);
      expect(matches).toHaveLength(k);
      const [first, ...rest] = fake.calls;
      expect(first).toEqual({
        method: 'query',
        topK: k,
        returnValues: false,
        returnMetadata: 'none',
      });
      expect(rest).toHaveLength(Math.ceil(k / 20));
      for (const call of rest) {
        if (call.method !== 'getByIds') throw new Error(`unexpected ${call.method}`);
        expect(call.ids.length).toBeLessThanOrEqual(20);
      }
    }
  });

  it('asks getByIds for each distinct id once, in batches of its option', async () => {
    const fake = await fakeWith(records, d);
    fake.calls.length = 0;
    const index = new VectorizeVectorIndex<ContractMeta>(fake, { getByIdsBatch: 7 });
    const got = await index.getByIds(['r1', 'r2', 'r1', ...records.slice(0, 12).map((r) => r.id)]);
    expect(got).toHaveLength(15);
    expect(fake.calls.map((c) => (c.method === 'getByIds' ? c.ids.length : c.method))).toEqual([
      7, 5,
    ]);
  });

  it('checks the query before any call', async () => {
    const fake = await fakeWith(records, d);
    fake.calls.length = 0;
    const index = new VectorizeVectorIndex<ContractMeta>(fake, { dimension: d });
    await expect(index.query(query, 101)).rejects.toThrow(/topK must be an integer from 1 to 100/);
    await expect(index.query(query.subarray(2), 5)).rejects.toThrow(/has 14 values.*dimension 16/);
    expect(fake.calls).toEqual([]);
  });

  it('refuses a namespace over 64 bytes or empty', () => {
    const fake = new FakeVectorize(d);
    expect(() => new VectorizeVectorIndex(fake, { namespace: 'n'.repeat(65) })).toThrow(
      JointspaceInputError,
    );
    expect(() => new VectorizeVectorIndex(fake, { namespace: '' })).toThrow(/1 to 64 bytes/);
    expect(() => new VectorizeVectorIndex(fake, { namespace: 'n'.repeat(64) })).not.toThrow();
  });
});

describe('VectorizeVectorIndex namespaces', () => {
  /** Two versions in one index, under distinct ids (ids are unique per index, see below). */
  async function twoVersions(): Promise<FakeVectorize> {
    const fake = new FakeVectorize(d);
    const rows = randomUnitVectors(40, d, 8);
    await fake.upsert(
      rows.map((values, i) => ({
        id: `${i < 20 ? 'a' : 'b'}${i}`,
        values,
        namespace: i < 20 ? 'lstm-v1' : 'gru-v2',
        metadata: { label: `v${i}`, n: i },
      })),
    );
    return fake;
  }

  it('searches and fetches only its own namespace', async () => {
    const fake = await twoVersions();
    const v1 = new VectorizeVectorIndex<ContractMeta>(fake, { namespace: 'lstm-v1' });
    for (const k of [10, 20, 30]) {
      const matches = await v1.query(query, k);
      expect(matches.length).toBe(Math.min(k, 20));
      expect(matches.every((m) => m.id.startsWith('a'))).toBe(true);
    }
    expect((await v1.getByIds(['a3', 'b25', 'a4'])).map((v) => v.id)).toEqual(['a3', 'a4']);
    const all = new VectorizeVectorIndex<ContractMeta>(fake);
    expect((await all.getByIds(['a3', 'b25'])).map((v) => v.id)).toEqual(['a3', 'b25']);
    // describe() is the whole index's: Vectorize does not count per namespace.
    expect(await v1.describe()).toEqual({ dimension: d, count: 40 });
  });

  it('cannot keep two versions under the same ids: an id is unique in the whole index', async () => {
    const fake = await twoVersions();
    await fake.upsert([
      { id: 'a3', values: query, namespace: 'gru-v2', metadata: { label: 'x', n: 0 } },
    ]);
    const v1 = new VectorizeVectorIndex<ContractMeta>(fake, { namespace: 'lstm-v1' });
    expect(await v1.getByIds(['a3'])).toEqual([]);
    expect((await v1.query(query, 30)).map((m) => m.id)).not.toContain('a3');
  });
});

describe('VectorizeVectorIndex and eventual consistency', () => {
  it('drops a match whose vector is gone by the time its metadata is fetched', async () => {
    const fake = await fakeWith(records, d);
    const top = await new VectorizeVectorIndex<ContractMeta>(fake).query(query, 30);
    const gone = top[4]!.id;
    const racing: VectorizeBinding = {
      query: (v, o) => fake.query(v, o),
      describe: () => fake.describe(),
      getByIds: async (ids) => (await fake.getByIds(ids)).filter((v) => v.id !== gone),
    };
    const matches = await new VectorizeVectorIndex<ContractMeta>(racing).query(query, 30);
    expect(matches.map((m) => m.id)).toEqual(top.map((m) => m.id).filter((id) => id !== gone));
  });

  it('refuses vectors stored without metadata', async () => {
    const fake = new FakeVectorize(d);
    await fake.upsert([{ id: 'bare', values: query }]);
    const index = new VectorizeVectorIndex<ContractMeta>(fake);
    await expect(index.query(query, 1)).rejects.toThrow(JointspaceFormatError);
    await expect(index.getByIds(['bare'])).rejects.toThrow(/bare without metadata/);
  });
});

describe('the fake Vectorize keeps to the documented limits', () => {
  it('refuses topK over 100, and over 20 with values or all metadata', async () => {
    const fake = await fakeWith(records, d);
    await expect(fake.query(query, { topK: 101 })).rejects.toThrow(/over the limit of 100/);
    await expect(fake.query(query, { topK: 21, returnMetadata: 'all' })).rejects.toThrow(
      /over the limit of 20/,
    );
    await expect(fake.query(query, { topK: 21, returnValues: true })).rejects.toThrow(
      /over the limit of 20/,
    );
    await expect(fake.query(query, { topK: 21, returnMetadata: true })).rejects.toThrow(
      /over the limit of 20/,
    );
    expect((await fake.query(query, { topK: 100, returnMetadata: 'indexed' })).count).toBe(100);
    expect(
      (await fake.query(query, { topK: 20, returnValues: true })).matches[0]!.values,
    ).toHaveLength(d);
    expect((await fake.query(query)).count).toBe(5);
  });

  it("returns only indexed properties, cut to 64 bytes, for returnMetadata 'indexed'", async () => {
    const fake = new FakeVectorize(d, { indexedProperties: ['text'] });
    await fake.upsert([
      { id: 'c', values: query, metadata: { text: 'é'.repeat(40), split: 'test' } },
    ]);
    const [m] = (await fake.query(query, { topK: 1, returnMetadata: 'indexed' })).matches;
    expect(m!.metadata).toEqual({ text: 'é'.repeat(32) });
  });

  it('scores by cosine, refuses a wrong dimension and writes over the limits', async () => {
    const fake = new FakeVectorize(2);
    await fake.upsert([
      { id: 'x', values: [3, 0] },
      { id: 'y', values: [1, 1] },
    ]);
    const { matches } = await fake.query([0, 2], { topK: 2 });
    expect(matches.map((m) => m.id)).toEqual(['y', 'x']);
    expect(matches[0]!.score).toBeCloseTo(Math.SQRT1_2, 12);
    expect(matches[1]!.score).toBe(0);
    await expect(fake.query([1, 2, 3])).rejects.toThrow(/3 dimensions, the index 2/);
    await expect(fake.upsert([{ id: 'z'.repeat(65), values: [1, 0] }])).rejects.toThrow(/64 bytes/);
    const many = Array.from({ length: 1001 }, (_, i) => ({ id: `m${i}`, values: [1, 0] }));
    await expect(fake.upsert(many)).rejects.toThrow(/over 1000/);
    await expect(
      fake.upsert([{ id: 'big', values: [1, 0], metadata: { t: 'x'.repeat(10 * 1024) } }]),
    ).rejects.toThrow(/metadata of big/);
  });
});
