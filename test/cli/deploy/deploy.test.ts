import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudflareApi } from '../../../cli/deploy/cloudflare-api.ts';
import {
  deployVersion,
  readState,
  rollback,
  type WorkerDeployer,
} from '../../../cli/deploy/deploy.ts';
import { BUCKETS, indexName } from '../../../cli/deploy/deploy-plan.ts';
import { deployWorker } from '../../../cli/deploy/wrangler-deploy.ts';
import type { ModelManifest } from '../../../core/manifest.ts';
import { parseVectorRecord } from '../../../core/vector-records.ts';
import { loadDataset } from '../../../trainer/data/load.ts';
import { DEFAULT_WORLD_OPTIONS, generateDemoWorld } from '../../../trainer/demo/world.ts';
import { writeDemoWorld } from '../../../trainer/demo/write-world.ts';
import { exportModel } from '../../../trainer/export/export-model.ts';
import { loadCheckpoint } from '../../../trainer/train/checkpoint.ts';
import { RUN_FILES } from '../../../trainer/train/run-files.ts';
import {
  type FakeCloudflareApi,
  startFakeCloudflareApi,
} from '../../support/fake-cloudflare-api.ts';
import {
  assetUploadRoutes,
  bindingsOf,
  createWorkersState,
  deployedVersion,
  type FakeWorkersState,
  workersApiRoutes,
} from '../../support/fake-workers-routes.ts';
import { trainTinyBow } from '../../support/tiny-run.ts';

/**
 * The whole deploy against a local stand-in of the Cloudflare API (R2, Vectorize, and the
 * Workers upload that wrangler performs): creation, upload, a failure part way and the resumed
 * run, the switch only once everything is queryable, a dimension mismatch, and a rollback.
 */

interface Exported {
  dir: string;
  manifest: ModelManifest;
}
let root: string;
let fake: FakeCloudflareApi;
let workers: FakeWorkersState;
let api: CloudflareApi;
let retrieval: Exported;
let retrievalV2: Exported;
let regularities: Exported;
const lines: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jointspace-deploy-'));
  await writeDemoWorld(
    generateDemoWorld({ ...DEFAULT_WORLD_OPTIONS, images: 240, val: 20, test: 20, seed: 8 }),
    join(root, 'world'),
  );
  const dataset = await loadDataset(join(root, 'world'));
  const runDir = join(root, 'run');
  await trainTinyBow(dataset, runDir);
  const checkpoint = await loadCheckpoint(RUN_FILES(runDir).best);
  const exportAs = async (
    space: 'retrieval' | 'regularities',
    precision: 'float32' | 'int8',
  ): Promise<Exported> => {
    const r = await exportModel({
      checkpoint,
      dataset,
      outRoot: join(root, 'artifacts'),
      precision,
      splits: ['train', 'val', 'test'],
      evalSplit: null,
      space,
      log: () => undefined,
      progressStream: { write: () => true },
    });
    return { dir: r.dir, manifest: r.manifest };
  };
  retrieval = await exportAs('retrieval', 'float32');
  regularities = await exportAs('regularities', 'float32');
  retrievalV2 = await exportAs('retrieval', 'int8');
  // Vectorize applies each write 30 ms after accepting it: the deploy must wait for that.
  workers = createWorkersState({ accountId: 'account-under-test' });
  fake = await startFakeCloudflareApi({
    accountId: workers.accountId,
    processingDelayMs: 30,
    extraRoutes: workersApiRoutes(workers),
    ownAuthRoutes: assetUploadRoutes(workers),
  });
  workers.resources = fake.state;
  api = new CloudflareApi({
    accountId: fake.accountId,
    apiToken: fake.token,
    baseUrl: fake.url,
    retries: 0,
  });
}, 120_000);
afterAll(async () => {
  await fake?.close();
  await rm(root, { recursive: true, force: true });
});

const worker: WorkerDeployer = async (request) => {
  await deployWorker({
    ...request,
    accountId: fake.accountId,
    apiToken: fake.token,
    apiBaseUrl: fake.url,
    log: (l) => lines.push(l),
  });
};

