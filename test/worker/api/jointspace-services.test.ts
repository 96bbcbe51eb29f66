import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { decodeFlatIndex, encodeFlatIndex } from '../../../core/flat-index.ts';
import type { ModelManifest } from '../../../core/manifest.ts';
import type { VectorKind } from '../../../core/model-files.ts';
import { modelFileKey } from '../../../core/r2-layout.ts';
import type { CaptionMetadata, ImageMetadata } from '../../../core/vector-records.ts';
import { flatFileOf } from '../../../core/version-check.ts';
import { ModelServices } from '../../../worker/api/jointspace-services.ts';
import { ServerTiming } from '../../../worker/api/server-timing.ts';
import {
  type IndexOpener,
  loadImageEncoder,
  loadModelSpace,
  type ModelSpace,
} from '../../../worker/model/model-space.ts';
import { QueryError } from '../../../worker/query-error.ts';
import { FlatIndex, loadFlatIndex } from '../../../worker/vector-index/flat-index.ts';
import { fromBase64, pictureFixture } from '../../support/picture-bytes.ts';
import { randomUnitVectors } from '../../support/random-vectors.ts';
import { seedDemoModels } from '../../support/seed-models.ts';
import { seedPictureModel } from '../../support/seed-pictures.ts';

/**
 * ModelServices over the demo models of the global setup, loaded straight from the simulated
 * R2 bucket (served-models.test.ts covers choosing and caching them): each query, and each
 * refusal, with its code and details.
 */

const models = inject('demoModels');
let retrieval: ModelSpace;
let regularities: ModelSpace;
let services: ModelServices;

/** Opens the version's float32 flat index files from the bucket. */
const flatOpener = (async (manifest: ModelManifest, kind: VectorKind) =>
  loadFlatIndex(
    env.MODELS,
    modelFileKey(manifest.version, flatFileOf(manifest, kind, 'float32')),
  )) as IndexOpener;

beforeAll(async () => {
  await seedDemoModels();
  [retrieval, regularities] = await Promise.all([
    loadModelSpace({
      bucket: env.MODELS,
      version: 'test-retrieval',
      openIndex: flatOpener,
      withCaptions: true,
      withImageProjection: true,
    }),
    loadModelSpace({
      bucket: env.MODELS,
      version: 'test-regularities',
      openIndex: flatOpener,
      withCaptions: false,
      withImageProjection: false,
    }),
  ]);
  services = servicesOver(retrieval);
});

/** The image encoder of a version, read from the bucket (the services ask for it per picture). */
const encoders = (manifest: ModelManifest) => loadImageEncoder(env.MODELS, manifest);

/** Services over a retrieval space (and the demo regularities one), as a request gets them. */
function servicesOver(space: ModelSpace, timing?: ServerTiming): ModelServices {
  return new ModelServices(given(space), given(regularities), encoders, timing);
}

/** A space getter for a space already loaded. */
function given(space: ModelSpace): () => Promise<ModelSpace> {
  return async () => space;
}

/** The QueryError that `p` rejects with (failing the test for anything else). */
async function refusal(p: Promise<unknown>): Promise<QueryError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(QueryError);
  return e as QueryError;
}

describe('model', () => {
  it('is the manifest of the space asked for', async () => {
    expect(await services.model('retrieval')).toBe(retrieval.manifest);
    expect(await services.model('regularities')).toBe(regularities.manifest);
    expect((await services.model('retrieval')).version).toBe('test-retrieval');
    expect((await services.model('regularities')).version).toBe('test-regularities');
  });

  it('asks only for the space a query needs: a broken analogy space leaves search alone', async () => {
    const broken = new QueryError('MODEL_UNAVAILABLE', 'the regularities model cannot be served');
    const asked: string[] = [];
    const partial = new ModelServices(
      async () => {
        asked.push('retrieval');
        return retrieval;
      },
      async () => {
        asked.push('regularities');
        throw broken;
      },
      encoders,
    );
    expect((await partial.search('a red car', 2)).results).toHaveLength(2);
    expect(await partial.image(retrieval.manifest.vectors.images.file)).toBeNull();
    expect(asked.every((space) => space === 'retrieval')).toBe(true);
    await expect(partial.analogy('x', ['red'], ['blue'], 20, 4)).rejects.toBe(broken);
    await expect(partial.model('regularities')).rejects.toBe(broken);
  });
});

