// Documented limits and naming rules of the Cloudflare REST API that the deploy relies on. The
// client checks what it can before sending (a refused batch costs a round trip and a rate-limit
// token: 1200 requests per five minutes, as wrangler's `vectorize upsert` warns), and the test
// stand-in (test/support/fake-cloudflare-api.ts) refuses the same things the real API does.

/** https://developers.cloudflare.com/api/ — every endpoint below hangs off this base. */
export const CLOUDFLARE_API_BASE_URL = 'https://api.cloudflare.com/client/v4';

// --- Vectorize V2 (https://developers.cloudflare.com/vectorize/platform/limits/) ---------------

/** "Maximum upsert batch size (per batch): 1000 (Workers) / 5000 (HTTP API)". wrangler 4.86's
 * `vectorize upsert` uses the same number (VECTORIZE_MAX_BATCH_SIZE = 5e3). */
export const VECTORIZE_HTTP_UPSERT_MAX_VECTORS = 5000;

/** "Maximum vectors upload size: 100 MB". Read as 10^6-byte megabytes: the smaller reading, so a
 * batch under it is under either. */
export const VECTORIZE_MAX_UPLOAD_BYTES = 100 * 1000 * 1000;

/** "Maximum vector ID length: 64 bytes" (UTF-8 bytes, not characters). */
export const VECTORIZE_MAX_ID_BYTES = 64;

/** "Maximum dimensions per vector: 1536 dimensions, 32 bits precision"; the create-index body
 * documents `config.dimensions` with minimum 1, maximum 1536. */
export const VECTORIZE_MAX_DIMENSIONS = 1536;

/** "Metadata per vector: 10KiB". */
export const VECTORIZE_MAX_METADATA_BYTES = 10 * 1024;

/** "Maximum index name length: 64 bytes". */
export const VECTORIZE_MAX_INDEX_NAME_BYTES = 64;

/** The API schema `vectorize_index-name`: `^([a-z]+[a-z0-9_-]*[a-z0-9]+)$` (lowercase letter first,
 * then lowercase letters, digits, `_` or `-`, ending in a letter or digit; two characters at least). */
export const VECTORIZE_INDEX_NAME_PATTERN = /^([a-z]+[a-z0-9_-]*[a-z0-9]+)$/;

/** "You can create up to 10 metadata indexes per Vectorize index" (reference/metadata-filtering/). */
export const VECTORIZE_MAX_METADATA_INDEXES = 10;

/** The Create Metadata Index body documents `indexType: "string" | "number" | "boolean"`. */
export const VECTORIZE_METADATA_INDEX_TYPES = ['string', 'number', 'boolean'] as const;
export type VectorizeMetadataIndexType = (typeof VECTORIZE_METADATA_INDEX_TYPES)[number];

/** The create-index body documents `metric: "cosine" | "euclidean" | "dot-product"`. */
export const VECTORIZE_METRICS = ['cosine', 'euclidean', 'dot-product'] as const;
export type VectorizeMetric = (typeof VECTORIZE_METRICS)[number];

// --- R2 -----------------------------------------------------------------------------------------

/** Upload Object (PUT .../r2/buckets/{bucket_name}/objects/{object_key}): "The maximum upload size
 * for this endpoint is 300 MB." wrangler 4.86 checks 300 * 1024 * 1024; the smaller reading is used. */
export const R2_REST_MAX_UPLOAD_BYTES = 300 * 1000 * 1000;

/** Bucket names: "begin and end with an alphanumeric character, only contain lowercase letters,
 * numbers, and hyphens, and be between 3 and 63 characters long" (wrangler's isValidR2BucketName;
 * the REST reference documents bucket_name minLength 3, maxLength 64). */
export const R2_BUCKET_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

// --- Error codes seen in the API envelope ----------------------------------------------------

/** Codes the client branches on. 10006/10007 (R2 missing bucket / key) and 3000/3002 (Vectorize
 * index not found / duplicate name, the latter with HTTP 400) were observed against the live API
 * and recorded in alchemy-run/distilled#308 and #463; 10000 is the API's "Authentication error";
 * 971 is the API's rate-limit code. They are not in the reference pages. */
export const CLOUDFLARE_ERROR_CODES = {
  authentication: 10000,
  rateLimited: 971,
  r2NoSuchBucket: 10006,
  r2NoSuchKey: 10007,
  vectorizeIndexNotFound: 3000,
  vectorizeDuplicateName: 3002,
} as const;

const utf8 = new TextEncoder();

export function utf8ByteLength(text: string): number {
  return utf8.encode(text).byteLength;
}

/** Why `name` is not a valid Vectorize index name, or null when it is. */
export function vectorizeIndexNameProblem(name: string): string | null {
  if (utf8ByteLength(name) > VECTORIZE_MAX_INDEX_NAME_BYTES) {
    return `index name "${name}" is longer than ${VECTORIZE_MAX_INDEX_NAME_BYTES} bytes`;
  }
  if (!VECTORIZE_INDEX_NAME_PATTERN.test(name)) {
    return `index name "${name}" must match ${VECTORIZE_INDEX_NAME_PATTERN.source} (lowercase letters, digits, "-" and "_", starting with a letter)`;
  }
  return null;
}

/** Why `id` is not a valid Vectorize vector id, or null when it is. */
export function vectorIdProblem(id: string): string | null {
  if (id.length === 0) return 'vector id is empty';
  const bytes = utf8ByteLength(id);
  if (bytes > VECTORIZE_MAX_ID_BYTES) {
    return `vector id "${id}" is ${bytes} bytes, over the ${VECTORIZE_MAX_ID_BYTES}-byte limit`;
  }
  return null;
}