function options() {
  return {
    api,
    env: 'production' as const,
    deployWorker: worker,
    batchSize: 100,
    pollMs: 10,
    waitTimeoutMs: 20_000,
    log: (l: string) => lines.push(l),
  };
}

async function ndjson(path: string): Promise<Map<string, number[]>> {
  const text = await readFile(path, 'utf8');
  return new Map(
    text
      .trimEnd()
      .split('\n')
      .map((l) => {
        const r = parseVectorRecord(l);
        return [r.id, r.values] as const;
      }),
  );
}

/** The index holds exactly the export's vectors: the same ids, the same values, nothing more. */
async function expectIndexHolds(e: Exported, kind: 'images' | 'captions'): Promise<void> {
  const expected = await ndjson(join(e.dir, e.manifest.vectors[kind].file));
  const index = fake.state.indexes.get(indexName(e.manifest, kind));
  expect(index, `index for ${e.manifest.version} ${kind}`).toBeDefined();
  expect(index?.vectors.size).toBe(expected.size);
  // Vectorize keeps float32: the NDJSON's shortest decimals read back as exactly those.
  for (const [id, values] of expected)
    expect(index?.vectors.get(id)?.values).toEqual(values.map(Math.fround));
}

/** Every vector of the index is in its `split` metadata index: a split filter can find it. */
function expectFilterable(e: Exported, kind: 'images' | 'captions'): void {
  const index = fake.state.indexes.get(indexName(e.manifest, kind))!;
  expect(index.metadataIndexes).toEqual([
    { propertyName: 'split', indexType: 'string', active: true },
  ]);
  expect(index.indexedBy.get('split')?.size).toBe(index.vectors.size);
}

/** The split metadata index of each index was asked for before any vector was sent to it. */
function expectMetadataIndexFirst(e: Exported, kind: 'images' | 'captions'): void {
  const name = indexName(e.manifest, kind);
  const paths = fake.state.requests
    .filter((r) => r.status === 200 && r.path.includes(`/${name}/`))
    .map((r) => r.path.slice(r.path.indexOf(name) + name.length + 1));
  const create = paths.indexOf('metadata_index/create');
  expect(create, `${name}: metadata index created`).toBeGreaterThanOrEqual(0);
  expect(paths.indexOf('upsert')).toBeGreaterThan(create);
}

function live(): {
  vars: Record<string, string>;
  vectorize: Record<string, string>;
  r2: Record<string, string>;
} {
  const version = deployedVersion(workers, 'jointspace');
  if (!version) throw new Error('no worker deployed');
  return bindingsOf(version);
}