describe('search', () => {
  it('finds images for a sentence, best first, with the words the model did not know', async () => {
    const { query, results } = await services.search('a red car in the snow, zorblax', 5);
    expect(query).toEqual({
      tokens: ['a', 'red', 'car', 'in', 'the', 'snow', 'zorblax'],
      unknownWords: ['zorblax'],
    });
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

  it('answers topK results, as image records from the index metadata', async () => {
    expect((await services.search('a dog', 1)).results).toHaveLength(1);
    const { results } = await services.search('a dog', 100);
    expect(results).toHaveLength(100);
    expect(new Set(results.map((r) => r.item.id)).size).toBe(100);
    for (const { item, score } of results) {
      // No url key at all: the demo models were exported without an image base URL.
      expect(Object.keys(item).sort()).toEqual(['file', 'id', 'split']);
      expect(item.file).toBe(item.id);
      expect(['train', 'val', 'test']).toContain(item.split);
      expect(Math.abs(score)).toBeLessThanOrEqual(1);
    }
  });

  it('says where its time went: encode (the ONNX encoder), then index', async () => {
    const timing = new ServerTiming();
    const timed = servicesOver(retrieval, timing);
    expect(timing.header()).toBe('');
    await timed.search('a blue boat', 3);
    expect(timing.header()).toMatch(/^encode;dur=\d+\.\d{2}, index;dur=\d+\.\d{2}$/);
  });
});

describe('annotate', () => {
  it('describes an image by id, and by its raw features (the same answer)', async () => {
    const byId = await services.annotateImage(models.sample.imageId, 5);
    expect(byId).toHaveLength(5);
    const byFeatures = await services.annotateFeatures(models.sample.features, 5);
    expect(byFeatures.map((r) => r.item.id)).toEqual(byId.map((r) => r.item.id));
    for (const [i, r] of byFeatures.entries()) expect(r.score).toBeCloseTo(byId[i]!.score, 4);
  });

  it('answers caption records: id "<image id>#<k>", text, image id and split', async () => {
    const results = await services.annotateImage(models.sample.imageId, 10);
    expect(results).toHaveLength(10);
    for (const { item } of results) {
      expect(Object.keys(item).sort()).toEqual(['id', 'imageId', 'split', 'text']);
      expect(item.id.startsWith(`${item.imageId}#`)).toBe(true);
      expect(item.text.length).toBeGreaterThan(0);
    }
  });
});

describe('similar', () => {
  it('finds the images nearest a stored image, best first, the image itself left out', async () => {
    const id = models.sample.imageId;
    const results = await services.similar(id, 10);
    expect(results).toHaveLength(10);
    expect(results.map((r) => r.item.id)).not.toContain(id);
    const [stored] = await retrieval.images.getByIds([id]);
    const nearest = (await retrieval.images.query(stored!.values, 11)).filter((m) => m.id !== id);
    expect(results.map((r) => [r.item.id, r.score])).toEqual(
      nearest.slice(0, 10).map((m) => [m.id, m.score]),
    );
    for (const { item } of results)
      expect(Object.keys(item).sort()).toEqual(['file', 'id', 'split']);
  });

  it('drops the image wherever it ranks: a stored copy of it may come first', async () => {
    // "twin.svg" holds the same vector, stored before the image: a tie it wins.
    const dimension = retrieval.manifest.model.dimension;
    const [image, ...others] = randomUnitVectors(6, dimension, 17);
    const records = [
      { id: 'twin.svg', values: image!, metadata: { file: 'twin.svg', split: 'test' } },
      { id: 'me.svg', values: image!, metadata: { file: 'me.svg', split: 'test' } },
      ...others.map((values, i) => ({
        id: `o${i}.svg`,
        values,
        metadata: { file: `o${i}.svg`, split: 'test' },
      })),
    ];
    const images = new FlatIndex(
      decodeFlatIndex<ImageMetadata>(
        encodeFlatIndex({ version: 'twins', dimension, records }, 'float32'),
      ),
    );
    expect((await images.query(image!, 2)).map((m) => m.id)).toEqual(['twin.svg', 'me.svg']);
    const twins = servicesOver({ ...retrieval, images });
    const results = await twins.similar('me.svg', 3);
    expect(results).toHaveLength(3);
    expect(results[0]!.item.id).toBe('twin.svg');
    expect(results[0]!.score).toBeCloseTo(1, 6);
    expect(results.map((r) => r.item.id)).not.toContain('me.svg');
  });

  it('answers at most 99: one query of 100, less the image itself', async () => {
    const results = await services.similar(models.sample.imageId, 100);
    expect(results).toHaveLength(99);
    expect(new Set(results.map((r) => r.item.id)).size).toBe(99);
  });

  it('finds pictures of the same kind (the demo world: most share object or colour; chance is about 0.2)', async () => {
    const ids = Object.keys(models.attributes).slice(0, 30);
    let alike = 0;
    for (const id of ids) {
      const a = models.attributes[id]!;
      for (const { item } of await services.similar(id, 5)) {
        const b = models.attributes[item.id]!;
        if (b.object === a.object || b.colour === a.colour) alike++;
      }
    }
    expect(alike / (ids.length * 5)).toBeGreaterThan(0.75);
  });
});

describe('split', () => {
  it('keeps search to one split, taking the top k of that split', async () => {
    const everything = await services.search('a red car', 100);
    const train = everything.results.filter((r) => r.item.split === 'train').slice(0, 10);
    expect(train).toHaveLength(10);
    const filtered = await services.search('a red car', 10, 'train');
    expect(filtered.results).toEqual(train);
    expect(filtered.query).toEqual(everything.query);
    const val = await services.search('a red car', 10, 'val');
    expect(val.results).toHaveLength(10);
    expect(val.results.every((r) => r.item.split === 'val')).toBe(true);
  });

  it('keeps annotations (by id and by features) and similar images to one split', async () => {
    const { imageId, features } = models.sample;
    for (const results of [
      await services.annotateImage(imageId, 20, 'val'),
      await services.annotateFeatures(features, 20, 'val'),
      await services.similar(imageId, 20, 'val'),
    ]) {
      expect(results).toHaveLength(20);
      expect(results.every((r) => r.item.split === 'val')).toBe(true);
    }
    // The sample is a test image: among the test images, it is still left out.
    const test = await services.similar(imageId, 20, 'test');
    expect(test.map((r) => r.item.id)).not.toContain(imageId);
    expect(test.every((r) => r.item.split === 'test')).toBe(true);
  });
});

describe('analogy', () => {
  const start = () => {
    const c = models.analogies.find((x) => x.attribute === 'colour' && x.matches >= 4);
    if (!c) throw new Error('no colour analogy in the test world');
    return c;
  };

  it('keeps at most k of the pool nearest the composed query, never the image it started from', async () => {
    const c = start();
    const pool = 20;
    const { results } = await services.analogy(c.imageId, c.minus, c.plus, pool, 4);
    expect(results).toHaveLength(4);
    expect(results.map((r) => r.item.id)).not.toContain(c.imageId);
    // With no words at all the query is the image itself: its pool is its nearest neighbours.
    const plain = await services.analogy(c.imageId, [], [], pool, pool);
    expect(plain.results).toHaveLength(pool);
    expect(plain.results.map((r) => r.item.id)).not.toContain(c.imageId);
    const [stored] = await regularities.images.getByIds([c.imageId]);
    const nearest = (await regularities.images.query(stored!.values, pool + 1))
      .filter((m) => m.id !== c.imageId)
      .slice(0, pool);
    // Re-ranked, so in another order, but the same images with the same cosine scores.
    const scoreOf = new Map(nearest.map((m) => [m.id, m.score]));
    expect(plain.results.map((r) => r.item.id).sort()).toEqual([...scoreOf.keys()].sort());
    for (const r of plain.results) expect(r.score).toBeCloseTo(scoreOf.get(r.item.id)!, 5);
  });

  it('reports the words of every term as the model saw them, unknown ones once', async () => {
    const c = start();
    const { minus, plus } = await services.analogy(
      c.imageId,
      ['red', 'zorblax red'],
      ['zorblax blue', 'Shiny!'],
      20,
      4,
    );
    expect(minus).toEqual({ tokens: ['red', 'zorblax', 'red'], unknownWords: ['zorblax'] });
    expect(plus).toEqual({ tokens: ['zorblax', 'blue', 'shiny'], unknownWords: ['zorblax'] });
  });

  it('gives one image for pool = k = 1', async () => {
    const { results } = await services.analogy(start().imageId, [], ['red'], 1, 1);
    expect(results).toHaveLength(1);
  });
});

describe('image and captionsOf', () => {
  it('look up an image and its own captions, in order', async () => {
    const image = await services.image(models.sample.imageId);
    expect(image).toMatchObject({ id: models.sample.imageId, split: 'test' });
    expect(await services.image('nope.svg')).toBeNull();
    const captions = await services.captionsOf(models.sample.imageId);
    expect(captions.map((c) => c.id)).toEqual(
      [0, 1, 2, 3, 4].map((k) => `${models.sample.imageId}#${k}`),
    );
    expect(captions[0]?.text).toBe(models.sample.caption);
    expect(await services.captionsOf('nope.svg')).toEqual([]);
  });

  it('reads captions #0 to #19 of an image (the most it looks up)', async () => {
    // An index holding 25 captions of one image, stored out of order.
    const dimension = retrieval.manifest.model.dimension;
    const records = randomUnitVectors(25, dimension, 5).map((values, n) => {
      const k = 24 - n;
      const metadata: CaptionMetadata = { text: `caption ${k}`, imageId: 'many.svg', split: 'val' };
      return { id: `many.svg#${k}`, values, metadata };
    });
    const captions = new FlatIndex(
      decodeFlatIndex<CaptionMetadata>(
        encodeFlatIndex({ version: 'many-captions', dimension, records }, 'float32'),
      ),
    );
    const many = servicesOver({ ...retrieval, captions });
    const found = await many.captionsOf('many.svg');
    expect(found.map((c) => c.text)).toEqual(Array.from({ length: 20 }, (_, k) => `caption ${k}`));
    expect(found[3]).toEqual({
      id: 'many.svg#3',
      text: 'caption 3',
      imageId: 'many.svg',
      split: 'val',
    });
  });
});

describe('refusals', () => {
  it('of query text: EMPTY_TEXT, TEXT_TOO_LONG and NO_KNOWN_WORDS, with details', async () => {
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
  });

  it('of an unknown image: UNKNOWN_IMAGE, naming the id', async () => {
    const annotate = await refusal(services.annotateImage('missing.svg', 5));
    expect(annotate).toMatchObject({ code: 'UNKNOWN_IMAGE', details: { imageId: 'missing.svg' } });
    expect(annotate.message).toBe('no image has the id "missing.svg"');
    expect(await refusal(services.analogy('missing.svg', ['red'], ['blue'], 20, 4))).toMatchObject({
      code: 'UNKNOWN_IMAGE',
      details: { imageId: 'missing.svg' },
    });
  });

  it('of a split the model does not have: UNKNOWN_SPLIT, with the splits it has', async () => {
    const splits = retrieval.manifest.vectors.splits;
    expect([...splits].sort()).toEqual(['test', 'train', 'val']);
    const { imageId, features } = models.sample;
    for (const p of [
      services.search('a red car', 5, 'dev'),
      services.annotateImage(imageId, 5, 'dev'),
      services.annotateFeatures(features, 5, 'dev'),
      services.similar(imageId, 5, 'dev'),
    ]) {
      expect(await refusal(p)).toMatchObject({
        code: 'UNKNOWN_SPLIT',
        details: { split: 'dev', splits },
      });
    }
    const long = await refusal(services.similar(imageId, 5, 'x'.repeat(10_000)));
    expect(long.details).toEqual({ split: `${'x'.repeat(64)}...`, splits });
  });

  it('of similar to an unknown image: UNKNOWN_IMAGE, naming the id', async () => {
    const e = await refusal(services.similar('missing.svg', 5));
    expect(e).toMatchObject({ code: 'UNKNOWN_IMAGE', details: { imageId: 'missing.svg' } });
    expect(e.message).toBe('no image has the id "missing.svg"');
  });

  it('of an analogy term without a known word: NO_KNOWN_WORDS, naming the term', async () => {
    const e = await refusal(
      services.analogy(models.sample.imageId, ['red', 'zorblax'], ['blue'], 20, 4),
    );
    expect(e).toMatchObject({ code: 'NO_KNOWN_WORDS', details: { unknownWords: ['zorblax'] } });
    expect(e.message).toContain('minus[1]');
    const empty = await refusal(services.analogy(models.sample.imageId, [], ['?'], 20, 4));
    expect(empty).toMatchObject({ code: 'EMPTY_TEXT', message: 'the plus[0] has no words' });
  });

  it('of bad features: BAD_FEATURES, saying what is wrong', async () => {
    const short = await refusal(services.annotateFeatures([1, 2, 3], 5));
    expect(short).toMatchObject({ code: 'BAD_FEATURES', details: { expected: 512, got: 3 } });
    expect(short.message).toBe('the feature vector has 3 values; the model takes 512');
    const nan = [...models.sample.features];
    nan[7] = Number.NaN;
    expect(await refusal(services.annotateFeatures(nan, 5))).toMatchObject({
      code: 'BAD_FEATURES',
      message:
        "feature 7 is NaN; every value must be a finite number within float32's range (about 3.4e38)",
      details: { index: 7 },
    });
    const infinite = [...models.sample.features];
    infinite[511] = Number.NEGATIVE_INFINITY;
    expect(await refusal(services.annotateFeatures(infinite, 5))).toMatchObject({
      code: 'BAD_FEATURES',
      details: { index: 511 },
    });
    const zeros = await refusal(services.annotateFeatures(new Array<number>(512).fill(0), 5));
    expect(zeros.code).toBe('BAD_FEATURES');
    expect(zeros.message).toMatch(/all zeros/);
    // Past float32's range: refused, not turned into infinities by the conversion.
    const huge = [...models.sample.features];
    huge[3] = 1e308;
    expect(await refusal(services.annotateFeatures(huge, 5))).toMatchObject({
      code: 'BAD_FEATURES',
      details: { index: 3 },
    });
  });

  it('of features whose squares overflow float32: the same captions as the features at a sane scale', async () => {
    const sane = await services.annotateFeatures(models.sample.features, 5);
    for (const scale of [1e20, 3e38 / Math.max(...models.sample.features)]) {
      const scaled = models.sample.features.map((x) => x * scale);
      const answer = await services.annotateFeatures(scaled, 5);
      expect(answer.map((a) => a.item.id)).toEqual(sane.map((a) => a.item.id));
    }
    // Tiny values too (their squares underflow).
    const tiny = await services.annotateFeatures(
      models.sample.features.map((x) => x * 1e-30),
      5,
    );
    expect(tiny.map((a) => a.item.id)).toEqual(sane.map((a) => a.item.id));
  });

  it('of a space loaded without what the query needs: MODEL_UNAVAILABLE, naming it', async () => {
    const noCaptions = servicesOver({ ...retrieval, captions: null });
    for (const p of [
      noCaptions.annotateImage(models.sample.imageId, 5),
      noCaptions.annotateFeatures(models.sample.features, 5),
      noCaptions.captionsOf(models.sample.imageId),
    ]) {
      const e = await refusal(p);
      expect(e.code).toBe('MODEL_UNAVAILABLE');
      expect(e.message).toBe('the retrieval space was loaded without its captions');
    }
    const noProjection = servicesOver({ ...retrieval, imageProjection: null });
    const e = await refusal(noProjection.annotateFeatures(models.sample.features, 5));
    expect(e.code).toBe('MODEL_UNAVAILABLE');
    expect(e.message).toBe('the retrieval space was loaded without its image projection');
  });
});

describe('by picture', () => {
  const picture = () => new File([fromBase64(pictureFixture('baseline.jpeg').base64)], 'a.jpg');

  it('on a model without an image encoder: NO_IMAGE_ENCODER, the picture unread', async () => {
    for (const p of [
      services.annotatePicture(picture(), 5),
      services.similarToPicture(picture(), 5),
    ]) {
      const e = await refusal(p);
      expect(e.code).toBe('NO_IMAGE_ENCODER');
      expect(e.details).toEqual({ version: 'test-retrieval', extractor: null });
    }
  });

  it('checks the split before the picture', async () => {
    const e = await refusal(services.annotatePicture(picture(), 5, 'nope'));
    expect(e.code).toBe('UNKNOWN_SPLIT');
  });

  describe('on a model with an image encoder', () => {
    const pictures = inject('pictureModel');
    let space: ModelSpace;

    beforeAll(async () => {
      await seedPictureModel();
      space = await loadModelSpace({
        bucket: env.MODELS,
        version: pictures.version,
        openIndex: flatOpener,
        withCaptions: true,
        withImageProjection: true,
      });
    });

    const made = () => new File([fromBase64(pictures.made.base64)], pictures.made.file);

    it('annotates and finds similar images for one picture, encoding it once, timing each stage', async () => {
      const timing = new ServerTiming();
      const asked: string[] = [];
      const counting = new ModelServices(
        given(space),
        given(regularities),
        async (manifest) => {
          asked.push(manifest.version);
          return encoders(manifest);
        },
        timing,
      );
      const file = made();
      const [captions, similar] = await Promise.all([
        counting.annotatePicture(file, 3),
        counting.similarToPicture(file, 100),
      ]);
      expect(asked).toEqual([pictures.version]);
      expect(captions).toHaveLength(3);
      expect(captions[0]?.item.imageId).toBe(pictures.made.file);
      // Not a stored image: nothing left out, so all the images there are (up to 100).
      expect(similar).toHaveLength(space.manifest.vectors.images.count);
      expect(similar[0]?.item.id).toBe(pictures.made.file);
      expect(timing.header()).toMatch(/^decode;dur=[\d.]+, cnn;dur=[\d.]+, index;dur=[\d.]+$/);
    });

    it('keeps to a split', async () => {
      const onlyVal = await servicesOver(space).similarToPicture(made(), 100, 'val');
      expect(onlyVal.length).toBeGreaterThan(0);
      expect(onlyVal.every((r) => r.item.split === 'val')).toBe(true);
    });
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
