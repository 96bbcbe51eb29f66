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

/**
 * A fake index holding `records` (in `namespace`), upserted in batches as a Worker must, after
 * a metadata index on `split` was made (as the deploy makes it), so that split filters work.
 */
async function fakeWith(
  records: readonly ContractRecord[],
  dimension: number,
  namespace?: string,
): Promise<FakeVectorize> {
  const fake = new FakeVectorize(dimension, {
    // Undocumented; set to the adapter's own batch so that any larger call fails loudly.
    maxGetByIds: DEFAULT_GET_BY_IDS_BATCH,
    metadataIndexes: [{ propertyName: 'split', indexType: 'string' }],
  });
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

describe('VectorizeVectorIndex split filter', () => {
  it("passes the split as Vectorize's metadata filter, in the query that takes the top k", async () => {
    const fake = await fakeWith(records, d);
    for (const k of [5, 40]) {
      fake.calls.length = 0;
      const matches = await new VectorizeVectorIndex<ContractMeta>(fake).query(query, k, {
        split: 'val',
      });
      expect(matches.length).toBeGreaterThan(0);
      expect(fake.calls[0]).toEqual({
        method: 'query',
        topK: k,
        returnValues: false,
        returnMetadata: k <= 20 ? 'all' : 'none',
        filter: { split: 'val' },
      });
    }
  });

  it('sends no filter when none is asked for, or an empty one', async () => {
    const fake = await fakeWith(records, d);
    fake.calls.length = 0;
    const index = new VectorizeVectorIndex<ContractMeta>(fake);
    await index.query(query, 5);
    await index.query(query, 5, {});
    expect(fake.calls.map((c) => 'filter' in c)).toEqual([false, false]);
  });

  it('combines the filter with its namespace: both narrow the search', async () => {
    const fake = await fakeWith(records, d, 'lstm-v1');
    await fake.upsert([
      {
        id: 'other',
        values: query,
        namespace: 'gru-v2',
        metadata: { label: 'o', n: 0, split: 'val' },
      },
    ]);
    const index = new VectorizeVectorIndex<ContractMeta>(fake, { namespace: 'lstm-v1' });
    const matches = await index.query(query, 30, { split: 'val' });
    expect(matches.map((m) => m.id)).not.toContain('other');
    expect(matches.every((m) => m.metadata.split === 'val')).toBe(true);
  });

  it('finds nothing where the vectors were upserted before the split index existed', async () => {
    const fake = new FakeVectorize(d);
    await fake.upsert(records.map((r) => ({ id: r.id, values: r.values, metadata: r.metadata })));
    fake.createMetadataIndex('split', 'string');
    const index = new VectorizeVectorIndex<ContractMeta>(fake);
    expect(await index.query(query, 10, { split: 'val' })).toEqual([]);
    expect(await index.query(query, 10)).toHaveLength(10);
  });

  it('refuses a split over 64 bytes before any call', async () => {
    const fake = await fakeWith(records, d);
    fake.calls.length = 0;
    const index = new VectorizeVectorIndex<ContractMeta>(fake);
    await expect(index.query(query, 5, { split: 'v'.repeat(65) })).rejects.toThrow(
      /1 to 64 UTF-8 bytes, got 65/,
    );
    expect(fake.calls).toEqual([]);
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
        metadata: { label: `v${i}`, n: i, split: 'train' },
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
      {
        id: 'a3',
        values: query,
        namespace: 'gru-v2',
        metadata: { label: 'x', n: 0, split: 'val' },
      },
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
    const fake = new FakeVectorize(d, {
      metadataIndexes: [{ propertyName: 'text', indexType: 'string' }],
    });
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

describe('the fake Vectorize filters on metadata as documented', () => {
  /** Five vectors, the first nearest the query; metadata indexes on split, n and ok. */
  async function filterable(): Promise<FakeVectorize> {
    const fake = new FakeVectorize(2, {
      metadataIndexes: [
        { propertyName: 'split', indexType: 'string' },
        { propertyName: 'n', indexType: 'number' },
        { propertyName: 'ok', indexType: 'boolean' },
      ],
    });
    await fake.upsert(
      ['train', 'val', 'test', 'val', 'train'].map((split, n) => ({
        id: `v${n}`,
        values: [1, n],
        metadata: { split, n, ok: n % 2 === 0 },
      })),
    );
    return fake;
  }
  const ids = async (fake: FakeVectorize, filter: VectorizeVectorMetadataFilter, topK = 10) =>
    (await fake.query([1, 0], { topK, filter })).matches.map((m) => m.id);

  it('takes $eq (or a bare value), $ne, $in and $nin, every key at once', async () => {
    const fake = await filterable();
    expect(await ids(fake, { split: 'val' })).toEqual(['v1', 'v3']);
    expect(await ids(fake, { split: { $eq: 'val' } })).toEqual(['v1', 'v3']);
    expect(await ids(fake, { split: { $ne: 'val' } })).toEqual(['v0', 'v2', 'v4']);
    expect(await ids(fake, { split: { $in: ['val', 'test'] } })).toEqual(['v1', 'v2', 'v3']);
    expect(await ids(fake, { split: { $nin: ['val', 'test'] } })).toEqual(['v0', 'v4']);
    expect(await ids(fake, { n: 3, ok: false })).toEqual(['v3']);
    expect(await ids(fake, { split: 'train', ok: { $ne: true } })).toEqual([]);
    expect(await ids(fake, { split: { $eq: null } })).toEqual([]);
  });

  it('filters first, then takes the top k of what is left', async () => {
    const fake = await filterable();
    expect(await ids(fake, { split: 'train' }, 1)).toEqual(['v0']);
    expect(await ids(fake, { split: { $ne: 'train' } }, 2)).toEqual(['v1', 'v2']);
  });

  it('compares strings on their first 64 bytes, as a string index holds them', async () => {
    const fake = new FakeVectorize(2, {
      metadataIndexes: [{ propertyName: 'split', indexType: 'string' }],
    });
    await fake.upsert([{ id: 'long', values: [1, 0], metadata: { split: 'x'.repeat(70) } }]);
    expect(await ids(fake, { split: 'x'.repeat(64) })).toEqual(['long']);
    expect(await ids(fake, { split: `${'x'.repeat(64)}y` })).toEqual(['long']);
    expect(await ids(fake, { split: 'x'.repeat(63) })).toEqual([]);
  });

  it('leaves out vectors upserted before the metadata index, under every operator, until upserted again', async () => {
    const fake = new FakeVectorize(2);
    await fake.upsert([
      { id: 'early', values: [1, 0], metadata: { split: 'val' } },
      { id: 'other', values: [1, 1], metadata: { split: 'train' } },
    ]);
    fake.createMetadataIndex('split', 'string');
    expect(await ids(fake, { split: 'val' })).toEqual([]);
    expect(await ids(fake, { split: { $ne: 'test' } })).toEqual([]);
    expect(await ids(fake, { split: { $nin: ['test'] } })).toEqual([]);
    await fake.upsert([{ id: 'early', values: [1, 0], metadata: { split: 'val' } }]);
    expect(await ids(fake, { split: { $ne: 'test' } })).toEqual(['early']);
    const [m] = (await fake.query([1, 0], { topK: 2, returnMetadata: 'indexed' })).matches;
    expect(m).toMatchObject({ id: 'early', metadata: { split: 'val' } });
  });

  it('indexes only values of the type its metadata index has', async () => {
    const fake = new FakeVectorize(2, {
      metadataIndexes: [{ propertyName: 'split', indexType: 'string' }],
    });
    await fake.upsert([
      { id: 'number', values: [1, 0], metadata: { split: 7 } },
      { id: 'string', values: [1, 1], metadata: { split: '7' } },
    ]);
    expect(await ids(fake, { split: { $ne: 'x' } })).toEqual(['string']);
    expect(await ids(fake, { split: 7 })).toEqual([]);
  });

  it('refuses filters Vectorize refuses, and what it does not simulate', async () => {
    const fake = await filterable();
    const refused: [VectorizeVectorMetadataFilter, RegExp][] = [
      [{}, /non-empty/],
      [{ file: 'x' }, /no metadata index on file/],
      [{ 'split.inner': 'x' }, /nested/],
      [{ $split: 'x' }, /not allowed/],
      [{ '': 'x' }, /1 to 512 characters/],
      [{ split: { $lt: 'x' } }, /\$lt is not simulated/],
      [{ split: {} }, /must name an operator/],
      [{ split: { $in: 'val' } as unknown as { $in: string[] } }, /takes a list/],
      [{ split: { $in: Array.from({ length: 300 }, (_, i) => `split-${i}`) } }, /over the limit/],
    ];
    for (const [filter, message] of refused) {
      await expect(fake.query([1, 0], { topK: 1, filter })).rejects.toThrow(message);
    }
  });

  it('makes at most 10 metadata indexes, one per property', () => {
    const fake = new FakeVectorize(2);
    fake.createMetadataIndex('split', 'string');
    expect(() => fake.createMetadataIndex('split', 'string')).toThrow(/exists already/);
    for (let i = 1; i < 10; i++) fake.createMetadataIndex(`p${i}`, 'number');
    expect(() => fake.createMetadataIndex('p10', 'boolean')).toThrow(/at most 10/);
  });
});