describe('deploy', () => {
  it('uploads a version, resumes after a failure part way, and switches only when both spaces are ready', async () => {
    // The third batch of caption vectors fails (armed once the second is sent): the run stops.
    const index = indexName(retrieval.manifest, 'captions');
    const failing = {
      ...options(),
      log: (l: string) => {
        lines.push(l);
        if (l.includes(`${index}: batch 2,`))
          fake.failNext({ method: 'POST', pathIncludes: `${index}/upsert`, status: 500 });
      },
    };
    await expect(deployVersion(retrieval.dir, failing)).rejects.toThrow(/500/);
    expect(fake.state.indexes.get(index)?.vectors.size ?? 0).toBeLessThanOrEqual(200);
    expect(workers.workers.jointspace).toBeUndefined();

    // Run again: it continues at batch 3 and ends with exactly the export's vectors.
    const sent = fake.state.requests.length;
    const first = await deployVersion(retrieval.dir, options());
    expect(lines).toContain(
      `  ${index}: resuming after batch 2 (200 of 1200 vectors already sent)`,
    );
    const upserts = fake.state.requests
      .slice(sent)
      .filter((r) => r.path.includes(`${index}/upsert`));
    expect(upserts).toHaveLength(10);
    expect(first.switched).toBe(false);
    await expectIndexHolds(retrieval, 'images');
    await expectIndexHolds(retrieval, 'captions');
    for (const kind of ['images', 'captions'] as const) {
      expectMetadataIndexFirst(retrieval, kind);
      expectFilterable(retrieval, kind);
    }
    const bucket = fake.state.buckets.get(BUCKETS.production);
    expect(
      [...(bucket?.objects.keys() ?? [])]
        .filter((k) => k.startsWith(`models/${retrieval.manifest.version}/`))
        .sort(),
    ).toEqual(
      ['image_projection.onnx', 'manifest.json', 'sentence_encoder.onnx', 'vocab.json'].map(
        (f) => `models/${retrieval.manifest.version}/${f}`,
      ),
    );

    const second = await deployVersion(regularities.dir, options());
    expect(second.switched).toBe(true);
    expectMetadataIndexFirst(regularities, 'images');
    expectFilterable(regularities, 'images');
    const bindings = live();
    expect(bindings.vars).toMatchObject({
      RETRIEVAL_MODEL: retrieval.manifest.version,
      REGULARITIES_MODEL: regularities.manifest.version,
      VECTOR_INDEX: 'vectorize',
    });
    expect(bindings.vectorize).toEqual({
      RETRIEVAL_IMAGES: indexName(retrieval.manifest, 'images'),
      RETRIEVAL_CAPTIONS: indexName(retrieval.manifest, 'captions'),
      REGULARITIES_IMAGES: indexName(regularities.manifest, 'images'),
    });
    expect(bindings.r2.MODELS).toBe(BUCKETS.production);
  });

  it('switches to a new version, keeps the old one, and rolls back to it', async () => {
    await deployVersion(retrievalV2.dir, options());
    expect(live().vars.RETRIEVAL_MODEL).toBe(retrievalV2.manifest.version);
    await expectIndexHolds(retrievalV2, 'captions');
    await expectIndexHolds(retrieval, 'captions'); // the previous version stays in place
    const state = await rollback('retrieval', options());
    expect(state.retrieval.current).toBe(retrieval.manifest.version);
    expect(live().vars.RETRIEVAL_MODEL).toBe(retrieval.manifest.version);
    expect((await readState(api, 'production')).retrieval.current).toBe(retrieval.manifest.version);
    await expect(rollback('retrieval', options())).rejects.toThrow(/no earlier version/);
  });

  it('gives an index made without the split metadata index one, then upserts every vector again', async () => {
    // As a deploy before split filtering left it: every vector in, the journal complete.
    const name = indexName(regularities.manifest, 'images');
    const index = fake.state.indexes.get(name)!;
    index.metadataIndexes = [];
    index.indexedBy.clear();
    const sent = fake.state.requests.length;
    lines.length = 0;
    await deployVersion(regularities.dir, options());
    expect(lines).toContain(
      `creating metadata index split (string) on ${name}; every vector is upserted after it, so that all are filterable`,
    );
    expect(lines.some((l) => l.includes(`${name}: resuming`))).toBe(false);
    const requests = fake.state.requests.slice(sent).map((r) => r.path);
    const create = requests.findIndex((p) => p.endsWith(`${name}/metadata_index/create`));
    const upserts = requests.flatMap((p, i) => (p.endsWith(`${name}/upsert`) ? [i] : []));
    expect(upserts).toHaveLength(Math.ceil(regularities.manifest.vectors.images.count / 100));
    expect(upserts[0]).toBeGreaterThan(create);
    expectFilterable(regularities, 'images');
    await expectIndexHolds(regularities, 'images');
  });

  it('refuses an existing index of another dimension, naming it', async () => {
    const name = indexName(regularities.manifest, 'images');
    const staging = { ...options(), env: 'staging' as const };
    fake.state.indexes.delete(name);
    await api.createVectorizeIndex({ name, dimensions: 32, metric: 'cosine' });
    await expect(deployVersion(regularities.dir, staging)).rejects.toThrow(
      new RegExp(
        `${name} exists with 32 dimensions and metric cosine; version \\S+ needs 16 dimensions`,
      ),
    );
  });
});
