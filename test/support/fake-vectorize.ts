/**
 * A Vectorize (V2) binding for tests: Vectorize has no local simulation (Miniflare answers
 * "Binding ... needs to be run remotely"), so the adapter is tested against this double, which
 * holds callers to the DOCUMENTED contract and is strict wherever the documentation is:
 *
 *   query     topK defaults to 5; over 100 throws; over 20 with returnValues true or
 *             returnMetadata 'all' throws (client-api "topK", limits page). returnMetadata
 *             'indexed' returns only the indexed properties, strings cut to 64 bytes (metadata
 *             filtering: "each vector indexes the first 64B of the string"; client-api: "long
 *             text fields may be truncated"). A namespace restricts the search to it ("A
 *             namespace filter is applied before metadata filter(s)"), then a metadata filter
 *             (fake-vectorize-filter.ts: $eq, $ne, $in, $nin on properties with a metadata index,
 *             applied before the top k are taken). Scores are cosine, -1..1 (create-indexes,
 *             "Distance metrics"). A wrong dimension throws.
 *   upsert    ids up to 64 bytes, metadata up to 10 KiB, namespaces up to 64 bytes, batches of
 *             up to 1000 from a Worker (limits page); an id is unique in the whole index, so an
 *             upsert replaces it whatever its namespace (insert-vectors, "Insert vs Upsert").
 *             Each vector is put into the metadata indexes that exist at its upsert, and only
 *             those ("Vectors upserted before a metadata index was created won't have their
 *             metadata contained in that index").
 *   metadata  indexes are made with createMetadataIndex (the binding has no such method: the
 *             HTTP API's metadata_index/create, which `wrangler vectorize create-metadata-index`
 *             calls, is its counterpart) or given to the constructor, up to 10 per index.
 *   getByIds  values and metadata of the ids found, with each vector's namespace (the HTTP
 *             get_by_ids reference shows it); returned in storage order, not the order asked,
 *             since nothing promises that order. The docs give no limit on ids per call; a
 *             test can set one (`maxGetByIds`) to check that the adapter keeps to its own.
 *
 * What the docs leave open is chosen and marked: equal scores come back in storage order.
 * Every call is logged in `calls` so that tests can count requests.
 */

import {
  compileFilter,
  type IndexedValue,
  indexedValues,
  MAX_METADATA_INDEXES,
  type MetadataIndex,
  type MetadataIndexType,
} from './fake-vectorize-filter.ts';

const MAX_TOP_K = 100;
const MAX_TOP_K_WITH_VALUES_OR_ALL_METADATA = 20;
const MAX_ID_BYTES = 64;
const MAX_NAMESPACE_BYTES = 64;
const MAX_METADATA_BYTES = 10 * 1024;
const MAX_UPSERT_BATCH = 1000;

interface Stored {
  id: string;
  values: Float32Array;
  namespace: string | undefined;
  metadata: Record<string, VectorizeVectorMetadata> | undefined;
  /** Its values in the metadata indexes that existed when it was upserted. */
  indexed: Map<string, IndexedValue>;
}

export type FakeVectorizeCall =
  | {
      method: 'query';
      topK: number;
      returnValues: boolean;
      returnMetadata: string;
      namespace?: string;
      filter?: VectorizeVectorMetadataFilter;
    }
  | { method: 'getByIds'; ids: string[] }
  | { method: 'describe' | 'insert' | 'upsert' | 'deleteByIds' | 'queryById' };

export interface FakeVectorizeOptions {
  /**
   * Metadata indexes that exist before anything is upserted: the properties a filter can use
   * and returnMetadata 'indexed' returns.
   */
  metadataIndexes?: readonly MetadataIndex[];
  /** Refuse getByIds calls with more ids (the real limit is undocumented). */
  maxGetByIds?: number;
}

const encoder = new TextEncoder();
const bytes = (s: string): number => encoder.encode(s).length;

function fail(why: string): never {
  throw new Error(`fake Vectorize: ${why}`);
}

