/**
 * VectorIndex over a Cloudflare Vectorize (V2) index created with the cosine metric, whose
 * scores are then the cosine similarity, -1 to 1 (create-indexes, "Distance metrics").
 *
 * Vectorize's documented limits, and how this adapter stays within them:
 *   - topK <= 100 when returnValues is false and returnMetadata is 'none' or 'indexed';
 *     topK <= 20 with returnValues true or returnMetadata 'all'.
 *     Sources: developers.cloudflare.com/vectorize/reference/client-api/ ("topK": "an upper
 *     limit of 100 ... for a query operation with returnValues set to true or returnMetadata
 *     set to all, topK would be limited to a maximum value of 20") and
 *     developers.cloudflare.com/vectorize/platform/limits/ ("Maximum returned results (topK)
 *     with values or metadata: 20", "without values and metadata: 100").
 *     So: topK <= 20 is one query with returnMetadata 'all'; topK 21..100 queries ids and
 *     scores (returnMetadata 'none') and then fetches the metadata with getByIds. 'indexed' is
 *     never relied on for metadata: it returns only indexed fields, and truncates long strings.
 *   - getByIds: the documentation states no limit on the number of ids per call (client-api,
 *     "Get vectors by ID": "Retrieves the specified vectors by their ID, including values and
 *     metadata"; the HTTP get_by_ids reference names none either). Since every vector it
 *     returns carries values and full metadata, this adapter asks for at most 20 ids a call,
 *     the documented ceiling for results with values or metadata. It is an option, so a
 *     measured limit can replace the assumption.
 *   - a namespace name is at most 64 bytes (limits page).
 *
 * A split filter becomes Vectorize's metadata filter `{ split: "<split>" }` (the implicit $eq;
 * reference/metadata-filtering/): "filter is applied first, and the topK results are taken from
 * the filtered set", which is this interface's meaning too. Vectorize filters only on
 * properties that have a metadata index, and "vectors upserted before a metadata index was
 * created won't have their metadata contained in that index": the deploy (cli/deploy/deploy.ts)
 * creates the `split` index before it upserts any vector. A string index holds the first 64 bytes
 * of a value, so longer splits are refused (query-checks.ts) rather than matched by prefix.
 *
 * Namespaces: a query with a namespace searches only that namespace (best-practices/insert-
 * vectors, "Namespaces"), so a model version can be stored as a namespace. But an id is unique
 * in the whole index (the same page: an id upserted twice keeps the last vector, whatever its
 * namespace; getByIds takes no namespace and reports each vector's), so two versions in one
 * index need distinct ids: with this project's ids (file names, stable across exports) a second
 * version's upload would move the first's vectors. One index per model version avoids that.
 * getByIds here leaves out vectors of other namespaces, and describe() counts the whole index.
 */

import {
  JointspaceFormatError,
  JointspaceInputError,
  requirePositiveInteger,
} from '../../core/errors.ts';
import { VECTORIZE_LIMITS } from '../../core/limits.ts';
import { checkFilter, checkQuery } from './query-checks.ts';
import type {
  IndexDescription,
  StoredVector,
  VectorFilter,
  VectorIndex,
  VectorMatch,
} from './vector-index.ts';

/** Ids per getByIds call: an assumption (undocumented), see the comment above. */
export const DEFAULT_GET_BY_IDS_BATCH = 20;

/** The part of the Vectorize binding this adapter uses (a real binding or a test double). */
export type VectorizeBinding = Pick<Vectorize, 'query' | 'getByIds' | 'describe'>;

export interface VectorizeVectorIndexOptions {
  /** Search only this namespace (for example a model version's name). */
  namespace?: string;
  /** The index's dimension, when known: a query of another length fails before any call. */
  dimension?: number;
  /** Ids per getByIds call (default DEFAULT_GET_BY_IDS_BATCH). */
  getByIdsBatch?: number;
}

export class VectorizeVectorIndex<M> implements VectorIndex<M> {
  private readonly namespace: string | undefined;
  private readonly dimension: number | undefined;
  private readonly batch: number;

