import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { decodeFlatIndex, encodeFlatIndex } from '../../../core/flat-index.ts';
import type { ModelManifest } from '../../../core/manifest.ts';
import { MODEL_FILES, type VectorKind } from '../../../core/model-files.ts';
import { modelFileKey } from '../../../core/r2-layout.ts';
import { flatFileOf } from '../../../core/version-check.ts';
import {
  type IndexOpener,
  type LoadOptions,
  loadImageEncoder,
  loadModelSpace,
  ModelLoadError,
} from '../../../worker/model/model-space.ts';
import { encodePictures, encodeSentence, projectImages } from '../../../worker/onnx/encode.ts';
import { FlatIndex, loadFlatIndex } from '../../../worker/vector-index/flat-index.ts';
import type { VectorIndex } from '../../../worker/vector-index/vector-index.ts';
import { randomUnitVectors } from '../../support/random-vectors.ts';
import { seedDemoModels } from '../../support/seed-models.ts';
import { seedPictureModel } from '../../support/seed-pictures.ts';

// Loading one model version from the simulated R2 bucket: the demo models of the global setup
// (test-retrieval: LSTM, with image projection and both flat indexes; test-regularities: bag of
// words, images only), and copies of them broken one way each. Every refusal is a
// ModelLoadError whose message names the version and what does not belong (for the log).

const models = inject('demoModels');
const RETRIEVAL = 'test-retrieval';
const REGULARITIES = 'test-regularities';

const PICTURES = inject('pictureModel').version;

beforeAll(async () => {
  await seedDemoModels();
  await seedPictureModel();
});

async function bytesOf(key: string): Promise<Uint8Array> {
  const object = await env.MODELS.get(key);
  if (object === null) throw new Error(`${key} is not seeded`);
  return new Uint8Array(await object.arrayBuffer());
}

async function manifestOf(version: string): Promise<ModelManifest> {
  const text = new TextDecoder().decode(await bytesOf(modelFileKey(version, MODEL_FILES.manifest)));
  return JSON.parse(text) as ModelManifest;
}

interface Copy {
  /** Changes to the copied manifest (its version is already the copy's). */
  edit?: (manifest: ModelManifest) => void;
  /** Files to leave out. */
  skip?: string[];
  /** Files to store with other bytes. */
  replace?: Record<string, Uint8Array>;
}

/** Copies every object of version `from` to version `to`, as `copy` says. */
async function copyVersion(from: string, to: string, copy: Copy = {}): Promise<void> {
  const prefix = modelFileKey(from, '');
  const listed = await env.MODELS.list({ prefix });
  expect(listed.truncated).toBe(false);
  for (const { key } of listed.objects) {
    const file = key.slice(prefix.length);
    if (file === MODEL_FILES.manifest || copy.skip?.includes(file)) continue;
    await env.MODELS.put(modelFileKey(to, file), copy.replace?.[file] ?? (await bytesOf(key)));
  }
  const manifest = { ...(await manifestOf(from)), version: to };
  copy.edit?.(manifest);
  await env.MODELS.put(modelFileKey(to, MODEL_FILES.manifest), JSON.stringify(manifest));
}

/** Opens the version's float32 flat index files from the bucket, noting each kind opened. */
function flatOpener(opened: VectorKind[] = []): IndexOpener {
  return (async (manifest: ModelManifest, kind: VectorKind) => {
    opened.push(kind);
    const file = flatFileOf(manifest, kind, 'float32');
    return loadFlatIndex(env.MODELS, modelFileKey(manifest.version, file));
  }) as IndexOpener;
}

function retrievalOptions(version: string, openIndex = flatOpener()): LoadOptions {
  return { bucket: env.MODELS, version, openIndex, withCaptions: true, withImageProjection: true };
}

/** The ModelLoadError that `load` rejects with (failing the test for anything else). */
async function refusal(load: Promise<unknown>): Promise<ModelLoadError> {
  const e = await load.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ModelLoadError);
  return e as ModelLoadError;
}

