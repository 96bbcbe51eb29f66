import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { flatIndexFile, MODEL_FILES } from '../../../core/model-files.ts';
import { modelFileKey } from '../../../core/r2-layout.ts';
import { type ModelEnv, servicesFor } from '../../../worker/api/served-models.ts';
import type { JointspaceServices } from '../../../worker/api/services.ts';
import { QueryError } from '../../../worker/query-error.ts';
import { seedDemoModels } from '../../support/seed-models.ts';

/**
 * The services over the demo models exported by the global setup, inside workerd: which versions
 * are loaded, and the checks that refuse files that do not belong together (each query and its
 * refusals: jointspace-services.test.ts).
 */

const modelEnv = env as unknown as ModelEnv;
let services: JointspaceServices;

beforeAll(async () => {
  await seedDemoModels();
  services = await servicesFor(modelEnv);
});

async function refusal(p: Promise<unknown>): Promise<QueryError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(QueryError);
  return e as QueryError;
}

describe('the served models', () => {
  it('are the configured versions, checked against their files', async () => {
    const { retrieval, regularities } = await services.models();
    expect(retrieval).toMatchObject({
      version: 'test-retrieval',
      space: 'retrieval',
      model: { encoder: 'lstm' },
    });
    expect(regularities).toMatchObject({
      version: 'test-regularities',
      space: 'regularities',
      model: { encoder: 'bow' },
    });
  });
});

describe('loading refuses files that do not belong together', () => {
  it('names the reason: a wrong vocabulary, or an index of another version', async () => {
    const other = {
      ...modelEnv,
      RETRIEVAL_MODEL: 'broken-vocab',
      REGULARITIES_MODEL: 'test-regularities',
    };
    for (const file of [
      MODEL_FILES.manifest,
      MODEL_FILES.vocabulary,
      MODEL_FILES.sentenceEncoder,
      MODEL_FILES.imageProjection,
    ]) {
      const o = await env.MODELS.get(modelFileKey('test-retrieval', file));
      await env.MODELS.put(modelFileKey('broken-vocab', file), await o!.arrayBuffer());
    }
    const manifest = await (await env.MODELS.get(
      modelFileKey('test-retrieval', MODEL_FILES.manifest),
    ))!.json<Record<string, unknown>>();
    await env.MODELS.put(
      modelFileKey('broken-vocab', MODEL_FILES.manifest),
      JSON.stringify({ ...manifest, version: 'broken-vocab' }),
    );
    // A vocabulary that is not the one exported with this model (here: one word renamed).
    const vocab = await (await env.MODELS.get(
      modelFileKey('test-retrieval', MODEL_FILES.vocabulary),
    ))!.json<{ words: string[] }>();
    vocab.words[5] = 'zzz';
    await env.MODELS.put(
      modelFileKey('broken-vocab', MODEL_FILES.vocabulary),
      JSON.stringify(vocab),
    );
    const e = await refusal(servicesFor(other));
    expect(e.code).toBe('MODEL_UNAVAILABLE');
    expect(e.message).toMatch(/broken-vocab: vocab.json does not match the manifest/);

    // Right vocabulary, but the flat index of another version.
    await env.MODELS.put(
      modelFileKey('broken-vocab', MODEL_FILES.vocabulary),
      await (await env.MODELS.get(
        modelFileKey('test-retrieval', MODEL_FILES.vocabulary),
      ))!.arrayBuffer(),
    );
    for (const kind of ['images', 'captions'] as const) {
      await env.MODELS.put(
        modelFileKey('broken-vocab', flatIndexFile(kind, 'float32')),
        await (await env.MODELS.get(
          modelFileKey('test-retrieval', flatIndexFile(kind, 'float32')),
        ))!.arrayBuffer(),
      );
    }
    const e2 = await refusal(servicesFor(other));
    expect(e2.message).toMatch(
      /holds vectors of model version test-retrieval, expected broken-vocab/,
    );

    const missing = await refusal(servicesFor({ ...modelEnv, RETRIEVAL_MODEL: 'never-exported' }));
    expect(missing.message).toMatch(/models\/never-exported\/manifest.json is not in the bucket/);
    const none = await refusal(servicesFor({ ...modelEnv, RETRIEVAL_MODEL: undefined }));
    expect(none.message).toMatch(/set RETRIEVAL_MODEL and REGULARITIES_MODEL/);
  });
});
