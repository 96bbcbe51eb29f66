// A local stand-in for the parts of Cloudflare's REST API the deploy uses (R2 buckets and objects,
// Vectorize V2 indexes), served over real HTTP at the documented paths, because neither R2's REST
// API nor Vectorize can be simulated locally from Node (Miniflare answers "Binding X needs to be run
// remotely" for Vectorize). It keeps the envelope, the auth check, the error codes, the documented
// limits and, above all, Vectorize's asynchronous writes: an upsert answers with a mutation id at
// once, and its vectors become visible (info, get_by_ids) only after settle() or a configured delay.
// Metadata indexes (metadata_index/create and /list) are mutations too, processed in order with
// the upserts; a vector is in a metadata index only if it was processed after that index was
// ("Vectors upserted before a metadata index was created won't have their metadata contained in
// that index", reference/metadata-filtering/). `indexedBy` shows which vectors a filter can find.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CLOUDFLARE_ERROR_CODES,
  R2_BUCKET_NAME_PATTERN,
  utf8ByteLength,
  VECTORIZE_HTTP_UPSERT_MAX_VECTORS,
  VECTORIZE_MAX_DIMENSIONS,
  VECTORIZE_MAX_METADATA_BYTES,
  VECTORIZE_MAX_METADATA_INDEXES,
  VECTORIZE_MAX_UPLOAD_BYTES,
  VECTORIZE_METADATA_INDEX_TYPES,
  VECTORIZE_METRICS,
  type VectorizeMetadataIndexType,
  type VectorizeMetric,
  vectorIdProblem,
  vectorizeIndexNameProblem,
} from '../../cli/deploy/cloudflare-limits.ts';

/** A request as routes see it; `path` is the raw (still percent-encoded) path below /client/v4. */
export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: Uint8Array;
}

/** Answers the request, or returns undefined to let the next route try. */
export type FakeRoute = (req: FakeRequest) => Promise<Response | undefined> | Response | undefined;

export interface FakeR2Object {
  body: Uint8Array;
  contentType: string;
  /** MD5 hex of the body, as R2 gives for single-part uploads. */
  etag: string;
  uploaded: string;
}

export interface FakeVector {
  id: string;
  values: number[];
  metadata?: unknown;
  namespace?: string;
}

export interface FakeMutation {
  id: string;
  /** An upsert's vectors (none for a metadata index's creation). */
  vectors: FakeVector[];
  /** The metadata index this mutation creates, if it is one. */
  metadataIndex?: string;
  enqueuedAt: string;
}

export interface FakeMetadataIndex {
  propertyName: string;
  indexType: VectorizeMetadataIndexType;
  /** Whether its creation has been processed: only vectors processed after that are in it. */
  active: boolean;
}

export interface FakeIndex {
  name: string;
  description?: string;
  config: { dimensions: number; metric: VectorizeMetric };
  createdOn: string;
  /** The processed, visible vectors by id. */
  vectors: Map<string, FakeVector>;
  /** Accepted mutations not processed yet, oldest first. */
  pending: FakeMutation[];
  processedUpToMutation: string | null;
  processedUpToDatetime: string | null;
  /** Metadata indexes, listed as soon as their creation is accepted. */
  metadataIndexes: FakeMetadataIndex[];
  /** Property -> ids of the vectors its metadata index holds (those a filter on it can find). */
  indexedBy: Map<string, Set<string>>;
}

export interface FakeRequestLog {
  method: string;
  path: string;
  query: string;
  status: number;
  contentType: string | null;
  bodyBytes: number;
}

export interface FakeCloudflareState {
  buckets: Map<string, { name: string; creationDate: string; objects: Map<string, FakeR2Object> }>;
  indexes: Map<string, FakeIndex>;
  requests: FakeRequestLog[];
}

export interface FakeCloudflareApiOptions {
  accountId?: string;
  token?: string;
  /** Process each mutation this long after it is accepted; undefined: only settle() does. */
  processingDelayMs?: number;
  /** Tried before the built-in routes (after the auth check and injected failures). */
  extraRoutes?: FakeRoute[];
  /**
   * Routes that check their own credentials, tried before the API token's check: the static
   * assets upload, which wrangler authorises with the upload session's JWT instead.
   */
  ownAuthRoutes?: FakeRoute[];
}