/** A flat index of `count` random unit vectors of `dimension`. */
function randomIndex(dimension: number, count: number): VectorIndex<unknown> {
  const records = randomUnitVectors(count, dimension, 3).map((values, i) => ({
    id: `x${i}`,
    values,
    metadata: null,
  }));
  return new FlatIndex(
    decodeFlatIndex(encodeFlatIndex({ version: 'other', dimension, records }, 'float32')),
  );
}

describe('loadModelSpace', () => {
  it('loads a retrieval version: manifest, vocabulary, both sessions and both indexes', async () => {
    const opened: VectorKind[] = [];
    const space = await loadModelSpace(retrievalOptions(RETRIEVAL, flatOpener(opened)));
    const { manifest } = space;
    expect(manifest).toMatchObject({
      version: RETRIEVAL,
      space: 'retrieval',
      model: { encoder: 'lstm' },
    });
    expect(space.vocabulary.size).toBe(manifest.model.vocabSize);
    expect(space.vocabulary.toJSON().hash).toBe(manifest.vocabulary.hash);
    expect(space.sentenceEncoder.inputNames).toEqual([manifest.onnx.sentenceEncoder.input]);
    expect(space.imageProjection?.inputNames).toEqual([manifest.onnx.imageProjection.input]);
    expect(opened).toEqual(['images', 'captions']);
    expect(await space.images.describe()).toEqual({
      dimension: manifest.model.dimension,
      count: manifest.vectors.images.count,
    });
    expect(await space.captions?.describe()).toEqual({
      dimension: manifest.model.dimension,
      count: manifest.vectors.captions.count,
    });
  });

  it('gives sessions that make unit vectors of the model’s dimension', async () => {
    const space = await loadModelSpace(retrievalOptions(RETRIEVAL));
    const { ids } = space.vocabulary.encode(models.sample.caption);
    const sentence = await encodeSentence(space.sentenceEncoder, ids);
    expect(sentence).toHaveLength(space.manifest.model.dimension);
    expect(Math.hypot(...sentence)).toBeCloseTo(1, 4);
    const image = await projectImages(
      space.imageProjection!,
      Float32Array.from(models.sample.features),
      space.manifest.model.featureDim,
    );
    expect(image).toHaveLength(space.manifest.model.dimension);
    expect(Math.hypot(...image)).toBeCloseTo(1, 4);
  });

  it('loads only what is asked for: no captions index, no image projection', async () => {
    const opened: VectorKind[] = [];
    const space = await loadModelSpace({
      bucket: env.MODELS,
      version: REGULARITIES,
      openIndex: flatOpener(opened),
      withCaptions: false,
      withImageProjection: false,
    });
    expect(space.manifest).toMatchObject({ version: REGULARITIES, space: 'regularities' });
    expect(space.imageProjection).toBeNull();
    expect(space.captions).toBeNull();
    expect(opened).toEqual(['images']);
    expect((await space.images.describe()).count).toBe(space.manifest.vectors.images.count);
  });
});

