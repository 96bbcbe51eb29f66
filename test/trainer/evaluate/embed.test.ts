import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { embedCaptions, embedImages } from '../../../trainer/evaluate/embed.ts';
import { ENCODERS, type EncoderKind } from '../../../trainer/model/config.ts';
import { JointModel } from '../../../trainer/model/model.ts';
import { selectBackend } from '../../../trainer/tf/backend.ts';
import {
  referenceImages,
  referenceSentences,
  TINY,
  TINY_CAPTIONS,
  tinyConfig,
  tinyFeatures,
  tinyWeights,
} from '../../support/tiny-model.ts';

beforeAll(async () => {
  await selectBackend('cpu');
});

/** Within float32 rounding of each other, value by value. */
function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual).toHaveLength(expected.length);
  const worst = actual.reduce((m, v, i) => Math.max(m, Math.abs(v - (expected[i] as number))), 0);
  expect(worst).toBeLessThan(1e-5);
}

async function withModel(
  encoder: EncoderKind,
  use: (model: JointModel) => Promise<void>,
): Promise<void> {
  const config = tinyConfig(encoder);
  const model = new JointModel(config, tinyWeights(config));
  try {
    await use(model);
  } finally {
    model.dispose();
  }
}

/** The model's parameters by name, as the reference forward pass takes them. */
const params = (model: JointModel) => Object.fromEntries(model.variables);

const CAPTIONS = TINY_CAPTIONS.map((c) => Int32Array.from(c));

describe('embedImages', () => {
  it('gives the unit image vectors of the reference forward pass, row for row', () =>
    withModel('bow', async (model) => {
      const features = tinyFeatures();
      const expected = tf.tidy(() =>
        referenceImages(params(model), tf.tensor2d(features, [4, TINY.featureDim])).dataSync(),
      ) as Float32Array;
      const out = await embedImages(model, features, TINY.featureDim);
      expect(out).toHaveLength(4 * TINY.jointDim);
      expectClose(out, expected);
    }));

  it('gives the same vectors in any chunk size, reporting progress per chunk', () =>
    withModel('lstm', async (model) => {
      const features = tinyFeatures();
      const whole = await embedImages(model, features, TINY.featureDim);
      const done: number[] = [];
      const chunked = await embedImages(model, features, TINY.featureDim, 3, (n) => done.push(n));
      expect(chunked).toEqual(whole);
      expect(done).toEqual([3, 4]);
    }));

  it('embeds no images as an empty matrix', () =>
    withModel('bow', async (model) => {
      const done: number[] = [];
      const out = await embedImages(model, new Float32Array(0), TINY.featureDim, 2, (n) =>
        done.push(n),
      );
      expect(out).toEqual(new Float32Array(0));
      expect(done).toEqual([]);
    }));

  it('leaves no tensors behind', () =>
    withModel('bow', async (model) => {
      const before = tf.memory().numTensors;
      await embedImages(model, tinyFeatures(), TINY.featureDim, 1);
      expect(tf.memory().numTensors).toBe(before);
    }));
});

describe('embedCaptions', () => {
  it.each(ENCODERS)('%s: gives each caption the vector it has alone, in input order', (encoder) =>
    withModel(encoder, async (model) => {
      // The captions are batched by length (3, 5, 1, 4 tokens), so input order is not batch order.
      const expected = tf.tidy(() =>
        referenceSentences(model.config, params(model), TINY_CAPTIONS).dataSync(),
      ) as Float32Array;
      expectClose(await embedCaptions(model, CAPTIONS), expected);
      expectClose(await embedCaptions(model, CAPTIONS, 2), expected);
    }),
  );

  it('reports progress per batch and leaves no tensors behind', () =>
    withModel('gru', async (model) => {
      const before = tf.memory().numTensors;
      const done: number[] = [];
      await embedCaptions(model, CAPTIONS, 3, (n) => done.push(n));
      expect(done).toEqual([3, 4]);
      expect(tf.memory().numTensors).toBe(before);
    }));

  it('embeds no captions as an empty matrix', () =>
    withModel('lstm', async (model) => {
      expect(await embedCaptions(model, [])).toEqual(new Float32Array(0));
    }));
});