export class FakeVectorize implements Vectorize {
  readonly calls: FakeVectorizeCall[] = [];
  private readonly stored = new Map<string, Stored>();
  private readonly metadataIndexes: MetadataIndex[] = [];
  private mutation = 0;

  constructor(
    private readonly dimensions: number,
    private readonly options: FakeVectorizeOptions = {},
  ) {
    for (const { propertyName, indexType } of options.metadataIndexes ?? []) {
      this.createMetadataIndex(propertyName, indexType);
    }
  }

  /**
   * Makes `propertyName` filterable, for the vectors upserted from now on: those stored already
   * are not in the new index until they are upserted again.
   */
  createMetadataIndex(propertyName: string, indexType: MetadataIndexType): void {
    if (propertyName.length === 0) fail('a metadata index needs a property name');
    if (this.metadataIndexes.some((i) => i.propertyName === propertyName)) {
      fail(`a metadata index on ${propertyName} exists already`);
    }
    if (this.metadataIndexes.length === MAX_METADATA_INDEXES) {
      fail(`an index has at most ${MAX_METADATA_INDEXES} metadata indexes`);
    }
    this.metadataIndexes.push({ propertyName, indexType });
  }

  async describe(): Promise<VectorizeIndexInfo> {
    this.calls.push({ method: 'describe' });
    return {
      vectorCount: this.stored.size,
      dimensions: this.dimensions,
      processedUpToDatetime: this.mutation,
      processedUpToMutation: this.mutation,
    };
  }

  async query(
    vector: VectorFloatArray | number[],
    options: VectorizeQueryOptions = {},
  ): Promise<VectorizeMatches> {
    const topK = options.topK ?? 5;
    const returnValues = options.returnValues ?? false;
    const level: VectorizeMetadataRetrievalLevel =
      options.returnMetadata === true
        ? 'all'
        : options.returnMetadata === false || options.returnMetadata === undefined
          ? 'none'
          : options.returnMetadata;
    this.calls.push({
      method: 'query',
      topK,
      returnValues,
      returnMetadata: level,
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      ...(options.filter === undefined ? {} : { filter: structuredClone(options.filter) }),
    });
    if (!Number.isInteger(topK) || topK < 1) fail(`topK must be a positive integer, got ${topK}`);
    if (topK > MAX_TOP_K) fail(`topK ${topK} is over the limit of ${MAX_TOP_K}`);
    if ((returnValues || level === 'all') && topK > MAX_TOP_K_WITH_VALUES_OR_ALL_METADATA) {
      fail(
        `topK ${topK} is over the limit of ${MAX_TOP_K_WITH_VALUES_OR_ALL_METADATA} with returnValues or returnMetadata 'all'`,
      );
    }
    const passes =
      options.filter === undefined
        ? () => true
        : compileFilter(options.filter, this.metadataIndexes);
    if (vector.length !== this.dimensions) {
      fail(`query has ${vector.length} dimensions, the index ${this.dimensions}`);
    }
    const q = Float64Array.from(vector);
    const qNorm = Math.hypot(...q);
    if (!(qNorm > 0) || !Number.isFinite(qNorm)) fail('the query vector has no direction');
    const scored: { v: Stored; score: number }[] = [];
    for (const v of this.stored.values()) {
      if (options.namespace !== undefined && v.namespace !== options.namespace) continue;
      if (!passes(v.indexed)) continue;
      let dot = 0;
      let norm = 0;
      for (let i = 0; i < q.length; i++) {
        dot += q[i]! * v.values[i]!;
        norm += v.values[i]! * v.values[i]!;
      }
      scored.push({ v, score: dot / (qNorm * Math.sqrt(norm)) });
    }
    // Stable sort: equal scores in storage order (a choice; Vectorize does not document it).
    scored.sort((a, b) => b.score - a.score);
    const matches = scored.slice(0, topK).map(({ v, score }): VectorizeMatch => {
      const match: VectorizeMatch = { id: v.id, score };
      if (v.namespace !== undefined) match.namespace = v.namespace;
      if (returnValues) match.values = Array.from(v.values);
      if (level === 'all' && v.metadata !== undefined) match.metadata = structuredClone(v.metadata);
      if (level === 'indexed' && v.metadata !== undefined) match.metadata = this.indexed(v);
      return match;
    });
    return { matches, count: matches.length };
  }

