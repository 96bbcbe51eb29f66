import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelManifest } from '../../core/manifest.ts';
import { SPACE_SERVES, SPACES, type Space } from '../../core/model-files.ts';
import { modelFileKey } from '../../core/r2-layout.ts';
import { servedFiles } from '../../core/version-check.ts';
import { readModelVersion } from '../../trainer/export/model-version.ts';
import type { CloudflareApi } from './cloudflare-api.ts';
import {
  BUCKETS,
  bindingName,
  type DeployEnv,
  type DeploymentState,
  emptyState,
  indexName,
  STATE_KEY,
} from './deploy-plan.ts';
import { ensureSplitIndex } from './metadata-index.ts';
import { uploadVectors, waitUntilQueryable } from './vector-upload.ts';

/**
 * `deploy`: an exported model version -> live on Cloudflare, in this order, each step safe to
 * repeat:
 *   1. the R2 bucket and the version's Vectorize indexes exist (created if missing; an existing
 *      index of another dimension or metric is refused, naming both), each with a metadata index
 *      on `split` made before any vector goes in (metadata-index.ts; made late, every vector is
 *      upserted again);
 *   2. the model files are in R2 under models/<version>/ (skipped when R2 already has them);
 *   3. the vectors are in Vectorize (batches, resumable from a journal);
 *   4. every vector is queryable (Vectorize writes are asynchronous);
 *   5. only then the worker is deployed serving the version (with the other space's current one),
 *      and the deployment's state in R2 records it; the version it replaces stays, for --rollback.
 */

export type WorkerDeployer = (request: {
  env: DeployEnv;
  vars: Record<string, string>;
  vectorize: { binding: string; indexName: string }[];
}) => Promise<void>;

export interface DeployOptions {
  api: CloudflareApi;
  env: DeployEnv;
  deployWorker: WorkerDeployer;
  log?: (line: string) => void;
  /** Vectors per upsert request (Vectorize's HTTP API takes up to 5,000). */
  batchSize?: number;
  /** How long to wait for Vectorize to make the vectors queryable. */
  waitTimeoutMs?: number;
  pollMs?: number;
}

export interface DeployResult {
  version: string;
  space: Space;
  /** False when the other space has no version yet: uploaded, not switched. */
  switched: boolean;
  state: DeploymentState;
}