export interface FailMatcher {
  method?: string;
  pathIncludes: string;
  /** Default 500. */
  status?: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** A Retry-After header to send with the failure. */
  retryAfter?: string;
}

export interface FakeCloudflareApi {
  /** The base URL to give the client, e.g. http://127.0.0.1:PORT/client/v4. */
  url: string;
  accountId: string;
  token: string;
  state: FakeCloudflareState;
  close(): Promise<void>;
  failNext(matcher: FailMatcher): void;
  /** Processes every pending mutation now, as Vectorize eventually does. */
  settle(): Promise<void>;
}

const API_PREFIX = '/client/v4';

/** The API envelope; a failure's `result` is null. */
export function envelope(status: number, result: unknown, errors: [number, string][] = []) {
  return Response.json(
    {
      success: errors.length === 0,
      errors: errors.map(([code, message]) => ({ code, message })),
      messages: [],
      result: errors.length === 0 ? result : null,
    },
    { status },
  );
}

const fail = (status: number, code: number, message: string) =>
  envelope(status, null, [[code, message]]);

export async function startFakeCloudflareApi(
  options: FakeCloudflareApiOptions = {},
): Promise<FakeCloudflareApi> {
  const accountId = options.accountId ?? '0123456789abcdef0123456789abcdef';
  const token = options.token ?? 'fake-api-token';
  const state: FakeCloudflareState = { buckets: new Map(), indexes: new Map(), requests: [] };
  const failures: (FailMatcher & { left: number })[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const processUpTo = (index: FakeIndex, mutationId: string) => {
    while (index.pending.length > 0) {
      const mutation = index.pending.shift()!;
      const created = index.metadataIndexes.find((m) => m.propertyName === mutation.metadataIndex);
      if (created) {
        created.active = true;
        index.indexedBy.set(created.propertyName, new Set());
      }
      // Upserts replace in full: "the upserted vector replaces the existing vector in full".
      for (const vector of mutation.vectors) {
        index.vectors.set(vector.id, vector);
        indexMetadata(index, vector);
      }
      index.processedUpToMutation = mutation.id;
      index.processedUpToDatetime = new Date().toISOString();
      if (mutation.id === mutationId) break;
    }
  };

  const routes: FakeRoute[] = [
    ...(options.extraRoutes ?? []),
    ...r2Routes(accountId, state),
    ...vectorizeRoutes(accountId, state, (index, mutation) => {
      if (options.processingDelayMs === undefined) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        processUpTo(index, mutation.id);
      }, options.processingDelayMs);
      timers.add(timer);
    }),
  ];

  const answer = async (req: FakeRequest): Promise<Response> => {
    const failure = failures.find(
      (f) =>
        f.left > 0 &&
        req.path.includes(f.pathIncludes) &&
        (f.method === undefined || f.method.toUpperCase() === req.method),
    );
    if (failure) {
      failure.left--;
      const status = failure.status ?? 500;
      const response =
        status === 429
          ? fail(429, CLOUDFLARE_ERROR_CODES.rateLimited, 'Rate limited. Please wait and retry.')
          : fail(status, 10001, 'Internal error (injected by the fake).');
      if (failure.retryAfter !== undefined) response.headers.set('retry-after', failure.retryAfter);
      return response;
    }
    for (const route of options.ownAuthRoutes ?? []) {
      const response = await route(req);
      if (response) return response;
    }
    if (req.headers.get('authorization') !== `Bearer ${token}`) {
      return fail(403, CLOUDFLARE_ERROR_CODES.authentication, 'Authentication error');
    }
    for (const route of routes) {
      const response = await route(req);
      if (response) return response;
    }
    return fail(
      400,
      7003,
      `Could not route to ${req.path}, perhaps your object identifier is invalid?`,
    );
  };

  const server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing, answer, state).catch((error: unknown) => {
      outgoing.statusCode = 500;
      outgoing.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${API_PREFIX}`,
    accountId,
    token,
    state,
    failNext(matcher) {
      failures.push({ ...matcher, left: matcher.times ?? 1 });
    },
    async settle() {
      for (const index of state.indexes.values()) {
        const last = index.pending.at(-1);
        if (last) processUpTo(index, last.id);
      }
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

async function handle(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  answer: (req: FakeRequest) => Promise<Response>,
  state: FakeCloudflareState,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const body = new Uint8Array(Buffer.concat(chunks));
  const url = new URL(incoming.url ?? '/', 'http://fake');
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
  }
  const method = (incoming.method ?? 'GET').toUpperCase();
  const path = url.pathname.startsWith(API_PREFIX)
    ? url.pathname.slice(API_PREFIX.length)
    : url.pathname;
  const response = url.pathname.startsWith(API_PREFIX)
    ? await answer({ method, path, query: url.searchParams, headers, body })
    : fail(404, 7000, 'No route for that URI');
  state.requests.push({
    method,
    path,
    query: url.search,
    status: response.status,
    contentType: headers.get('content-type'),
    bodyBytes: body.byteLength,
  });
  outgoing.statusCode = response.status;
  response.headers.forEach((value, name) => {
    outgoing.setHeader(name, value);
  });
  outgoing.end(method === 'HEAD' ? undefined : Buffer.from(await response.arrayBuffer()));
}

/** Matches `pattern` (segments, `:name` captures one decoded segment, a trailing `*name` the
 * rest, decoded segment by segment so that literal slashes of R2 keys survive). */
function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i]!;
    if (part.startsWith('*')) {
      const rest = got.slice(i);
      if (rest.length === 0 || rest.join('') === '') return null;
      params[part.slice(1)] = rest.map(decodeURIComponent).join('/');
      return params;
    }
    const segment = got[i];
    if (segment === undefined) return null;
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(segment);
    else if (part !== segment) return null;
  }
  return want.length === got.length ? params : null;
}

function route(
  method: string,
  pattern: string,
  accountId: string,
  handler: (req: FakeRequest, params: Record<string, string>) => Response | Promise<Response>,
): FakeRoute {
  return (req) => {
    if (req.method !== method) return undefined;
    const params = match(pattern, req.path);
    if (!params) return undefined;
    // A token is scoped to its account; another account's resources are refused like bad auth.
    if (params.account !== accountId) {
      return fail(403, CLOUDFLARE_ERROR_CODES.authentication, 'Authentication error');
    }
    return handler(req, params);
  };
}

function readJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    return undefined;
  }
}

// --- R2 ---------------------------------------------------------------------------------------

function r2Routes(accountId: string, state: FakeCloudflareState): FakeRoute[] {
  const noBucket = () =>
    fail(404, CLOUDFLARE_ERROR_CODES.r2NoSuchBucket, 'The specified bucket does not exist.');
  const base = '/accounts/:account/r2/buckets';
  return [
    route('GET', `${base}/:bucket`, accountId, (_req, { bucket }) => {
      const found = state.buckets.get(bucket!);
      if (!found) return noBucket();
      return envelope(200, {
        name: found.name,
        creation_date: found.creationDate,
        location: 'ENAM',
        storage_class: 'Standard',
      });
    }),
    route('POST', base, accountId, (req) => {
      const body = readJson(req.body) as { name?: unknown } | undefined;
      const name = body?.name;
      if (typeof name !== 'string' || !R2_BUCKET_NAME_PATTERN.test(name)) {
        return fail(400, 10005, 'The specified bucket name is not valid.');
      }
      // "A 400 is returned if the account already owns a bucket with this name."
      if (state.buckets.has(name)) {
        return fail(400, 10004, 'The bucket you tried to create already exists, and you own it.');
      }
      const creationDate = new Date().toISOString();
      state.buckets.set(name, { name, creationDate, objects: new Map() });
      return envelope(200, { name, creation_date: creationDate, location: 'ENAM' });
    }),
    route('PUT', `${base}/:bucket/objects/*key`, accountId, (req, { bucket, key }) => {
      const found = state.buckets.get(bucket!);
      if (!found) return noBucket();
      const object: FakeR2Object = {
        body: req.body,
        contentType: req.headers.get('content-type') ?? 'application/octet-stream',
        etag: createHash('md5').update(req.body).digest('hex'),
        uploaded: new Date().toISOString(),
      };
      found.objects.set(key!, object);
      return envelope(200, {
        key,
        size: String(req.body.byteLength),
        etag: object.etag,
        uploaded: object.uploaded,
        storage_class: 'Standard',
      });
    }),
    route('GET', `${base}/:bucket/objects/*key`, accountId, (_req, { bucket, key }) => {
      const found = state.buckets.get(bucket!);
      if (!found) return noBucket();
      const object = found.objects.get(key!);
      if (!object) {
        return fail(404, CLOUDFLARE_ERROR_CODES.r2NoSuchKey, 'The specified key does not exist.');
      }
      return new Response(new Uint8Array(object.body), {
        status: 200,
        headers: {
          'content-type': object.contentType,
          'content-length': String(object.body.byteLength),
          etag: `"${object.etag}"`,
          'last-modified': new Date(object.uploaded).toUTCString(),
        },
      });
    }),
  ];
}

// --- Vectorize V2 --------------------------------------------------------------------------------

/** Puts a processed vector into the active metadata indexes whose type its value has (strings
 * as their first 64 bytes, which the fake does not need to model: nothing here queries). */
function indexMetadata(index: FakeIndex, vector: FakeVector): void {
  const metadata = (vector.metadata ?? {}) as Record<string, unknown>;
  for (const { propertyName, indexType, active } of index.metadataIndexes) {
    const ids = index.indexedBy.get(propertyName);
    if (!active || !ids) continue;
    if (typeof metadata[propertyName] === indexType) ids.add(vector.id);
    else ids.delete(vector.id);
  }
}

function vectorizeRoutes(
  accountId: string,
  state: FakeCloudflareState,
  enqueued: (index: FakeIndex, mutation: FakeMutation) => void,
): FakeRoute[] {
  const base = '/accounts/:account/vectorize/v2/indexes';
  const notFound = (name: string) =>
    fail(
      404,
      CLOUDFLARE_ERROR_CODES.vectorizeIndexNotFound,
      `vectorize.index.not_found - Index "${name}" not found`,
    );
  const describe = (index: FakeIndex) => ({
    name: index.name,
    ...(index.description === undefined ? {} : { description: index.description }),
    config: index.config,
    created_on: index.createdOn,
    modified_on: index.createdOn,
  });
  return [
    route('POST', base, accountId, (req) => {
      const body = readJson(req.body) as
        | {
            name?: unknown;
            description?: unknown;
            config?: { dimensions?: unknown; metric?: unknown };
          }
        | undefined;
      const name = body?.name;
      if (typeof name !== 'string')
        return fail(400, 40001, 'vectorize.invalid_body - name is required');
      const nameProblem = vectorizeIndexNameProblem(name);
      if (nameProblem) return fail(400, 40001, `vectorize.invalid_index_name - ${nameProblem}`);
      const dimensions = body?.config?.dimensions;
      const metric = body?.config?.metric;
      if (
        typeof dimensions !== 'number' ||
        !Number.isInteger(dimensions) ||
        dimensions < 1 ||
        dimensions > VECTORIZE_MAX_DIMENSIONS
      ) {
        return fail(
          400,
          40001,
          `vectorize.invalid_config - dimensions must be 1..${VECTORIZE_MAX_DIMENSIONS}`,
        );
      }
      if (!VECTORIZE_METRICS.includes(metric as VectorizeMetric)) {
        return fail(
          400,
          40001,
          `vectorize.invalid_config - metric must be one of ${VECTORIZE_METRICS.join(', ')}`,
        );
      }
      // Observed live: a duplicate is HTTP 400 with code 3002, not 409.
      if (state.indexes.has(name)) {
        return fail(
          400,
          CLOUDFLARE_ERROR_CODES.vectorizeDuplicateName,
          `vectorize.index.duplicate_name - Index name "${name}" already exists`,
        );
      }
      const index: FakeIndex = {
        name,
        ...(typeof body?.description === 'string' ? { description: body.description } : {}),
        config: { dimensions, metric: metric as VectorizeMetric },
        createdOn: new Date().toISOString(),
        vectors: new Map(),
        pending: [],
        processedUpToMutation: null,
        processedUpToDatetime: null,
        metadataIndexes: [],
        indexedBy: new Map(),
      };
      state.indexes.set(name, index);
      return envelope(200, describe(index));
    }),
    route('GET', base, accountId, () => envelope(200, [...state.indexes.values()].map(describe))),
    route('GET', `${base}/:name`, accountId, (_req, { name }) => {
      const index = state.indexes.get(name!);
      return index ? envelope(200, describe(index)) : notFound(name!);
    }),
    route('DELETE', `${base}/:name`, accountId, (_req, { name }) => {
      if (!state.indexes.delete(name!)) return notFound(name!);
      return envelope(200, null);
    }),
    route('GET', `${base}/:name/info`, accountId, (_req, { name }) => {
      const index = state.indexes.get(name!);
      if (!index) return notFound(name!);
      return envelope(200, {
        dimensions: index.config.dimensions,
        vectorCount: index.vectors.size,
        processedUpToDatetime: index.processedUpToDatetime,
        processedUpToMutation: index.processedUpToMutation,
      });
    }),
    route('POST', `${base}/:name/get_by_ids`, accountId, (req, { name }) => {
      const index = state.indexes.get(name!);
      if (!index) return notFound(name!);
      const ids = (readJson(req.body) as { ids?: unknown } | undefined)?.ids;
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
        return fail(400, 40001, 'vectorize.invalid_body - ids must be an array of strings');
      }
      const found = ids.flatMap((id) => {
        const vector = index.vectors.get(id);
        return vector ? [vector] : [];
      });
      return envelope(200, found);
    }),
    route('POST', `${base}/:name/metadata_index/create`, accountId, (req, { name }) => {
      const index = state.indexes.get(name!);
      if (!index) return notFound(name!);
      const body = readJson(req.body) as
        | { propertyName?: unknown; indexType?: unknown }
        | undefined;
      const { propertyName, indexType } = body ?? {};
      if (typeof propertyName !== 'string' || propertyName.length === 0) {
        return fail(400, 40001, 'vectorize.invalid_body - propertyName is required');
      }
      if (!VECTORIZE_METADATA_INDEX_TYPES.includes(indexType as VectorizeMetadataIndexType)) {
        return fail(
          400,
          40001,
          `vectorize.invalid_body - indexType must be one of ${VECTORIZE_METADATA_INDEX_TYPES.join(', ')}`,
        );
      }
      // The exact codes of these two refusals are not documented; these are descriptive.
      if (index.metadataIndexes.some((m) => m.propertyName === propertyName)) {
        return fail(400, 40001, `vectorize.metadata_index.duplicate - ${propertyName} is indexed`);
      }
      if (index.metadataIndexes.length >= VECTORIZE_MAX_METADATA_INDEXES) {
        return fail(
          400,
          40001,
          `vectorize.metadata_index.limit - at most ${VECTORIZE_MAX_METADATA_INDEXES} per index`,
        );
      }
      index.metadataIndexes.push({
        propertyName,
        indexType: indexType as VectorizeMetadataIndexType,
        active: false,
      });
      const mutation: FakeMutation = {
        id: randomUUID(),
        vectors: [],
        metadataIndex: propertyName,
        enqueuedAt: new Date().toISOString(),
      };
      index.pending.push(mutation);
      enqueued(index, mutation);
      return envelope(200, { mutationId: mutation.id });
    }),
    route('GET', `${base}/:name/metadata_index/list`, accountId, (_req, { name }) => {
      const index = state.indexes.get(name!);
      if (!index) return notFound(name!);
      return envelope(200, {
        metadataIndexes: index.metadataIndexes.map(({ propertyName, indexType }) => ({
          propertyName,
          indexType,
        })),
      });
    }),
    route('POST', `${base}/:name/upsert`, accountId, async (req, { name }) => {
      const index = state.indexes.get(name!);
      if (!index) return notFound(name!);
      if (req.body.byteLength > VECTORIZE_MAX_UPLOAD_BYTES) {
        return fail(
          413,
          40001,
          `vectorize.upload_too_large - over ${VECTORIZE_MAX_UPLOAD_BYTES} bytes`,
        );
      }
      const ndjson = await ndjsonOf(req);
      if (ndjson === null) {
        return fail(
          400,
          40001,
          'vectorize.invalid_body - expected an ndjson file (form field "vectors")',
        );
      }
      const discard = req.query.get('unparsable-behavior') === 'discard';
      const parsed = parseVectors(ndjson, index.config.dimensions, discard);
      if (typeof parsed === 'string') return fail(400, 40001, parsed);
      const mutation: FakeMutation = {
        id: randomUUID(),
        vectors: parsed,
        enqueuedAt: new Date().toISOString(),
      };
      index.pending.push(mutation);
      enqueued(index, mutation);
      return envelope(200, { mutationId: mutation.id });
    }),
  ];
}

/** The NDJSON of an upsert: a multipart form's `vectors` file (wrangler), or the `body` file of
 * the reference's curl example, or a raw application/x-ndjson body (the cloudflare SDK). */
async function ndjsonOf(req: FakeRequest): Promise<string | null> {
  const type = req.headers.get('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: new Uint8Array(req.body),
    }).formData();
    const file = form.get('vectors') ?? form.get('body');
    if (file === null) return null;
    return typeof file === 'string' ? file : await file.text();
  }
  if (type.startsWith('application/x-ndjson')) return new TextDecoder().decode(req.body);
  return null;
}

