import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vectorizeIndexNameProblem } from '../../../cli/deploy/cloudflare-limits.ts';
import {
  BUCKETS,
  bindingName,
  DEPLOY_ENVS,
  emptyState,
  indexName,
  STATE_KEY,
} from '../../../cli/deploy/deploy-plan.ts';
import { parseWranglerToml } from '../../../cli/deploy/wrangler-config.ts';
import { SPACE_SERVES, SPACES, VECTOR_KINDS } from '../../../core/model-files.ts';
import { MODELS_PREFIX } from '../../../core/r2-layout.ts';

const ROOT = join(import.meta.dirname, '../../..');
const RETRIEVAL = 'lstm128-jointspace-demo-f32-a1fab4e8';
const REGULARITIES = 'bow128-jointspace-demo-f32-538fa5ce';

describe('buckets', () => {
  it('are the R2 buckets wrangler.toml gives each deployed env', async () => {
    expect([...DEPLOY_ENVS]).toEqual(['staging', 'production']);
    const config = parseWranglerToml(await readFile(join(ROOT, 'wrangler.toml'), 'utf8'));
    for (const env of DEPLOY_ENVS) {
      const buckets = config.env?.[env]?.r2_buckets as { binding: string; bucket_name: string }[];
      expect(buckets, env).toEqual([{ binding: 'MODELS', bucket_name: BUCKETS[env] }]);
    }
    expect(BUCKETS.staging).not.toBe(BUCKETS.production);
  });
});

describe('bindingName', () => {
  it('gives the three Vectorize bindings the worker reads, one per kind a space serves', () => {
    const served = SPACES.flatMap((space) =>
      SPACE_SERVES[space].kinds.map((kind) => bindingName(space, kind)),
    );
    // worker/cloudflare-env.d.ts declares exactly these.
    expect(served).toEqual(['RETRIEVAL_IMAGES', 'RETRIEVAL_CAPTIONS', 'REGULARITIES_IMAGES']);
    expect(bindingName('regularities', 'captions')).toBe('REGULARITIES_CAPTIONS');
  });
});

describe('indexName', () => {
  it('is the space, the kind and the first ten hex digits of the SHA-256 of the version', () => {
    expect(indexName({ version: RETRIEVAL, space: 'retrieval' }, 'images')).toBe(
      'js-r-images-d712a07d24',
    );
    expect(indexName({ version: RETRIEVAL, space: 'retrieval' }, 'captions')).toBe(
      'js-r-captions-d712a07d24',
    );
    expect(indexName({ version: REGULARITIES, space: 'regularities' }, 'images')).toBe(
      'js-g-images-6f7a2aeb32',
    );
  });

  it('gives each version, space and kind an index of its own', () => {
    const names = new Set<string>();
    for (const version of [RETRIEVAL, REGULARITIES, 'v1', 'v2'])
      for (const space of SPACES)
        for (const kind of VECTOR_KINDS) names.add(indexName({ version, space }, kind));
    expect(names.size).toBe(4 * SPACES.length * VECTOR_KINDS.length);
  });

  it('is a valid Vectorize index name for any version, even the longest', () => {
    const longest = `a${'-b'.repeat(31)}`; // 63 characters, the most a version may have
    expect(longest).toHaveLength(63);
    for (const version of [longest, '0', RETRIEVAL]) {
      for (const space of SPACES) {
        for (const kind of VECTOR_KINDS) {
          const name = indexName({ version, space }, kind);
          expect(vectorizeIndexNameProblem(name), name).toBeNull();
          expect(name.length).toBeLessThanOrEqual(24);
        }
      }
    }
  });
});

describe('the deployment state', () => {
  it('lives in the bucket outside the model versions', () => {
    expect(STATE_KEY).toBe('deployments/state.json');
    expect(STATE_KEY.startsWith(`${MODELS_PREFIX}/`)).toBe(false);
  });

  it('starts with no version served and none before, at the epoch', () => {
    expect(emptyState()).toEqual({
      retrieval: { current: null, previous: [] },
      regularities: { current: null, previous: [] },
      updatedAt: '1970-01-01T00:00:00.000Z',
    });
  });

  it('is a fresh object each time, so that changing one leaves the next untouched', () => {
    const first = emptyState();
    first.retrieval.current = RETRIEVAL;
    first.retrieval.previous.push('older');
    expect(emptyState().retrieval).toEqual({ current: null, previous: [] });
  });
});