describe('loadModelSpace refuses', () => {
  it('a version whose manifest is not in the bucket', async () => {
    const e = await refusal(loadModelSpace(retrievalOptions('never-exported')));
    expect(e.message).toBe(
      'model version never-exported: models/never-exported/manifest.json is not in the bucket',
    );
  });

  it('a manifest that is not JSON, or not a manifest', async () => {
    await env.MODELS.put(modelFileKey('garbled', MODEL_FILES.manifest), '{"format": ');
    expect((await refusal(loadModelSpace(retrievalOptions('garbled')))).message).toMatch(
      /^model version garbled: manifest\.json is not valid JSON: \S/,
    );
    await env.MODELS.put(
      modelFileKey('not-ours', MODEL_FILES.manifest),
      JSON.stringify({ format: 'onnx-model' }),
    );
    expect((await refusal(loadModelSpace(retrievalOptions('not-ours')))).message).toBe(
      'model version not-ours: its manifest is not valid: manifest.json: format must be "jointspace-model"',
    );
  });

  it('a manifest of another version stored under this one', async () => {
    await env.MODELS.put(
      modelFileKey('moved', MODEL_FILES.manifest),
      await bytesOf(modelFileKey(RETRIEVAL, MODEL_FILES.manifest)),
    );
    const e = await refusal(loadModelSpace(retrievalOptions('moved')));
    expect(e.message).toBe(
      `model version moved: the manifest stored under it is for version ${RETRIEVAL}`,
    );
  });

  it('a vocabulary whose size or SHA-256 is not the manifest’s', async () => {
    const vocab = await bytesOf(modelFileKey(RETRIEVAL, MODEL_FILES.vocabulary));
    await copyVersion(RETRIEVAL, 'cut-vocab', {
      replace: { [MODEL_FILES.vocabulary]: vocab.subarray(0, vocab.length - 1) },
    });
    expect((await refusal(loadModelSpace(retrievalOptions('cut-vocab')))).message).toBe(
      `model version cut-vocab: vocab.json does not match the manifest: ${vocab.length - 1} bytes, not ${vocab.length} (changed, truncated, or a file of another version)`,
    );
    // The same length, one word renamed: only the digest tells.
    const text = new TextDecoder().decode(vocab);
    const renamed = new TextEncoder().encode(text.replace('"red"', '"rex"'));
    expect(renamed).not.toEqual(vocab);
    expect(renamed).toHaveLength(vocab.length);
    await copyVersion(RETRIEVAL, 'renamed-vocab', {
      replace: { [MODEL_FILES.vocabulary]: renamed },
    });
    expect((await refusal(loadModelSpace(retrievalOptions('renamed-vocab')))).message).toBe(
      'model version renamed-vocab: vocab.json does not match the manifest: its SHA-256 differs (changed, or a file of another version)',
    );
  });

  it('a vocabulary that is the manifest’s file but not the manifest’s vocabulary hash', async () => {
    const other = 'c'.repeat(64);
    await copyVersion(RETRIEVAL, 'other-hash', {
      edit: (m) => {
        m.vocabulary.hash = other;
      },
    });
    const actual = (await manifestOf(RETRIEVAL)).vocabulary.hash;
    expect((await refusal(loadModelSpace(retrievalOptions('other-hash')))).message).toBe(
      `model version other-hash: the vocabulary's hash ${actual.slice(0, 12)}... is not the manifest's ${other.slice(0, 12)}...`,
    );
  });

  it('a missing or changed ONNX file', async () => {
    await copyVersion(RETRIEVAL, 'no-encoder', { skip: [MODEL_FILES.sentenceEncoder] });
    expect((await refusal(loadModelSpace(retrievalOptions('no-encoder')))).message).toBe(
      'model version no-encoder: models/no-encoder/sentence_encoder.onnx is not in the bucket',
    );
    const projection = await bytesOf(modelFileKey(RETRIEVAL, MODEL_FILES.imageProjection));
    const changed = projection.slice();
    changed[changed.length - 1] = projection[projection.length - 1]! ^ 1;
    await copyVersion(RETRIEVAL, 'changed-projection', {
      replace: { [MODEL_FILES.imageProjection]: changed },
    });
    expect((await refusal(loadModelSpace(retrievalOptions('changed-projection')))).message).toBe(
      'model version changed-projection: image_projection.onnx does not match the manifest: its SHA-256 differs (changed, or a file of another version)',
    );
  });

  it('an image projection asked of a version that was served without one', async () => {
    // The regularities version is seeded with what analogy needs: no image projection.
    const e = await refusal(loadModelSpace(retrievalOptions(REGULARITIES)));
    expect(e.message).toBe(
      `model version ${REGULARITIES}: models/${REGULARITIES}/image_projection.onnx is not in the bucket`,
    );
  });

  it('an index of another dimension, or of another count than the export wrote', async () => {
    const manifest = await manifestOf(RETRIEVAL);
    const { dimension } = manifest.model;
    const wrongDimension = (async () => randomIndex(8, 5)) as IndexOpener;
    expect(
      (await refusal(loadModelSpace(retrievalOptions(RETRIEVAL, wrongDimension)))).message,
    ).toBe(
      `model version ${RETRIEVAL}: its images index holds 8-d vectors; the model makes ${dimension}-d`,
    );
    // The right images, but captions of which three are left.
    const real = flatOpener();
    const fewCaptions = (async (m: ModelManifest, kind: VectorKind) =>
      kind === 'images' ? real(m, kind) : randomIndex(dimension, 3)) as IndexOpener;
    expect((await refusal(loadModelSpace(retrievalOptions(RETRIEVAL, fewCaptions)))).message).toBe(
      `model version ${RETRIEVAL}: its captions index holds 3 vectors; the export wrote ${manifest.vectors.captions.count}`,
    );
  });

  it('a session without the inputs and outputs the manifest names', async () => {
    await copyVersion(RETRIEVAL, 'renamed-input', {
      edit: (m) => {
        m.onnx.sentenceEncoder.input = 'ids';
      },
    });
    expect((await refusal(loadModelSpace(retrievalOptions('renamed-input')))).message).toMatch(
      /^model version renamed-input: sentence_encoder\.onnx has inputs \[token_ids\] and outputs \[sentence_vector\]; the manifest names ids -> sentence_vector$/,
    );
  });

  it('an index that cannot be opened, with what went wrong', async () => {
    const broken = (async () => {
      throw new TypeError('the object body ended early');
    }) as IndexOpener;
    expect((await refusal(loadModelSpace(retrievalOptions(RETRIEVAL, broken)))).message).toBe(
      `model version ${RETRIEVAL}: its images index could not be opened: the object body ended early`,
    );
  });
});