/** Validates every line as the real API does before it enqueues anything; a message on refusal.
 * The exact codes and wording of Vectorize's refusals are not documented; these are descriptive. */
function parseVectors(ndjson: string, dimensions: number, discard: boolean): FakeVector[] | string {
  const lines = ndjson.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) return 'vectorize.invalid_body - no vectors in the upload';
  if (lines.length > VECTORIZE_HTTP_UPSERT_MAX_VECTORS) {
    return `vectorize.too_many_vectors - ${lines.length} vectors; at most ${VECTORIZE_HTTP_UPSERT_MAX_VECTORS} per request`;
  }
  const vectors: FakeVector[] = [];
  for (const [i, line] of lines.entries()) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (discard) continue;
      return `vectorize.unparsable_line - line ${i + 1} is not JSON`;
    }
    const record = value as {
      id?: unknown;
      values?: unknown;
      metadata?: unknown;
      namespace?: unknown;
    };
    if (typeof record.id !== 'string')
      return `vectorize.invalid_vector - line ${i + 1} has no string id`;
    const idProblem = vectorIdProblem(record.id);
    if (idProblem) return `vectorize.invalid_vector - ${idProblem}`;
    const values = record.values;
    if (
      !Array.isArray(values) ||
      !values.every((x) => typeof x === 'number' && Number.isFinite(x))
    ) {
      return `vectorize.invalid_vector - vector "${record.id}" values must be finite numbers`;
    }
    if (values.length !== dimensions) {
      return `vectorize.invalid_vector - vector "${record.id}" has ${values.length} dimensions, the index expects ${dimensions}`;
    }
    if (record.metadata !== undefined) {
      const bytes = utf8ByteLength(JSON.stringify(record.metadata));
      if (bytes > VECTORIZE_MAX_METADATA_BYTES) {
        return `vectorize.invalid_vector - metadata of "${record.id}" is ${bytes} bytes, over ${VECTORIZE_MAX_METADATA_BYTES}`;
      }
    }
    vectors.push({
      id: record.id,
      // Vectorize stores float32 ("32 bits precision"), so what comes back is the float32 value.
      values: Array.from(Float32Array.from(values as number[])),
      ...(record.metadata === undefined ? {} : { metadata: record.metadata }),
      ...(typeof record.namespace === 'string' ? { namespace: record.namespace } : {}),
    });
  }
  return vectors;
}
