import { randomUUID } from 'node:crypto';
import type { FakeCloudflareState, FakeRequest, FakeRoute } from './fake-cloudflare-api.ts';

/**
 * The Workers API calls `wrangler deploy` (4.86) makes for a plain module Worker with bindings and
 * vars and no routes, answered from memory. Found by deploying against a server that logged every
 * request, and by reading wrangler's dist (src/deploy/deploy.ts, src/triggers/deploy.ts):
 *
 *   GET   /accounts/:a/workers/services/:name            does the worker exist? (10007 if not)
 *   GET   /accounts/:a/workers/scripts/:name/deployments  latest deployment (split traffic -> prompt)
 *   first deploy:   PUT  /accounts/:a/workers/scripts/:name?excludeScript=true&bindings_inherit=strict
 *   later deploys:  POST /accounts/:a/workers/scripts/:name/versions?bindings_inherit=strict
 *                   POST /accounts/:a/workers/scripts/:name/deployments   (100% to that version)
 *   PATCH /accounts/:a/workers/scripts/:name/script-settings   tags (cf:service=, cf:environment=)
 *   GET   /accounts/:a/workers/subdomain                  the account's workers.dev subdomain
 *   GET   /accounts/:a/workers/scripts/:name/subdomain    workers.dev enabled before
 *   POST  /accounts/:a/workers/scripts/:name/subdomain    enable workers.dev (no routes configured)
 *
 * (deployWorker turns wrangler's resource provisioning off; left on, it would first GET
 * scripts/:name/settings and r2/buckets/:bucket, and create a bucket that is missing.)
 *
 * Static assets (wrangler.toml's [assets], the web page), before the upload, as wrangler's
 * src/deploy/... syncAssets does it:
 *
 *   POST  /accounts/:a/workers/scripts/:name/assets-upload-session  { manifest: path -> {hash, size} }
 *         -> { jwt, buckets: [[hash, ...], ...] }: the files the account does not hold yet
 *   POST  /accounts/:a/workers/assets/upload?base64=true   Authorization: Bearer <session jwt>
 *         multipart, one part per hash holding the file's base64; the last answers { jwt }
 *
 * and the completion JWT goes into the upload's metadata as `assets.jwt`. With nothing new to
 * upload, the session's own JWT is the completion one.
 *
 * Uploads are multipart: a `metadata` part (main_module, bindings, compatibility_date, ...) and
 * one part per module. Each upload is kept as a version; the deployed one is what tests assert.
 * Mounted as extraRoutes of fake-cloudflare-api.ts, which checks the token first; given that
 * fake's state, an upload binding a bucket or index it lacks is refused as the real API does
 * (10085 / 10159, the codes of a live probe quoted in alchemy-run/alchemy#753).
 */

export interface WorkerBinding {
  type: string;
  name: string;
  [key: string]: unknown;
}

/** The `metadata` part of a script or version upload. */
export interface WorkerMetadata {
  main_module?: string;
  body_part?: string;
  bindings: WorkerBinding[];
  compatibility_date?: string;
  compatibility_flags?: string[];
  [key: string]: unknown;
}

export interface WorkerVersion {
  id: string;
  number: number;
  metadata: WorkerMetadata;
  modules: { name: string; type: string; size: number }[];
  /** How it came: a script PUT (first deploy) or a version POST. */
  via: 'script' | 'version';
  /** Its static assets: path ("/index.html") -> the hash of the uploaded file. */
  assets?: Record<string, string>;
}

/** An asset manifest as wrangler sends it: path -> the file's hash and size. */
export type AssetManifest = Record<string, { hash: string; size: number }>;

export interface FakeAssetsState {
  /** The account's uploaded files by hash (decoded from the base64 wrangler sends). */
  files: Map<string, Uint8Array>;
  /** Open upload sessions by JWT: the manifest and the hashes still to come. */
  sessions: Map<string, { manifest: AssetManifest; pending: Set<string> }>;
  /** Completion JWTs, good for one script upload each: the manifest they stand for. */
  completed: Map<string, AssetManifest>;
}