  constructor(
    private readonly index: VectorizeBinding,
    options: VectorizeVectorIndexOptions = {},
  ) {
    const { namespace, dimension, getByIdsBatch = DEFAULT_GET_BY_IDS_BATCH } = options;
    if (
      namespace !== undefined &&
      (namespace.length === 0 ||
        new TextEncoder().encode(namespace).length > VECTORIZE_LIMITS.namespaceBytes)
    ) {
      throw new JointspaceInputError(
        `a Vectorize namespace must be 1 to ${VECTORIZE_LIMITS.namespaceBytes} bytes, got ${JSON.stringify(namespace)}`,
      );
    }
    requirePositiveInteger(getByIdsBatch, 'getByIdsBatch');
    if (dimension !== undefined) requirePositiveInteger(dimension, 'dimension');
    this.namespace = namespace;
    this.dimension = dimension;
    this.batch = getByIdsBatch;
  }

  /** The index's dimension and its vector count: the whole index's, across namespaces. */
  async describe(): Promise<IndexDescription> {
    const info = await this.index.describe();
    return { dimension: info.dimensions, count: info.vectorCount };
  }

  async query(
    vector: Float32Array,
    topK: number,
    filter: VectorFilter = {},
  ): Promise<VectorMatch<M>[]> {
    checkQuery(vector, topK, this.dimension);
    checkFilter(filter);
    const narrowing = {
      ...(this.namespace === undefined ? {} : { namespace: this.namespace }),
      ...(filter.split === undefined ? {} : { filter: { split: filter.split } }),
    };
    if (topK <= VECTORIZE_LIMITS.topKWithValuesOrAllMetadata) {
      const { matches } = await this.index.query(vector, {
        topK,
        returnValues: false,
        returnMetadata: 'all',
        ...narrowing,
      });
      return matches.map((m) => ({
        id: m.id,
        score: clampCosine(m.score),
        metadata: this.metadataOf(m.id, m.metadata),
      }));
    }
    const { matches } = await this.index.query(vector, {
      topK,
      returnValues: false,
      returnMetadata: 'none',
      ...narrowing,
    });
    const stored = await this.fetch(matches.map((m) => m.id));
    const result: VectorMatch<M>[] = [];
    for (const m of matches) {
      const v = stored.get(m.id);
      // Deleted (or moved to another namespace) between the two calls: Vectorize applies
      // writes asynchronously, so this can happen; the match is dropped rather than invented.
      if (v === undefined) continue;
      result.push({ id: m.id, score: clampCosine(m.score), metadata: v.metadata });
    }
    return result;
  }

  async getByIds(ids: readonly string[]): Promise<StoredVector<M>[]> {
    const stored = await this.fetch(ids);
    const found: StoredVector<M>[] = [];
    const handedOut = new Set<string>();
    for (const id of ids) {
      const v = stored.get(id);
      if (v === undefined) continue;
      // An id asked twice gets its own copy of the values, as every answer does.
      found.push(handedOut.has(id) ? { ...v, values: v.values.slice() } : v);
      handedOut.add(id);
    }
    return found;
  }

  /** The distinct ids' vectors in this namespace, fetched in batches (in parallel). */
  private async fetch(ids: readonly string[]): Promise<Map<string, StoredVector<M>>> {
    const distinct = [...new Set(ids)];
    const batches: string[][] = [];
    for (let i = 0; i < distinct.length; i += this.batch) {
      batches.push(distinct.slice(i, i + this.batch));
    }
    const results = await Promise.all(batches.map((b) => this.index.getByIds(b)));
    const byId = new Map<string, StoredVector<M>>();
    for (const v of results.flat()) {
      if (this.namespace !== undefined && v.namespace !== this.namespace) continue;
      byId.set(v.id, {
        id: v.id,
        values: Float32Array.from(v.values),
        metadata: this.metadataOf(v.id, v.metadata),
      });
    }
    return byId;
  }

  /**
   * The stored metadata as M. Vectorize keeps any JSON object and this adapter cannot check the
   * caller's M; it does refuse a vector without metadata, which an export never writes.
   */
  private metadataOf(id: string, metadata: Record<string, VectorizeVectorMetadata> | undefined): M {
    if (metadata === undefined) {
      throw new JointspaceFormatError(`Vectorize returned vector ${id} without metadata`);
    }
    return metadata as unknown as M;
  }
}

/** Vectorize's approximate scoring can stray just past ±1, which the interface rules out. */
function clampCosine(score: number): number {
  return Math.max(-1, Math.min(1, score));
}
