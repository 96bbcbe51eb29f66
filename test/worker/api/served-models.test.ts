import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { flatIndexFile, MODEL_FILES } from '../../../core/model-files.ts';
import { modelFileKey } from '../../../core/r2-layout.ts';
import { type ModelEnv, servicesFor } from '../../../worker/api/served-models.ts';
import type { JointspaceServices } from '../../../worker/api/services.ts';
import { QueryError } from '../../../worker/query-error.ts';
import { seedDemoModels } from '../../support/seed-models.ts';

/**
 * The services over the demo models exported by the global setup, inside workerd: loading and
 * its checks, each query, and each refusal.
 */

const models = inject('demoModels');
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

  it('search: images for a sentence, best first, with the words the model did not know', async () => {
    const { query, results } = await services.search('a red car in the snow, zorblax', 5);
    expect(query.unknownWords).toEqual(['zorblax']);
    expect(results).toHaveLength(5);
    for (let i = 1; i < results.length; i++)
      expect(results[i - 1]!.score).toBeGreaterThanOrEqual(results[i]!.score);
    expect(results[0]!.item.file).toMatch(/^demo_\d+\.svg$/);
    // The demo world's captions name colour and object: most answers should be red cars.
    const hits = results.filter(
      (r) =>
        models.attributes[r.item.id]?.colour === 'red' ||
        models.attributes[r.item.id]?.object === 'car',
    );
    expect(hits.length).toBeGreaterThanOrEqual(3);
  });

  it('annotate: captions for an image by id, and for its raw features (the same answer)', async () => {
    const byId = await services.annotateImage(models.sample.imageId, 5);
    expect(byId).toHaveLength(5);
    const byFeatures = await services.annotateFeatures(models.sample.features, 5);
    expect(byFeatures.map((r) => r.item.id)).toEqual(byId.map((r) => r.item.id));
    for (const [i, r] of byFeatures.entries()) expect(r.score).toBeCloseTo(byId[i]!.score, 4);
  });

  it('looks up an image and its captions', async () => {
    const image = await services.image(models.sample.imageId);
    expect(image).toMatchObject({ id: models.sample.imageId, split: 'test' });
    expect(await services.image('nope.svg')).toBeNull();
    const captions = await services.captionsOf(models.sample.imageId);
    expect(captions.map((c) => c.id)).toEqual(
      [0, 1, 2, 3, 4].map((k) => `${models.sample.imageId}#${k}`),
    );
    expect(captions[0]?.text).toBe(models.sample.caption);
  });

  it('refuses bad input with a code and details', async () => {
    expect((await refusal(services.search('', 5))).code).toBe('EMPTY_TEXT');
    expect((await refusal(services.search('?!', 5))).code).toBe('EMPTY_TEXT');
    const long = await refusal(services.search('red '.repeat(60), 5));
    expect(long).toMatchObject({ code: 'TEXT_TOO_LONG', details: { tokens: 60, maxTokens: 50 } });
    expect((await refusal(services.search('x'.repeat(1001), 5))).code).toBe('TEXT_TOO_LONG');
    const unknown = await refusal(services.search('zorblax flibber', 5));
    expect(unknown).toMatchObject({
      code: 'NO_KNOWN_WORDS',
      details: { unknownWords: ['zorblax', 'flibber'] },
    });
    expect(unknown.message).toContain('"zorblax", "flibber"');
    expect(await refusal(services.annotateImage('missing.svg', 5))).toMatchObject({
      code: 'UNKNOWN_IMAGE',
      details: { imageId: 'missing.svg' },
    });
    expect(await refusal(services.annotateFeatures([1, 2, 3], 5))).toMatchObject({
      code: 'BAD_FEATURES',
      details: { expected: 512, got: 3 },
    });
    const nan = [...models.sample.features];
    nan[7] = Number.NaN;
    expect(await refusal(services.annotateFeatures(nan, 5))).toMatchObject({
      code: 'BAD_FEATURES',
      details: { index: 7 },
    });
    expect((await refusal(services.analogy('missing.svg', ['red'], ['blue'], 20, 4))).code).toBe(
      'UNKNOWN_IMAGE',
    );
    expect(
      await refusal(services.analogy(models.sample.imageId, ['zorblax'], ['blue'], 20, 4)),
    ).toMatchObject({ code: 'NO_KNOWN_WORDS' });
  });
});

describe('analogy on the demo world', () => {
  it('most of the top 4 carry the added attribute, not the removed one', async () => {
    const cases = models.analogies.filter((c) => c.matches >= 4).slice(0, 60);
    let added = 0;
    let removed = 0;
    let shown = 0;
    for (const c of cases) {
      const { results } = await services.analogy(c.imageId, c.minus, c.plus, 20, 4);
      const attribute = c.attribute;
      const plus = c.plus[0];
      const minus = c.minus[0];
      for (const r of results) {
        const value = String(models.attributes[r.item.id]?.[attribute]);
        if (value === plus) added++;
        if (value === minus) removed++;
        shown++;
      }
    }
    expect(shown).toBe(cases.length * 4);
    // "Most": over half of all answers have the added value; few keep the removed one.
    expect(added / shown).toBeGreaterThan(0.5);
    expect(removed / shown).toBeLessThan(0.15);
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
