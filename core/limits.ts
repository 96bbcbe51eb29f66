/**
 * The numbers that more than one part of jointspace must agree on, written once: the limits of
 * Cloudflare Vectorize that shape the model version (ids, metadata, dimensions) and the API
 * (how many results a query can have), and the API's own limits on what a client sends.
 */

/**
 * Vectorize V2's documented limits (developers.cloudflare.com/vectorize/platform/limits/ and
 * .../reference/client-api/). The export keeps ids and metadata within them, the worker's
 * indexes never ask for more results than a query may return, and the deploy checks batches
 * against them before sending.
 */
export const VECTORIZE_LIMITS = {
  /** "Maximum returned results (topK) without values and metadata: 100". */
  topK: 100,
  /** "Maximum returned results (topK) with values or metadata: 20". */
  topKWithValuesOrAllMetadata: 20,
  /** "Maximum vector ID length: 64 bytes" (UTF-8 bytes, not characters). */
  idBytes: 64,
  /** "Metadata per vector: 10KiB". */
  metadataBytes: 10 * 1024,
  /** "Maximum dimensions per vector: 1536 dimensions". */
  dimensions: 1536,
  /** "Maximum namespace name length: 64 bytes". */
  namespaceBytes: 64,
  /** "Maximum index name length: 64 bytes". */
  indexNameBytes: 64,
  /** "Maximum upsert batch size (per batch): 1000 (Workers) / 5000 (HTTP API)". */
  httpUpsertVectors: 5000,
  /** "Maximum vectors upload size: 100 MB", read as 10^6-byte megabytes (the smaller reading). */
  uploadBytes: 100 * 1000 * 1000,
} as const;

/**
 * What the GraphQL API takes. Every list ends at `maxResults`, the most matches one Vectorize
 * query returns, so that the flat index and Vectorize answer the same queries.
 */
export const QUERY_LIMITS = {
  maxResults: VECTORIZE_LIMITS.topK,
  defaultFirst: 10,
  /** A text argument's length in code points (what a person calls characters). */
  maxTextCharacters: 1000,
  analogyPoolDefault: 20,
  analogyKDefault: 4,
  /** An image's own captions listed, at most (caption ids are "<image id>#0" to "#19"). */
  maxCaptionsPerImage: 20,
} as const;