export interface WorkerDeployment {
  id: string;
  created_on: string;
  strategy: 'percentage';
  versions: { version_id: string; percentage: number }[];
  annotations?: Record<string, unknown>;
}

export interface FakeWorker {
  name: string;
  tag: string;
  createdOn: string;
  versions: WorkerVersion[];
  /** Newest last. */
  deployments: WorkerDeployment[];
  settings: { tags: string[]; [key: string]: unknown };
  subdomain: { enabled: boolean; previews_enabled: boolean };
}

export interface FakeWorkersState {
  accountId: string;
  /** The account's workers.dev subdomain. */
  subdomain: string;
  workers: Record<string, FakeWorker>;
  /** `METHOD path` of every Workers API call, in order. */
  calls: string[];
  /** When set, the next upload (script PUT or version POST) is refused with this error. */
  failNextUpload?: { status: number; code: number; message: string };
  /** The R2 buckets and Vectorize indexes that exist; unset: any binding is accepted. */
  resources?: Pick<FakeCloudflareState, 'buckets' | 'indexes'>;
  assets: FakeAssetsState;
}

export function createWorkersState(
  init: Pick<FakeWorkersState, 'accountId'> &
    Partial<Pick<FakeWorkersState, 'subdomain' | 'resources'>>,
): FakeWorkersState {
  return {
    accountId: init.accountId,
    subdomain: init.subdomain ?? 'fake-account',
    workers: {},
    calls: [],
    assets: { files: new Map(), sessions: new Map(), completed: new Map() },
    ...(init.resources ? { resources: init.resources } : {}),
  };
}

/** Why the API would refuse this binding, if it would: its bucket or index does not exist. */
function missingResource(
  resources: FakeWorkersState['resources'],
  b: WorkerBinding,
): [number, string] | undefined {
  if (!resources) return undefined;
  if (b.type === 'r2_bucket' && !resources.buckets.has(String(b.bucket_name))) {
    return [10085, `R2 bucket '${String(b.bucket_name)}' not found (binding ${b.name})`];
  }
  if (b.type === 'vectorize' && !resources.indexes.has(String(b.index_name))) {
    return [10159, `Vectorize index '${String(b.index_name)}' not found (binding ${b.name})`];
  }
  return undefined;
}

/** The version the worker's latest deployment sends all traffic to. */
export function deployedVersion(state: FakeWorkersState, name: string): WorkerVersion | undefined {
  const worker = state.workers[name];
  const deployment = worker?.deployments.at(-1);
  const full = deployment?.versions.find((v) => v.percentage === 100);
  return worker?.versions.find((v) => v.id === full?.version_id);
}

/** The bytes a version serves at an asset path ("/index.html"), or undefined. */
export function assetOf(
  state: FakeWorkersState,
  version: WorkerVersion,
  path: string,
): Uint8Array | undefined {
  const hash = version.assets?.[path];
  return hash === undefined ? undefined : state.assets.files.get(hash);
}

