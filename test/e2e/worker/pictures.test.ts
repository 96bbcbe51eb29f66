import { createExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { servicesFor } from '../../../worker/api/served-models.ts';
import { ServerTiming } from '../../../worker/api/server-timing.ts';
import { createGraphQLHandler } from '../../../worker/graphql/handler.ts';
import { pictureRequest } from '../../support/multipart.ts';
import { fromBase64, pictureFixture } from '../../support/picture-bytes.ts';
import { seedDemoModels } from '../../support/seed-models.ts';
import { seedPictureModel } from '../../support/seed-pictures.ts';

/**
 * Queries by an uploaded picture end to end inside workerd: multipart requests, the worker's
 * decoders, the image encoder in onnxruntime-web, the flat index. Over the demo models (their
 * features came from no CNN: no image encoder) through the worker's own fetch handler, and over
 * the picture model of the global setup (test/support/picture-model.ts), whose image encoder
 * must place an uploaded picture where the trainer's features of it put it.
 */

const pictureModel = inject('pictureModel');

/**
 * How close an upload's scores come to those of the same picture's stored features: the
 * decoders give sharp's pixels exactly, so what differs is onnxruntime-web's CNN against
 * tfjs-wasm's (the export measured 5e-7 on the vectors).
 */
const SCORE_TOLERANCE = 1e-5;

interface Body {
  // biome-ignore lint/suspicious/noExplicitAny: each test reads the shape its query selected.
  data?: any;
  errors?: { message: string; extensions?: { code?: string; details?: unknown } }[];
}

const picture = (base64: string, name: string) => new File([fromBase64(base64)], name);

/** The worker's own handler (RETRIEVAL_MODEL: the demo model, which has no image encoder). */
async function viaWorker(request: Request): Promise<{ status: number; body: Body }> {
  const res = await exports.default.fetch(request);
  return { status: res.status, body: (await res.json()) as Body };
}

/** A handler that serves the picture model as the retrieval space, with Server-Timing. */
const servePictureModel = createGraphQLHandler<Cloudflare.Env>((_request, e, ctx) =>
  servicesFor({ ...e, RETRIEVAL_MODEL: pictureModel.version }, timingOf.get(ctx), (w) =>
    ctx.waitUntil(w),
  ),
);
const timingOf = new WeakMap<ExecutionContext, ServerTiming>();

async function viaPictureModel(
  request: Request,
): Promise<{ status: number; body: Body; timing: string | null }> {
  const ctx = createExecutionContext();
  const timing = new ServerTiming();
  timingOf.set(ctx, timing);
  const res = timing.attach(await servePictureModel(request, env, ctx));
  return {
    status: res.status,
    body: (await res.json()) as Body,
    timing: res.headers.get('Server-Timing'),
  };
}

async function viaPictureModelJson(query: string, variables: Record<string, unknown>) {
  return viaPictureModel(
    new Request('http://jointspace.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
    }),
  );
}

const ANNOTATE_PICTURE =
  'query($picture: File!) { annotate(image: { picture: $picture }, first: 20) { image { id } edges { score node { id text } } } }';
const ANNOTATE_FEATURES =
  'query($f: [Float!]) { annotate(image: { features: $f }, first: 20) { edges { score node { id text } } } }';

type Edge = { score: number; node: { id: string } };

/**
 * The upload's captions against the features': every score within the tolerance, and the same
 * order wherever two neighbouring scores are further apart than it (nearer ones may swap).
 */
function expectSameCaptions(upload: Edge[], features: Edge[]): number {
  expect(upload).toHaveLength(features.length);
  const byId = new Map(features.map((e) => [e.node.id, e.score]));
  let worst = 0;
  for (const edge of upload) {
    const expected = byId.get(edge.node.id);
    expect(expected, `${edge.node.id} is not among the features' captions`).toBeDefined();
    worst = Math.max(worst, Math.abs(edge.score - (expected as number)));
  }
  expect(worst).toBeLessThanOrEqual(SCORE_TOLERANCE);
  for (let i = 0; i < features.length; i++) {
    const gapBefore = i === 0 ? 1 : features[i - 1]!.score - features[i]!.score;
    const gapAfter = i === features.length - 1 ? 1 : features[i]!.score - features[i + 1]!.score;
    if (Math.min(gapBefore, gapAfter) > 2 * SCORE_TOLERANCE) {
      expect(upload[i]!.node.id).toBe(features[i]!.node.id);
    }
  }
  return worst;
}

beforeAll(async () => {
  await seedDemoModels();
  await seedPictureModel();
});

describe('a model without an image encoder (the demo models)', () => {
  it('annotate by picture: NO_IMAGE_ENCODER, with the version and its extractor', async () => {
    const upload = picture(pictureFixture('baseline.jpeg').base64, 'photo.jpg');
    const { status, body } = await viaWorker(pictureRequest(ANNOTATE_PICTURE, upload));
    expect(status).toBe(200);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.extensions).toEqual({
      code: 'NO_IMAGE_ENCODER',
      details: { version: 'test-retrieval', extractor: null },
    });
  });

  it('similar by picture: NO_IMAGE_ENCODER', async () => {
    const upload = picture(pictureFixture('rgb.png').base64, 'photo.png');
    const { body } = await viaWorker(
      pictureRequest(
        'query($picture: File) { similar(picture: $picture) { edges { score } } }',
        upload,
      ),
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('NO_IMAGE_ENCODER');
  });

  it('says so in its description: no extractor, no image encoder', async () => {
    const { body } = await viaWorker(
      new Request('http://jointspace.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: '{ models { retrieval { extractor imageEncoder { extractor } } } }',
        }),
      }),
    );
    expect(body).toEqual({
      data: { models: { retrieval: { extractor: null, imageEncoder: null } } },
    });
  });
});

