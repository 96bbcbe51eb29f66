import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type DeployWorkerOptions,
  deployWorker,
  WranglerDeployError,
} from '../../../cli/deploy/wrangler-deploy.ts';
import { WEB_PAGE_DIR } from '../../../cli/local/web-page.ts';
import {
  type FakeCloudflareApi,
  startFakeCloudflareApi,
} from '../../support/fake-cloudflare-api.ts';
import {
  assetOf,
  assetUploadRoutes,
  bindingsOf,
  createWorkersState,
  deployedVersion,
  type FakeWorkersState,
  workersApiRoutes,
} from '../../support/fake-workers-routes.ts';

/**
 * deployWorker runs the real `wrangler deploy` (bundling included) against the fake Cloudflare
 * API, so what is asserted is what wrangler would upload: the worker of the env, its bucket, and
 * the vars and Vectorize bindings of the model versions asked for.
 */

const ROOT = join(import.meta.dirname, '../../..');
let api: FakeCloudflareApi;
let workers: FakeWorkersState;

async function call(method: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${api.url}/accounts/${api.accountId}${path}`, {
    method,
    headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

/** The resources deploy.ts creates before it switches the worker. */
async function createResources(bucket: string, indexes: string[]): Promise<void> {
  await call('POST', '/r2/buckets', { name: bucket });
  for (const name of indexes) {
    await call('POST', '/vectorize/v2/indexes', {
      name,
      config: { dimensions: 8, metric: 'cosine' },
    });
  }
}

function vectorize(tag: string): DeployWorkerOptions['vectorize'] {
  return [
    { binding: 'RETRIEVAL_IMAGES', indexName: `js-r-images-${tag}` },
    { binding: 'RETRIEVAL_CAPTIONS', indexName: `js-r-captions-${tag}` },
    { binding: 'REGULARITIES_IMAGES', indexName: `js-g-images-${tag}` },
  ];
}

function options(
  env: DeployWorkerOptions['env'],
  tag: string,
  extra: Partial<DeployWorkerOptions> = {},
): DeployWorkerOptions {
  return {
    env,
    vars: { RETRIEVAL_MODEL: `retrieval-${tag}`, REGULARITIES_MODEL: `regularities-${tag}` },
    vectorize: vectorize(tag),
    accountId: api.accountId,
    apiToken: api.token,
    apiBaseUrl: api.url,
    ...extra,
  };
}

// The web page goes up first, as static assets: a session, then the files the account lacks.
const FIRST_DEPLOY = [
  'GET /accounts/ACC/workers/services/NAME',
  'GET /accounts/ACC/workers/scripts/NAME/deployments',
  'POST /accounts/ACC/workers/scripts/NAME/assets-upload-session',
  'POST /accounts/ACC/workers/assets/upload',
  'PUT /accounts/ACC/workers/scripts/NAME',
  'PATCH /accounts/ACC/workers/scripts/NAME/script-settings',
  'GET /accounts/ACC/workers/subdomain',
  'GET /accounts/ACC/workers/scripts/NAME/subdomain',
  'POST /accounts/ACC/workers/scripts/NAME/subdomain',
];
// The same page again: the session finds every file held already, so nothing is uploaded.
const LATER_DEPLOY = [
  'GET /accounts/ACC/workers/services/NAME',
  'GET /accounts/ACC/workers/scripts/NAME/deployments',
  'POST /accounts/ACC/workers/scripts/NAME/assets-upload-session',
  'POST /accounts/ACC/workers/scripts/NAME/versions',
  'POST /accounts/ACC/workers/scripts/NAME/deployments',
  'PATCH /accounts/ACC/workers/scripts/NAME/script-settings',
  'GET /accounts/ACC/workers/subdomain',
  'GET /accounts/ACC/workers/scripts/NAME/subdomain',
  'POST /accounts/ACC/workers/scripts/NAME/subdomain',
];
const expand = (calls: string[], name: string) =>
  calls.map((c) => c.replace('ACC', api.accountId).replaceAll('NAME', name));

beforeEach(async () => {
  const accountId = '0123456789abcdef0123456789abcdef';
  workers = createWorkersState({ accountId });
  api = await startFakeCloudflareApi({
    accountId,
    extraRoutes: workersApiRoutes(workers),
    ownAuthRoutes: assetUploadRoutes(workers),
  });
  // Uploads may bind only the buckets and indexes that exist in the fake.
  workers.resources = api.state;
});
afterEach(async () => {
  await api.close();
});

/** The temporary wrangler configs beside wrangler.toml (deployWorker writes one per deploy). */
async function deployConfigs(): Promise<string[]> {
  return (await readdir(ROOT)).filter((f) => f.startsWith('.wrangler-deploy-'));
}

describe('deployWorker', () => {
  it('creates the staging worker with the versions, indexes and bucket asked for, then adds a version', async () => {
    await createResources('jointspace-models-staging', [
      ...vectorize('v1').map((v) => v.indexName),
      ...vectorize('v2').map((v) => v.indexName),
    ]);
    const lines: string[] = [];
    const { output } = await deployWorker(
      options('staging', 'v1', { log: (line) => lines.push(line) }),
    );
    expect(output).toContain('Uploaded jointspace-staging');
    expect(lines.join('\n')).toContain('Current Version ID');
    expect(workers.calls).toEqual(expand(FIRST_DEPLOY, 'jointspace-staging'));
    const first = deployedVersion(workers, 'jointspace-staging');
    expect(first?.via).toBe('script');
    // The page it serves is the one built from web/ (dist/web), byte for byte.
    const page = first && assetOf(workers, first, '/index.html');
    expect(page && Buffer.from(page)).toEqual(await readFile(join(WEB_PAGE_DIR, 'index.html')));
    expect(first && assetOf(workers, first, '/main.js')).toBeDefined();
    expect(first && bindingsOf(first)).toEqual({
      vars: {
        VECTOR_INDEX: 'vectorize',
        GRAPHIQL: 'off',
        INTROSPECTION: 'off',
        CSRF_PREVENTION: 'on',
        CORS_ORIGINS: '',
        RETRIEVAL_MODEL: 'retrieval-v1',
        REGULARITIES_MODEL: 'regularities-v1',
      },
      vectorize: {
        RETRIEVAL_IMAGES: 'js-r-images-v1',
        RETRIEVAL_CAPTIONS: 'js-r-captions-v1',
        REGULARITIES_IMAGES: 'js-g-images-v1',
      },
      r2: { MODELS: 'jointspace-models-staging' },
      ratelimits: { RATE_LIMITER: { namespace: '2001', simple: { limit: 120, period: 60 } } },
    });
    expect(first?.metadata.compatibility_date).toBe('2026-04-01');
    expect(first?.modules.map((m) => m.type)).toContain('application/wasm');
    expect(workers.workers['jointspace-staging']?.settings.tags).toEqual([
      'cf:service=jointspace-local',
      'cf:environment=staging',
    ]);

    workers.calls.length = 0;
    await deployWorker(options('staging', 'v2'));
    expect(workers.calls).toEqual(expand(LATER_DEPLOY, 'jointspace-staging'));
    const second = deployedVersion(workers, 'jointspace-staging');
    expect(second?.via).toBe('version');
    expect(second && bindingsOf(second).vectorize.RETRIEVAL_CAPTIONS).toBe('js-r-captions-v2');
    expect(second && bindingsOf(second).vars.RETRIEVAL_MODEL).toBe('retrieval-v2');
    expect(workers.workers['jointspace-staging']?.versions).toHaveLength(2);
  }, 120_000);

  it('deploys production as the worker jointspace on the bucket jointspace-models', async () => {
    await createResources(
      'jointspace-models',
      vectorize('p1').map((v) => v.indexName),
    );
    await deployWorker(options('production', 'p1'));
    expect(Object.keys(workers.workers)).toEqual(['jointspace']);
    const version = deployedVersion(workers, 'jointspace');
    expect(version && bindingsOf(version).r2).toEqual({ MODELS: 'jointspace-models' });
    expect(version && bindingsOf(version).vectorize.REGULARITIES_IMAGES).toBe('js-g-images-p1');
  }, 120_000);

  it("fails with wrangler's own message when the API refuses the upload", async () => {
    await createResources(
      'jointspace-models-staging',
      vectorize('v1').map((v) => v.indexName),
    );
    workers.failNextUpload = {
      status: 400,
      code: 10021,
      message: 'Uncaught Error: the fake refuses this script',
    };
    const configsBefore = new Set(await deployConfigs());
    const error = await deployWorker(options('staging', 'v1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WranglerDeployError);
    const message = (error as Error).message;
    expect(message).toContain('wrangler deploy --env staging failed');
    expect(message).toContain('Uncaught Error: the fake refuses this script [code: 10021]');
    expect(message).not.toContain('\u001b[');
    expect(workers.workers['jointspace-staging']).toBeUndefined();
    // The temporary config beside wrangler.toml is gone, failure or not. Other test files may
    // be deploying at the same moment (two Node files run at once): a config of theirs goes
    // when their deploy ends, ours never would.
    await expect
      .poll(async () => (await deployConfigs()).filter((f) => !configsBefore.has(f)), {
        timeout: 60_000,
        interval: 500,
      })
      .toEqual([]);
  }, 120_000);

  it('is refused when an index of the version does not exist', async () => {
    await createResources('jointspace-models-staging', []);
    const error = await deployWorker(options('staging', 'v9')).catch((e: unknown) => e);
    expect((error as Error).message).toContain("Vectorize index 'js-r-images-v9' not found");
  }, 120_000);

  it('calls no API on a dry run', async () => {
    const { output } = await deployWorker(options('staging', 'v1', { dryRun: true }));
    expect(output).toContain('env.RETRIEVAL_CAPTIONS (js-r-captions-v1)');
    expect(output).toContain('--dry-run: exiting now.');
    expect(workers.calls).toEqual([]);
  }, 120_000);
});