/** A version's bindings by kind, as tests read them. */
export function bindingsOf(version: WorkerVersion): {
  vars: Record<string, string>;
  vectorize: Record<string, string>;
  r2: Record<string, string>;
  ratelimits: Record<string, unknown>;
} {
  const out = {
    vars: {} as Record<string, string>,
    vectorize: {} as Record<string, string>,
    r2: {} as Record<string, string>,
    ratelimits: {} as Record<string, unknown>,
  };
  for (const b of version.metadata.bindings) {
    if (b.type === 'plain_text') out.vars[b.name] = String(b.text);
    else if (b.type === 'vectorize') out.vectorize[b.name] = String(b.index_name);
    else if (b.type === 'r2_bucket') out.r2[b.name] = String(b.bucket_name);
    else if (b.type === 'ratelimit')
      out.ratelimits[b.name] = { namespace: b.namespace_id, simple: b.simple };
  }
  return out;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

function ok(result: unknown): Response {
  return json(200, { success: true, errors: [], messages: [], result });
}

function fail(status: number, code: number, message: string): Response {
  return json(status, { success: false, errors: [{ code, message }], messages: [], result: null });
}

const notFound = (name: string) =>
  fail(404, 10007, `This Worker does not exist on your account. (${name})`);

/** A version id in wrangler's shape: a UUID (it prints them with hyphens). */
const newId = (): string => randomUUID();

async function readUpload(
  req: FakeRequest,
): Promise<{ metadata: WorkerMetadata; modules: WorkerVersion['modules'] } | { error: Response }> {
  const type = req.headers.get('content-type') ?? '';
  if (!type.startsWith('multipart/form-data')) {
    return { error: fail(400, 10001, `expected multipart/form-data, got ${type}`) };
  }
  const form = await new Response(req.body.slice(), {
    headers: { 'content-type': type },
  }).formData();
  const raw = form.get('metadata');
  if (typeof raw !== 'string') return { error: fail(400, 10021, 'missing metadata part') };
  const metadata = JSON.parse(raw) as WorkerMetadata;
  const modules: WorkerVersion['modules'] = [];
  for (const [name, value] of form.entries()) {
    if (name !== 'metadata' && typeof value !== 'string') {
      modules.push({ name, type: value.type, size: value.size });
    }
  }
  const main = metadata.main_module ?? metadata.body_part;
  if (!main || !modules.some((m) => m.name === main)) {
    return { error: fail(400, 10021, `No such module "${main}".`) };
  }
  const seen = new Set<string>();
  for (const b of metadata.bindings ?? []) {
    if (seen.has(b.name)) return { error: fail(400, 10021, `Duplicate binding name ${b.name}`) };
    seen.add(b.name);
  }
  return { metadata, modules };
}

export function workersApiRoutes(state: FakeWorkersState): FakeRoute[] {
  const now = () => new Date().toISOString();

  const addVersion = async (
    req: FakeRequest,
    name: string,
    via: WorkerVersion['via'],
  ): Promise<WorkerVersion | Response> => {
    if (state.failNextUpload) {
      const { status, code, message } = state.failNextUpload;
      delete state.failNextUpload;
      return fail(status, code, message);
    }
    const upload = await readUpload(req);
    if ('error' in upload) return upload.error;
    for (const b of upload.metadata.bindings) {
      const missing = missingResource(state.resources, b);
      if (missing) return fail(400, ...missing);
    }
    const assets = completedAssets(state.assets, upload.metadata);
    if (assets instanceof Response) return assets;
    let worker = state.workers[name];
    if (!worker) {
      worker = {
        name,
        tag: newId().replaceAll('-', ''),
        createdOn: now(),
        versions: [],
        deployments: [],
        settings: { tags: [] },
        subdomain: { enabled: false, previews_enabled: false },
      };
      state.workers[name] = worker;
    }
    const version: WorkerVersion = {
      id: newId(),
      number: worker.versions.length + 1,
      metadata: upload.metadata,
      modules: upload.modules,
      via,
      ...(assets ? { assets } : {}),
    };
    worker.versions.push(version);
    return version;
  };

  const deploy = (worker: FakeWorker, versionId: string, annotations?: Record<string, unknown>) => {
    const deployment: WorkerDeployment = {
      id: newId(),
      created_on: now(),
      strategy: 'percentage',
      versions: [{ version_id: versionId, percentage: 100 }],
      ...(annotations ? { annotations } : {}),
    };
    worker.deployments.push(deployment);
    return deployment;
  };

  const scriptResult = (worker: FakeWorker) => ({
    id: worker.name,
    tag: worker.tag,
    tags: worker.settings.tags,
    etag: worker.versions.at(-1)?.id.replaceAll('-', ''),
    handlers: ['fetch'],
    created_on: worker.createdOn,
    modified_on: now(),
    usage_model: 'standard',
    last_deployed_from: 'wrangler',
    has_modules: true,
  });

  const route: FakeRoute = async (req) => {
    // The path is below /client/v4; the token was checked by the fake API already.
    const m = /^\/accounts\/([^/]+)\/workers(\/.*)$/.exec(req.path);
    if (!m) return undefined;
    const [, account, rest = ''] = m;
    state.calls.push(`${req.method} ${req.path}`);
    // A token is scoped to its account: another account's workers are refused like bad auth.
    if (account !== state.accountId) return fail(403, 10000, 'Authentication error');

    if (rest === '/subdomain' && req.method === 'GET') return ok({ subdomain: state.subdomain });

    const service = /^\/services\/([^/]+)$/.exec(rest);
    if (service && req.method === 'GET') {
      const worker = state.workers[service[1] ?? ''];
      if (!worker) return notFound(service[1] ?? '');
      return ok({
        id: worker.name,
        default_environment: {
          environment: 'production',
          created_on: worker.createdOn,
          modified_on: now(),
          script: scriptResult(worker),
        },
        created_on: worker.createdOn,
        modified_on: now(),
      });
    }

    const script = /^\/scripts\/([^/]+)(\/[^/]+)?$/.exec(rest);
    if (!script) return undefined;
    const name = script[1] ?? '';
    const sub = script[2] ?? '';
    const worker = state.workers[name];

    if (sub === '' && req.method === 'PUT') {
      // The first deploy: upload and deploy in one call.
      const version = await addVersion(req, name, 'script');
      if (version instanceof Response) return version;
      const created = state.workers[name] as FakeWorker;
      deploy(created, version.id);
      return ok({ ...scriptResult(created), deployment_id: version.id, startup_time_ms: 7 });
    }
    if (sub === '/versions' && req.method === 'POST') {
      if (!worker) return notFound(name);
      const version = await addVersion(req, name, 'version');
      if (version instanceof Response) return version;
      return ok({
        id: version.id,
        number: version.number,
        metadata: { source: 'wrangler', created_on: now() },
        resources: {
          script: { etag: version.id.replaceAll('-', ''), handlers: ['fetch'] },
          bindings: version.metadata.bindings,
        },
        startup_time_ms: 7,
      });
    }
    if (sub === '/assets-upload-session' && req.method === 'POST') {
      return openAssetSession(state.assets, req);
    }
    if (sub === '/deployments' && req.method === 'GET') {
      if (!worker) return notFound(name);
      return ok({ deployments: [...worker.deployments].reverse() });
    }
    if (sub === '/deployments' && req.method === 'POST') {
      if (!worker) return notFound(name);
      const body = JSON.parse(new TextDecoder().decode(req.body)) as {
        versions: { version_id: string; percentage: number }[];
        annotations?: Record<string, unknown>;
      };
      const [only] = body.versions;
      if (body.versions.length !== 1 || !only || only.percentage !== 100) {
        return fail(400, 10021, 'this fake deploys one version at 100%');
      }
      if (!worker.versions.some((v) => v.id === only.version_id)) {
        return fail(404, 10219, `version ${only.version_id} not found`);
      }
      return ok(deploy(worker, only.version_id, body.annotations));
    }
    if (sub === '/script-settings' && req.method === 'PATCH') {
      if (!worker) return notFound(name);
      Object.assign(
        worker.settings,
        JSON.parse(new TextDecoder().decode(req.body)) as Record<string, unknown>,
      );
      return ok(worker.settings);
    }
    if (sub === '/subdomain' && req.method === 'GET') {
      if (!worker) return notFound(name);
      return ok(worker.subdomain);
    }
    if (sub === '/subdomain' && req.method === 'POST') {
      if (!worker) return notFound(name);
      const body = JSON.parse(new TextDecoder().decode(req.body)) as {
        enabled: boolean;
        previews_enabled?: boolean;
      };
      worker.subdomain = {
        enabled: body.enabled,
        previews_enabled: body.previews_enabled ?? body.enabled,
      };
      return ok(worker.subdomain);
    }
    return undefined;
  };
  return [route];
}

/** Files per upload bucket (wrangler sends each bucket as one multipart request). */
const ASSET_BUCKET_FILES = 20;

function openAssetSession(assets: FakeAssetsState, req: FakeRequest): Response {
  const body = JSON.parse(new TextDecoder().decode(req.body)) as { manifest?: AssetManifest };
  const manifest = body.manifest;
  if (!manifest || typeof manifest !== 'object') {
    return fail(400, 10021, 'the upload session needs a manifest');
  }
  const missing = [...new Set(Object.values(manifest).map((f) => f.hash))].filter(
    (hash) => !assets.files.has(hash),
  );
  const jwt = `session-${newId()}`;
  if (missing.length === 0) {
    assets.completed.set(jwt, manifest);
    return ok({ jwt, buckets: [] });
  }
  assets.sessions.set(jwt, { manifest, pending: new Set(missing) });
  const buckets: string[][] = [];
  for (let i = 0; i < missing.length; i += ASSET_BUCKET_FILES) {
    buckets.push(missing.slice(i, i + ASSET_BUCKET_FILES));
  }
  return ok({ jwt, buckets });
}

/**
 * `POST /accounts/:a/workers/assets/upload?base64=true`, authorised by the upload session's JWT
 * (not the API token): mount it as one of the fake API's ownAuthRoutes.
 */
export function assetUploadRoutes(state: FakeWorkersState): FakeRoute[] {
  const route: FakeRoute = async (req) => {
    if (!/^\/accounts\/[^/]+\/workers\/assets\/upload$/.test(req.path)) return undefined;
    state.calls.push(`${req.method} ${req.path}`);
    if (req.method !== 'POST') return fail(405, 10000, 'method not allowed');
    const jwt = (req.headers.get('authorization') ?? '').replace(/^Bearer /, '');
    const session = state.assets.sessions.get(jwt);
    if (!session) return fail(401, 10000, 'Authentication error: unknown upload session');
    if (req.query.get('base64') !== 'true') return fail(400, 10021, 'expected base64=true');
    const type = req.headers.get('content-type') ?? '';
    const form = await new Response(req.body.slice(), {
      headers: { 'content-type': type },
    }).formData();
    for (const [hash, value] of form.entries()) {
      if (!session.pending.has(hash)) return fail(400, 10021, `${hash} was not asked for`);
      const text = typeof value === 'string' ? value : await value.text();
      state.assets.files.set(hash, new Uint8Array(Buffer.from(text, 'base64')));
      session.pending.delete(hash);
    }
    if (session.pending.size > 0)
      return json(202, { success: true, errors: [], messages: [], result: {} });
    state.assets.sessions.delete(jwt);
    const completion = `completion-${newId()}`;
    state.assets.completed.set(completion, session.manifest);
    return json(201, { success: true, errors: [], messages: [], result: { jwt: completion } });
  };
  return [route];
}

/** The assets an upload's metadata names by its completion JWT (none: no assets). */
function completedAssets(
  assets: FakeAssetsState,
  metadata: WorkerMetadata,
): Record<string, string> | undefined | Response {
  const named = metadata.assets as { jwt?: unknown } | undefined;
  if (named === undefined) return undefined;
  const manifest = typeof named.jwt === 'string' ? assets.completed.get(named.jwt) : undefined;
  if (!manifest) return fail(400, 10021, 'assets: the JWT is not a completed upload session');
  assets.completed.delete(named.jwt as string);
  return Object.fromEntries(Object.entries(manifest).map(([path, f]) => [path, f.hash]));
}