describe('loadImageEncoder', () => {
  it('loads the image encoder of a version that has one: pixels in, a unit vector out', async () => {
    const manifest = await manifestOf(PICTURES);
    const session = await loadImageEncoder(env.MODELS, manifest);
    expect(session.inputNames).toEqual(['pixels']);
    expect(session.outputNames).toEqual(['image_vector']);
    const vector = await encodePictures(session, new Uint8Array(224 * 224 * 3).fill(128));
    expect(vector).toHaveLength(manifest.model.dimension);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
  });

  it('refuses a version without one', async () => {
    const e = await refusal(loadImageEncoder(env.MODELS, await manifestOf(RETRIEVAL)));
    expect(e.message).toBe(`model version ${RETRIEVAL}: it has no image encoder`);
  });

  it('refuses a missing or changed file, as the other files', async () => {
    await copyVersion(PICTURES, 'pictures-no-encoder', { skip: [MODEL_FILES.imageEncoder] });
    const missing = await refusal(
      loadImageEncoder(env.MODELS, await manifestOf('pictures-no-encoder')),
    );
    expect(missing.message).toMatch(/image_encoder\.onnx is not in the bucket/);
    const original = await bytesOf(modelFileKey(PICTURES, MODEL_FILES.imageEncoder));
    const changed = original.slice();
    changed[changed.length - 1] = (changed[changed.length - 1] as number) ^ 1;
    await copyVersion(PICTURES, 'pictures-changed-encoder', {
      replace: { [MODEL_FILES.imageEncoder]: changed },
    });
    const e = await refusal(
      loadImageEncoder(env.MODELS, await manifestOf('pictures-changed-encoder')),
    );
    expect(e.message).toMatch(
      /image_encoder\.onnx does not match the manifest: its SHA-256 differs/,
    );
  });
});
