// A small client for the parts of Cloudflare's REST API (https://developers.cloudflare.com/api/)
// that the deploy needs: R2 buckets and objects, and Vectorize V2 indexes. Paths, bodies and
// results follow the API reference; where the reference is silent, the request is shaped the way
// wrangler 4.86 (node_modules/wrangler) sends it, since wrangler is the client known to work.

import {
  CloudflareApiError,
  type CloudflareErrorDetail,
  retryDelayMs,
} from './cloudflare-errors.ts';
import {
  CLOUDFLARE_API_BASE_URL,
  CLOUDFLARE_ERROR_CODES,
  R2_REST_MAX_UPLOAD_BYTES,
  utf8ByteLength,
  VECTORIZE_HTTP_UPSERT_MAX_VECTORS,
  VECTORIZE_MAX_UPLOAD_BYTES,
  type VectorizeMetadataIndexType,
  type VectorizeMetric,
} from './cloudflare-limits.ts';

export * from './cloudflare-errors.ts';
export * from './cloudflare-limits.ts';

export interface CloudflareApiOptions {
  accountId: string;
  apiToken: string;
  /** Default https://api.cloudflare.com/client/v4. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Retries after a 429, a 5xx or a network failure (default 4, so 5 attempts at most). */
  retries?: number;
  /** First backoff delay; doubles per retry (default 1000 ms). Retry-After overrides it. */
  retryBaseDelayMs?: number;
  /** Upper bound on any single wait, Retry-After included (default 60 s). */
  maxRetryDelayMs?: number;
  /** How to wait; tests pass one that resolves at once. */
  sleep?: (ms: number) => Promise<void>;
}

export interface VectorizeIndexDescription {
  name: string;
  description?: string;
  config: { dimensions: number; metric: VectorizeMetric };
  created_on?: string;
  modified_on?: string;
}

export interface VectorizeIndexInfo {
  dimensions: number;
  vectorCount: number;
  processedUpToDatetime: string | null;
  processedUpToMutation: string | null;
}

/** A metadata index: which property of the vectors' metadata a query may filter on. */
export interface VectorizeMetadataIndex {
  propertyName: string;
  indexType: VectorizeMetadataIndexType;
}

export interface VectorizeVector {
  id: string;
  values: number[];
  metadata?: unknown;
  namespace?: string;
}

/** The API envelope: `{ success, errors: [{ code, message }], messages, result }`. */
interface Envelope<T> {
  success: boolean;
  errors?: CloudflareErrorDetail[];
  messages?: unknown[];
  result: T;
}

interface RequestSpec {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** A function so every retry sends a fresh body (FormData and streams are single-use). */
  body?: () => BodyInit;
}

function parseEnvelope<T>(text: string): Envelope<T> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Envelope<T>) : undefined;
  } catch {
    return undefined;
  }
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** R2 object keys: "Slashes (/) within the key MUST be sent literally and MUST NOT be
 * percent-encoded (i.e. %2F); other reserved characters should be percent-encoded as usual." */
