/**
 * A store of unit vectors with metadata, searched by cosine (the dot product of unit vectors).
 * Two implementations: the local flat index (vectors from R2, exact top-k) and Cloudflare
 * Vectorize. The same contract tests run against both.
 */

export interface VectorMatch<M> {
  id: string;
  /** Cosine similarity to the query, in [-1, 1]. */
  score: number;
  metadata: M;
}

export interface StoredVector<M> {
  id: string;
  values: Float32Array;
  metadata: M;
}

export interface IndexDescription {
  dimension: number;
  /** Vectors stored. */
  count: number;
}

/**
 * Which stored vectors a query may return, by their metadata. Every field set must match; an
 * empty filter matches every vector.
 */
export interface VectorFilter {
  /**
   * Only vectors whose metadata `split` is exactly this (a dataset split: "train", "val", ...).
   * At most MAX_FILTER_STRING_BYTES (query-checks.ts): Vectorize compares no further.
   */
  split?: string;
}

export interface VectorIndex<M> {
  describe(): Promise<IndexDescription>;
  /**
   * The `topK` (1..100) stored vectors most similar to `vector` among those `filter` lets
   * through, best first, each with its metadata. The filter is applied before the top k are
   * taken, so fewer than topK come back only when fewer match. Equal scores keep a stable order
   * (the order vectors were stored in).
   */
  query(vector: Float32Array, topK: number, filter?: VectorFilter): Promise<VectorMatch<M>[]>;
  /** Stored vectors by id, in the order asked; ids not stored are left out. */
  getByIds(ids: readonly string[]): Promise<StoredVector<M>[]>;
}