function md5(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

export async function readState(api: CloudflareApi, env: DeployEnv): Promise<DeploymentState> {
  const bytes = await api.getR2Object(BUCKETS[env], STATE_KEY);
  if (!bytes) return emptyState();
  return JSON.parse(new TextDecoder().decode(bytes)) as DeploymentState;
}

async function writeState(
  api: CloudflareApi,
  env: DeployEnv,
  state: DeploymentState,
): Promise<void> {
  await api.putR2Object(
    BUCKETS[env],
    STATE_KEY,
    new TextEncoder().encode(`${JSON.stringify(state, null, 2)}\n`),
    'application/json',
  );
}

async function ensureBucket(
  api: CloudflareApi,
  env: DeployEnv,
  log: (line: string) => void,
): Promise<void> {
  const bucket = BUCKETS[env];
  if (await api.getR2Bucket(bucket)) return;
  log(`creating R2 bucket ${bucket}`);
  await api.createR2Bucket(bucket);
}

async function ensureIndex(
  api: CloudflareApi,
  manifest: ModelManifest,
  kind: 'images' | 'captions',
  log: (line: string) => void,
): Promise<string> {
  const name = indexName(manifest, kind);
  const existing = await api.getVectorizeIndex(name);
  const dimension = manifest.model.dimension;
  if (existing) {
    const { dimensions, metric } = existing.config;
    if (dimensions !== dimension || metric !== 'cosine') {
      throw new Error(
        `Vectorize index ${name} exists with ${dimensions} dimensions and metric ${metric}; version ${manifest.version} needs ${dimension} dimensions and cosine. Delete it (wrangler vectorize delete ${name}) or export under another version.`,
      );
    }
    return name;
  }
  log(
    `creating Vectorize index ${name} (${dimension} dimensions, cosine) for ${manifest.version} ${kind}`,
  );
  await api.createVectorizeIndex({
    name,
    dimensions: dimension,
    metric: 'cosine',
    description: `jointspace ${manifest.version} ${kind}`,
  });
  return name;
}

async function uploadModelFiles(
  api: CloudflareApi,
  env: DeployEnv,
  dir: string,
  manifest: ModelManifest,
  log: (line: string) => void,
): Promise<void> {
  const bucket = BUCKETS[env];
  // The manifest last: a worker that finds it finds every file it names.
  const [manifestFile, ...rest] = servedFiles(manifest, null);
  for (const file of [...rest, manifestFile as string]) {
    const key = modelFileKey(manifest.version, file);
    const bytes = new Uint8Array(await readFile(join(dir, file)));
    const there = await api.headR2Object(bucket, key);
    // R2's etag of a single-part upload is the MD5 of its bytes: same size and etag, same file.
    if (
      there &&
      there.size === bytes.length &&
      (there.etag === undefined || there.etag.replace(/"/g, '') === md5(bytes))
    )
      continue;
    log(`uploading ${key} (${bytes.length} bytes)`);
    await api.putR2Object(
      bucket,
      key,
      bytes,
      file.endsWith('.json') ? 'application/json' : 'application/octet-stream',
    );
  }
}

/** Deploys the worker serving `state`'s current versions, if both spaces have one. */
async function switchWorker(options: DeployOptions, state: DeploymentState): Promise<boolean> {
  const { retrieval, regularities } = state;
  if (!retrieval.current || !regularities.current) return false;
  const vectorize: { binding: string; indexName: string }[] = [];
  for (const space of SPACES) {
    const version = state[space].current as string;
    for (const kind of SPACE_SERVES[space].kinds)
      vectorize.push({
        binding: bindingName(space, kind),
        indexName: indexName({ version, space }, kind),
      });
  }
  await options.deployWorker({
    env: options.env,
    vars: {
      RETRIEVAL_MODEL: retrieval.current,
      REGULARITIES_MODEL: regularities.current,
      VECTOR_INDEX: 'vectorize',
    },
    vectorize,
  });
  return true;
}

export async function deployVersion(dir: string, options: DeployOptions): Promise<DeployResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { api, env } = options;
  const manifest = await readModelVersion(dir);
  const space = manifest.space;
  log(
    `deploying ${manifest.version} (${space}, ${manifest.model.encoder} ${manifest.model.dimension}-d) to ${env}`,
  );

  const journalDir = join(dir, '.deploy');
  const journalOf = (kind: string) => join(journalDir, `${env}-${kind}.json`);
  const waitTimeoutMs = options.waitTimeoutMs ?? 10 * 60_000;
  const pollMs = options.pollMs ?? 2000;

  await ensureBucket(api, env, log);
  const indexes: Record<string, string> = {};
  for (const kind of SPACE_SERVES[space].kinds) {
    const index = await ensureIndex(api, manifest, kind, log);
    await ensureSplitIndex(api, {
      index,
      journalPath: journalOf(kind),
      timeoutMs: waitTimeoutMs,
      pollMs,
      log,
    });
    indexes[kind] = index;
  }
  await uploadModelFiles(api, env, dir, manifest, log);

  await mkdir(journalDir, { recursive: true });
  for (const kind of SPACE_SERVES[space].kinds) {
    const index = indexes[kind] as string;
    const total = manifest.vectors[kind].count;
    log(`uploading ${total} ${kind === 'images' ? 'image' : 'caption'} vectors to ${index}`);
    const uploaded = await uploadVectors(api, {
      ndjsonPath: join(dir, manifest.vectors[kind].file),
      index,
      version: manifest.version,
      total,
      batchSize: options.batchSize ?? 1000,
      journalPath: journalOf(kind),
      log,
    });
    log(`waiting until ${index} has all ${total} vectors queryable`);
    await waitUntilQueryable(api, {
      index,
      lastMutationId: uploaded.lastMutationId,
      expectedCount: total,
      timeoutMs: waitTimeoutMs,
      pollMs,
      log,
    });
  }

  const before = await readState(api, env);
  const state: DeploymentState = structuredClone(before);
  const spaceState = state[space];
  if (spaceState.current !== manifest.version) {
    if (spaceState.current) spaceState.previous.push(spaceState.current);
    spaceState.previous = spaceState.previous.filter((v) => v !== manifest.version);
    spaceState.current = manifest.version;
  }
  state.updatedAt = new Date().toISOString();
  const switched = await switchWorker(options, state);
  await writeState(api, env, state);
  if (switched)
    log(
      `the ${env} worker now serves ${state.retrieval.current} (retrieval) and ${state.regularities.current} (regularities)`,
    );
  else {
    const other = space === 'retrieval' ? 'regularities' : 'retrieval';
    log(
      `uploaded; the worker is not switched yet: deploy a ${other} model version too (a deployment serves both spaces)`,
    );
  }
  return { version: manifest.version, space, switched, state };
}

/** Returns a space to the version it served before the current one, and redeploys the worker. */
export async function rollback(space: Space, options: DeployOptions): Promise<DeploymentState> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const state = structuredClone(await readState(options.api, options.env));
  const s = state[space];
  const previous = s.previous.pop();
  if (!previous)
    throw new Error(`the ${options.env} ${space} space has no earlier version to roll back to`);
  log(`rolling ${space} back from ${s.current} to ${previous}`);
  s.current = previous;
  state.updatedAt = new Date().toISOString();
  if (!(await switchWorker(options, state))) {
    throw new Error('the deployment does not have a version for both spaces; nothing to switch');
  }
  await writeState(options.api, options.env, state);
  return state;
}