export function encodeR2Key(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

export class CloudflareApi {
  readonly accountId: string;
  readonly baseUrl: string;
  private readonly apiToken: string;
  private readonly fetchImpl: typeof fetch;
  private readonly retries: number;
  private readonly retryBaseDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: CloudflareApiOptions) {
    this.accountId = options.accountId;
    this.apiToken = options.apiToken;
    this.baseUrl = (options.baseUrl ?? CLOUDFLARE_API_BASE_URL).replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
    this.retries = options.retries ?? 4;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 1000;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
    this.sleep = options.sleep ?? wait;
  }

  // --- R2 ---------------------------------------------------------------------------------------

  /** GET /accounts/{account_id}/r2/buckets/{bucket_name} (Get Bucket). */
  async getR2Bucket(name: string): Promise<{ name: string } | null> {
    const result = await this.json<{ name: string }>(
      { method: 'GET', path: this.r2BucketPath(name) },
      [CLOUDFLARE_ERROR_CODES.r2NoSuchBucket],
    );
    return result === null ? null : { name: result.name };
  }

  /** POST /accounts/{account_id}/r2/buckets with `{ name }` (Create Bucket). */
  async createR2Bucket(name: string): Promise<void> {
    await this.json<unknown>({
      method: 'POST',
      path: `${this.accountPath()}/r2/buckets`,
      headers: { 'content-type': 'application/json' },
      body: () => JSON.stringify({ name }),
    });
  }

  /** PUT /accounts/{account_id}/r2/buckets/{bucket_name}/objects/{object_key} (Upload Object): the
   * object is the raw request body; Content-Type becomes the object's content type (wrangler's
   * `r2 object put` forwards it the same way). The result is the object's metadata. */
  async putR2Object(
    bucket: string,
    key: string,
    body: Uint8Array,
    contentType = 'application/octet-stream',
  ): Promise<void> {
    if (body.byteLength > R2_REST_MAX_UPLOAD_BYTES) {
      throw new RangeError(
        `R2 object ${key} is ${body.byteLength} bytes; the REST upload takes at most ${R2_REST_MAX_UPLOAD_BYTES}`,
      );
    }
    // A copy backed by a plain ArrayBuffer, as fetch's BodyInit wants; made once for all retries.
    const bytes = new Uint8Array(body);
    await this.json<unknown>({
      method: 'PUT',
      path: this.r2ObjectPath(bucket, key),
      headers: { 'content-type': contentType },
      body: () => bytes,
    });
  }

  /** GET /accounts/{account_id}/r2/buckets/{bucket_name}/objects/{object_key} (Get Object): "Returns
   * the object body along with metadata headers" (the raw bytes, not an envelope). A missing bucket
   * or key is a 404 (codes 10006 / 10007): null. */
  async getR2Object(bucket: string, key: string): Promise<Uint8Array | null> {
    const spec: RequestSpec = { method: 'GET', path: this.r2ObjectPath(bucket, key) };
    const { response, attempts } = await this.send(spec);
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) throw await this.errorFrom(spec, response, attempts);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** The REST API documents no HEAD for objects (List/Get/Upload/Delete only), so this is Get Object
   * (GET .../objects/{object_key}), reading the size from Content-Length and the ETag header (which
   * "follows RFC 7232 and IS wrapped in surrounding double-quotes"; returned here unquoted, as the
   * JSON listings give it). The body is dropped unread when Content-Length is given, read otherwise.
   * A missing bucket or key is a 404 (codes 10006 / 10007): null. */
  async headR2Object(bucket: string, key: string): Promise<{ size: number; etag?: string } | null> {
    const spec: RequestSpec = {
      method: 'GET',
      path: this.r2ObjectPath(bucket, key),
      // Identity, so Content-Length is the stored size and not a compressed one.
      headers: { 'accept-encoding': 'identity' },
    };
    const { response, attempts } = await this.send(spec);
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) throw await this.errorFrom(spec, response, attempts);
    const length = response.headers.get('content-length');
    let size: number;
    if (length !== null && /^\d+$/.test(length)) {
      size = Number(length);
      await response.body?.cancel();
    } else {
      size = (await response.arrayBuffer()).byteLength;
    }
    const etag = response.headers.get('etag')?.replace(/^(W\/)?"(.*)"$/, '$2');
    return etag ? { size, etag } : { size };
  }

  // --- Vectorize V2 -------------------------------------------------------------------------------

  /** GET /accounts/{account_id}/vectorize/v2/indexes/{index_name} (Get Vectorize Index). */
  async getVectorizeIndex(name: string): Promise<VectorizeIndexDescription | null> {
    return this.json<VectorizeIndexDescription>({ method: 'GET', path: this.indexPath(name) }, [
      CLOUDFLARE_ERROR_CODES.vectorizeIndexNotFound,
    ]);
  }

  /** POST /accounts/{account_id}/vectorize/v2/indexes with
   * `{ name, description?, config: { dimensions, metric } }` (Create Vectorize Index). */
  async createVectorizeIndex(options: {
    name: string;
    dimensions: number;
    metric: VectorizeMetric;
    description?: string;
  }): Promise<void> {
    const { name, dimensions, metric, description } = options;
    const body = {
      name,
      ...(description === undefined ? {} : { description }),
      config: { dimensions, metric },
    };
    await this.json<unknown>({
      method: 'POST',
      path: `${this.accountPath()}/vectorize/v2/indexes`,
      headers: { 'content-type': 'application/json' },
      body: () => JSON.stringify(body),
    });
  }

  /** GET /accounts/{account_id}/vectorize/v2/indexes/{index_name}/info (Get Vectorize Index Info).
   * Writes are asynchronous: vectorCount and processedUpToMutation move only once a mutation has
   * been processed, which is how a caller learns that an upsert has become visible. */
  async vectorizeInfo(name: string): Promise<VectorizeIndexInfo> {
    const info = await this.json<VectorizeIndexInfo>({
      method: 'GET',
      path: `${this.indexPath(name)}/info`,
    });
    return {
      dimensions: info.dimensions,
      vectorCount: info.vectorCount,
      processedUpToDatetime: info.processedUpToDatetime ?? null,
      processedUpToMutation: info.processedUpToMutation ?? null,
    };
  }

  /** POST /accounts/{account_id}/vectorize/v2/indexes/{index_name}/upsert (Upsert Vectors): the
   * reference documents the body only as "ndjson file containing vectors to upsert"; it is sent as
   * wrangler's `vectorize upsert` sends it, a multipart form whose `vectors` field is a file
   * `vectors.ndjson` of type application/x-ndjson. `unparsable-behavior=error` (a documented query
   * parameter) makes a malformed line fail the batch instead of being dropped. The result is the
   * id of the enqueued mutation, not a count: the vectors are not visible yet. */
  async upsertVectors(name: string, ndjson: string): Promise<{ mutationId: string }> {
    const lines = ndjson.split('\n').filter((line) => line.trim() !== '').length;
    if (lines > VECTORIZE_HTTP_UPSERT_MAX_VECTORS) {
      throw new RangeError(
        `upsert of ${lines} vectors into ${name}: the HTTP API takes at most ${VECTORIZE_HTTP_UPSERT_MAX_VECTORS} per batch`,
      );
    }
    const bytes = utf8ByteLength(ndjson);
    if (bytes > VECTORIZE_MAX_UPLOAD_BYTES) {
      throw new RangeError(
        `upsert into ${name} is ${bytes} bytes; Vectorize takes at most ${VECTORIZE_MAX_UPLOAD_BYTES} per upload`,
      );
    }
    const result = await this.json<{ mutationId?: string }>({
      method: 'POST',
      path: `${this.indexPath(name)}/upsert`,
      query: { 'unparsable-behavior': 'error' },
      body: () => {
        const form = new FormData();
        form.append(
          'vectors',
          new Blob([ndjson], { type: 'application/x-ndjson' }),
          'vectors.ndjson',
        );
        return form;
      },
    });
    if (typeof result?.mutationId !== 'string') {
      throw new Error(`upsert into ${name}: the API answered without a mutationId`);
    }
    return { mutationId: result.mutationId };
  }

  /** POST /accounts/{account_id}/vectorize/v2/indexes/{index_name}/metadata_index/create with
   * `{ propertyName, indexType }` (Create Metadata Index). Like an upsert it is an asynchronous
   * mutation: the result is its id, and only vectors upserted after it is processed are in the
   * metadata index (reference/metadata-filtering/: "Vectors upserted before a metadata index was
   * created won't have their metadata contained in that index"). */
  async createMetadataIndex(
    name: string,
    metadataIndex: VectorizeMetadataIndex,
  ): Promise<{ mutationId: string }> {
    const result = await this.json<{ mutationId?: string } | null>({
      method: 'POST',
      path: `${this.indexPath(name)}/metadata_index/create`,
      headers: { 'content-type': 'application/json' },
      body: () => JSON.stringify(metadataIndex),
    });
    if (typeof result?.mutationId !== 'string') {
      throw new Error(
        `metadata index ${metadataIndex.propertyName} on ${name}: the API answered without a mutationId`,
      );
    }
    return { mutationId: result.mutationId };
  }

  /** GET /accounts/{account_id}/vectorize/v2/indexes/{index_name}/metadata_index/list (List
   * Metadata Indexes): the result is `{ metadataIndexes: [{ propertyName, indexType }] }`. */
  async listMetadataIndexes(name: string): Promise<VectorizeMetadataIndex[]> {
    const result = await this.json<{ metadataIndexes?: VectorizeMetadataIndex[] } | null>({
      method: 'GET',
      path: `${this.indexPath(name)}/metadata_index/list`,
    });
    return result?.metadataIndexes ?? [];
  }

  /** POST /accounts/{account_id}/vectorize/v2/indexes/{index_name}/get_by_ids with `{ ids }` (Get
   * Vectors By Identifier). Ids not in the index (or not processed yet) are simply absent. */
  async getVectorsByIds(name: string, ids: string[]): Promise<VectorizeVector[]> {
    const result = await this.json<VectorizeVector[] | null>({
      method: 'POST',
      path: `${this.indexPath(name)}/get_by_ids`,
      headers: { 'content-type': 'application/json' },
      body: () => JSON.stringify({ ids }),
    });
    return result ?? [];
  }

  // --- plumbing -----------------------------------------------------------------------------------

  private accountPath(): string {
    return `/accounts/${encodeURIComponent(this.accountId)}`;
  }

  private r2BucketPath(bucket: string): string {
    return `${this.accountPath()}/r2/buckets/${encodeURIComponent(bucket)}`;
  }

  private r2ObjectPath(bucket: string, key: string): string {
    return `${this.r2BucketPath(bucket)}/objects/${encodeR2Key(key)}`;
  }

  private indexPath(name: string): string {
    return `${this.accountPath()}/vectorize/v2/indexes/${encodeURIComponent(name)}`;
  }

  /** Sends, unwraps the envelope and returns `result`; a 404, or an error whose code is in
   * `notFoundCodes`, gives null when such codes are given. */
  private async json<T>(spec: RequestSpec): Promise<T>;
  private async json<T>(spec: RequestSpec, notFoundCodes: readonly number[]): Promise<T | null>;
  private async json<T>(spec: RequestSpec, notFoundCodes?: readonly number[]): Promise<T | null> {
    const { response, attempts } = await this.send(spec);
    const text = await response.text();
    const envelope = parseEnvelope<T>(text);
    if (response.ok && envelope?.success === true) return envelope.result;
    const error = CloudflareApiError.from(spec, response.status, attempts, envelope, text);
    if (
      notFoundCodes &&
      (response.status === 404 || (error.code !== undefined && notFoundCodes.includes(error.code)))
    ) {
      return null;
    }
    throw error;
  }

  private async errorFrom(
    spec: RequestSpec,
    response: Response,
    attempts: number,
  ): Promise<CloudflareApiError> {
    const text = await response.text();
    return CloudflareApiError.from(spec, response.status, attempts, parseEnvelope(text), text);
  }

  /** One call with retries: 429 and 5xx answers and network failures are retried with exponential
   * backoff, honouring Retry-After, at most `retries` times; the last answer is returned as is,
   * with the number of attempts made so that an error can say it gave up. */
  private async send(spec: RequestSpec): Promise<{ response: Response; attempts: number }> {
    const url = new URL(`${this.baseUrl}${spec.path}`);
    for (const [name, value] of Object.entries(spec.query ?? {})) url.searchParams.set(name, value);
    for (let attempt = 1; ; attempt++) {
      const headers = new Headers(spec.headers);
      headers.set('authorization', `Bearer ${this.apiToken}`);
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method: spec.method,
          headers,
          ...(spec.body ? { body: spec.body() } : {}),
        });
      } catch (cause) {
        if (attempt > this.retries) {
          throw new CloudflareApiError({
            method: spec.method,
            path: spec.path,
            status: 0,
            errors: [],
            attempts: attempt,
            detail: `network failure: ${cause instanceof Error ? cause.message : String(cause)}`,
          });
        }
        await this.sleep(retryDelayMs(attempt, null, this.retryBaseDelayMs, this.maxRetryDelayMs));
        continue;
      }
      const retryable = response.status === 429 || response.status >= 500;
      if (!retryable || attempt > this.retries) return { response, attempts: attempt };
      const retryAfter = response.headers.get('retry-after');
      await response.body?.cancel();
      await this.sleep(
        retryDelayMs(attempt, retryAfter, this.retryBaseDelayMs, this.maxRetryDelayMs),
      );
    }
  }
}
