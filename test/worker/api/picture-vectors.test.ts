import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { ModelManifest } from '../../../core/manifest.ts';
import { MODEL_FILES } from '../../../core/model-files.ts';
import { modelFileKey } from '../../../core/r2-layout.ts';
import { noImageEncoder, PictureVectors } from '../../../worker/api/picture-vectors.ts';
import { ServerTiming } from '../../../worker/api/server-timing.ts';
import { loadImageEncoder } from '../../../worker/model/model-space.ts';
import type { InferenceSession } from '../../../worker/onnx/ort-runtime.ts';
import { QueryError } from '../../../worker/query-error.ts';
import { fromBase64 } from '../../support/picture-bytes.ts';
import { seedPictureModel } from '../../support/seed-pictures.ts';

// A request's picture vectors: made once per file, checked before any model is asked for, with
// their stages timed. Over the picture model of the global setup (it has an image encoder).

const pictureModel = inject('pictureModel');
let manifest: ModelManifest;
let encoder: InferenceSession;

beforeAll(async () => {
  await seedPictureModel();
  const object = await env.MODELS.get(modelFileKey(pictureModel.version, MODEL_FILES.manifest));
  manifest = (await object!.json()) as ModelManifest;
  encoder = await loadImageEncoder(env.MODELS, manifest);
});

/** PictureVectors whose encoder getter counts its calls. */
function counted(timing = new ServerTiming()) {
  const asked: string[] = [];
  const vectors = new PictureVectors(async (m) => {
    asked.push(m.version);
    return encoder;
  }, timing);
  return { vectors, asked, timing };
}

const made = () => new File([fromBase64(pictureModel.made.base64)], pictureModel.made.file);

async function refusal(p: Promise<unknown>): Promise<QueryError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(QueryError);
  return e as QueryError;
}

describe('PictureVectors', () => {
  it("makes a picture's unit vector of the model's dimension, timing decode and cnn", async () => {
    const { vectors, timing } = counted();
    const vector = await vectors.of(made(), manifest);
    expect(vector).toHaveLength(manifest.model.dimension);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    expect(timing.header()).toMatch(/^decode;dur=[\d.]+, cnn;dur=[\d.]+$/);
  });

  it('makes each file once per request, however often it is asked for', async () => {
    const { vectors, asked } = counted();
    const file = made();
    const [a, b] = await Promise.all([vectors.of(file, manifest), vectors.of(file, manifest)]);
    expect(a).toBe(b);
    expect(await vectors.of(file, manifest)).toBe(a);
    expect(asked).toEqual([pictureModel.version]);
    // Another file (even of the same bytes) is another picture.
    const again = await vectors.of(made(), manifest);
    expect(again).not.toBe(a);
    expect(again).toEqual(a);
    expect(asked).toHaveLength(2);
  });

  it('refuses a bad upload before asking for the image encoder (no model load for it)', async () => {
    const { vectors, asked } = counted();
    const e = await refusal(vectors.of(new File(['not a picture'], 'a.txt'), manifest));
    expect(e.code).toBe('NOT_A_PICTURE');
    expect(asked).toEqual([]);
  });

  it('refuses a model without an image encoder before reading the picture', async () => {
    const { vectors, asked } = counted();
    const without: ModelManifest = {
      ...manifest,
      version: 'features-from-elsewhere',
      model: { ...manifest.model, extractor: null },
      onnx: { ...manifest.onnx, imageEncoder: null },
    };
    const unread = { size: 10, arrayBuffer: () => Promise.reject(new Error('read')) } as Blob;
    const e = await refusal(vectors.of(unread, without));
    expect(e.code).toBe('NO_IMAGE_ENCODER');
    expect(e.details).toEqual({ version: 'features-from-elsewhere', extractor: null });
    expect(asked).toEqual([]);
  });

  it('says MODEL_UNAVAILABLE when the encoder gives a vector of another dimension', async () => {
    const { vectors } = counted();
    const e = await refusal(
      vectors.of(made(), { ...manifest, model: { ...manifest.model, dimension: 17 } }),
    );
    expect(e.code).toBe('MODEL_UNAVAILABLE');
    expect(e.message).toBe(
      `the image encoder of model version ${pictureModel.version} gave no usable vector`,
    );
  });
});

describe('noImageEncoder', () => {
  it('names the version and where its features came from', () => {
    const e = noImageEncoder({
      ...manifest,
      version: 'v1',
      model: { ...manifest.model, extractor: 'vgg19-fc7' },
    });
    expect(e.code).toBe('NO_IMAGE_ENCODER');
    expect(e.details).toEqual({ version: 'v1', extractor: 'vgg19-fc7' });
    expect(e.message).toBe(
      'model version v1 takes no pictures: it was trained on features of vgg19-fc7, and has no image encoder (annotate by id or by features instead)',
    );
    const older = noImageEncoder({
      ...manifest,
      version: 'v0',
      model: { ...manifest.model, extractor: undefined },
    });
    expect(older.details).toEqual({ version: 'v0', extractor: null });
    expect(older.message).toMatch(/trained on features made elsewhere/);
  });
});