describe('a model with an image encoder', () => {
  it('describes its image encoder', async () => {
    const { body } = await viaPictureModelJson(
      '{ models { retrieval { version extractor imageEncoder { extractor width height resize weights parityMaxAbsDifference } } } }',
      {},
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.models.retrieval).toMatchObject({
      version: pictureModel.version,
      extractor: 'nsfwjs-mobilenetv2-mid',
      imageEncoder: {
        extractor: 'nsfwjs-mobilenetv2-mid',
        width: 224,
        height: 224,
        resize: 'exif-orient+centre-square+area-average@224',
        weights: 'INT8',
      },
    });
    expect(body.data.models.retrieval.imageEncoder.parityMaxAbsDifference).toBeLessThan(1e-5);
  });

  it("an uploaded picture gets the captions its trainer's features get", async () => {
    const { made } = pictureModel;
    const upload = await viaPictureModel(
      pictureRequest(ANNOTATE_PICTURE, picture(made.base64, made.file)),
    );
    expect(upload.body.errors).toBeUndefined();
    expect(upload.body.data.annotate.image).toBeNull();
    const stored = await viaPictureModelJson(ANNOTATE_FEATURES, { f: made.features });
    const worst = expectSameCaptions(
      upload.body.data.annotate.edges,
      stored.body.data.annotate.edges,
    );
    console.log(
      `made picture ${made.file}: scores within ${worst.toExponential(1)} of its features'`,
    );
    // What the model learned: its best caption names the picture's colour and shape.
    const [colour, shape] = made.file.replace('.jpg', '').split('-');
    expect(upload.body.data.annotate.edges[0].node.text).toContain(colour);
    expect(upload.body.data.annotate.edges[0].node.text).toContain(shape);
    expect(upload.timing).toMatch(/decode;dur=[\d.]+, cnn;dur=[\d.]+, index;dur=[\d.]+/);
  });

  it.skipIf(pictureModel.photo === null)(
    'a Flickr8k dev photo gets the captions its row of the shared features gets',
    async () => {
      const photo = pictureModel.photo!;
      const upload = await viaPictureModel(
        pictureRequest(ANNOTATE_PICTURE, picture(photo.base64, photo.file)),
      );
      expect(upload.body.errors).toBeUndefined();
      const stored = await viaPictureModelJson(ANNOTATE_FEATURES, { f: photo.features });
      const worst = expectSameCaptions(
        upload.body.data.annotate.edges,
        stored.body.data.annotate.edges,
      );
      console.log(
        `dev photo ${photo.file}: scores within ${worst.toExponential(1)} of its .npy row's`,
      );
      console.log(`dev photo Server-Timing: ${upload.timing}`);
    },
  );

  it('similar by picture: its own stored image first, at a cosine of 1; no start image', async () => {
    const { made } = pictureModel;
    const { body } = await viaPictureModel(
      pictureRequest(
        'query($picture: File) { similar(picture: $picture, first: 3) { image { id } edges { score node { id } } } }',
        picture(made.base64, made.file),
      ),
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.similar.image).toBeNull();
    expect(body.data.similar.edges).toHaveLength(3);
    expect(body.data.similar.edges[0].node.id).toBe(made.file);
    expect(body.data.similar.edges[0].score).toBeGreaterThan(1 - SCORE_TOLERANCE);
  });

  it('one file in annotate and similar: decoded and encoded once, both answered', async () => {
    const { made } = pictureModel;
    const { body, timing } = await viaPictureModel(
      pictureRequest(
        'query($picture: File) { a: annotate(image: { picture: $picture }, first: 1) { edges { node { id } } } s: similar(picture: $picture, first: 1) { edges { node { id } } } }',
        picture(made.base64, made.file),
      ),
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.s.edges[0].node.id).toBe(made.file);
    expect(body.data.a.edges).toHaveLength(1);
    // One entry per stage (each is a sum, so this shows the stages ran, not how often).
    expect(timing?.split(', ').map((t) => t.split(';')[0])).toEqual(['decode', 'cnn', 'index']);
  });

  it('times each stage of an upload (Server-Timing), the same picture three times', async () => {
    const { made } = pictureModel;
    const runs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { timing } = await viaPictureModel(
        pictureRequest(ANNOTATE_PICTURE, picture(made.base64, made.file)),
      );
      runs.push(timing ?? '');
    }
    console.log(`a 320 x 240 JPEG, three uploads in a row:\n  ${runs.join('\n  ')}`);
    for (const run of runs)
      expect(run).toMatch(/^decode;dur=[\d.]+, cnn;dur=[\d.]+, index;dur=[\d.]+$/);
  });

  it.each([
    ['NOT_A_PICTURE', () => new File([new TextEncoder().encode('not a picture')], 'notes.txt')],
    [
      'UNSUPPORTED_PICTURE',
      () => new File([new TextEncoder().encode('GIF89a\x01\x00\x01\x00\x00\x00\x00;')], 'a.gif'),
    ],
    [
      'NOT_A_PICTURE',
      () => {
        const bytes = fromBase64(pictureModel.made.base64);
        return new File([bytes.subarray(0, bytes.length >> 1)], 'cut.jpg');
      },
    ],
    ['PICTURE_TOO_LARGE', () => new File([new Uint8Array(8 * 1024 * 1024 + 1)], 'big.jpg')],
  ])('refuses a bad upload with %s, and still answers the next', async (code, file) => {
    const { body } = await viaPictureModel(pictureRequest(ANNOTATE_PICTURE, file()));
    expect(body.errors?.[0]?.extensions?.code).toBe(code);
    expect(body.data).toBeNull();
  });
});