  async queryById(vectorId: string, options?: VectorizeQueryOptions): Promise<VectorizeMatches> {
    this.calls.push({ method: 'queryById' });
    const v = this.stored.get(vectorId);
    if (v === undefined) return { matches: [], count: 0 };
    return this.query(v.values, options);
  }

  async insert(vectors: VectorizeVector[]): Promise<VectorizeAsyncMutation> {
    this.calls.push({ method: 'insert' });
    this.checkWrite(vectors);
    for (const v of vectors) if (!this.stored.has(v.id)) this.store(v);
    return { mutationId: String(++this.mutation) };
  }

  async upsert(vectors: VectorizeVector[]): Promise<VectorizeAsyncMutation> {
    this.calls.push({ method: 'upsert' });
    this.checkWrite(vectors);
    for (const v of vectors) this.store(v);
    return { mutationId: String(++this.mutation) };
  }

  async deleteByIds(ids: string[]): Promise<VectorizeAsyncMutation> {
    this.calls.push({ method: 'deleteByIds' });
    for (const id of ids) this.stored.delete(id);
    return { mutationId: String(++this.mutation) };
  }

  async getByIds(ids: string[]): Promise<VectorizeVector[]> {
    this.calls.push({ method: 'getByIds', ids: [...ids] });
    const max = this.options.maxGetByIds;
    if (max !== undefined && ids.length > max) fail(`getByIds got ${ids.length} ids, over ${max}`);
    const wanted = new Set(ids);
    const found: VectorizeVector[] = [];
    for (const v of this.stored.values()) {
      if (!wanted.has(v.id)) continue;
      const out: VectorizeVector = { id: v.id, values: Array.from(v.values) };
      if (v.namespace !== undefined) out.namespace = v.namespace;
      if (v.metadata !== undefined) out.metadata = structuredClone(v.metadata);
      found.push(out);
    }
    return found;
  }

  private checkWrite(vectors: VectorizeVector[]): void {
    if (vectors.length > MAX_UPSERT_BATCH) {
      fail(`${vectors.length} vectors in one write, over ${MAX_UPSERT_BATCH}`);
    }
    for (const v of vectors) {
      if (bytes(v.id) > MAX_ID_BYTES) fail(`id ${v.id} is over ${MAX_ID_BYTES} bytes`);
      if (v.values.length !== this.dimensions) {
        fail(`vector ${v.id} has ${v.values.length} dimensions, the index ${this.dimensions}`);
      }
      if (v.namespace !== undefined && bytes(v.namespace) > MAX_NAMESPACE_BYTES) {
        fail(`namespace of ${v.id} is over ${MAX_NAMESPACE_BYTES} bytes`);
      }
      if (v.metadata !== undefined && bytes(JSON.stringify(v.metadata)) > MAX_METADATA_BYTES) {
        fail(`metadata of ${v.id} is over ${MAX_METADATA_BYTES} bytes`);
      }
    }
  }

  private store(v: VectorizeVector): void {
    // A replaced id moves to the end, as a fresh write would: storage order is write order.
    this.stored.delete(v.id);
    this.stored.set(v.id, {
      id: v.id,
      // Vectorize stores float32 (insert-vectors, "Supported vector formats").
      values: Float32Array.from(v.values),
      namespace: v.namespace,
      metadata: v.metadata === undefined ? undefined : structuredClone(v.metadata),
      indexed: indexedValues(this.metadataIndexes, v.metadata),
    });
  }

  /** What returnMetadata 'indexed' returns: the vector's values in the metadata indexes. */
  private indexed(v: Stored): Record<string, VectorizeVectorMetadata> {
    return Object.fromEntries(v.indexed);
  }
}
