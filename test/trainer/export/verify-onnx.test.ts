import * as ortWeb from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedCaptions, embedImages } from '../../../trainer/evaluate/embed.ts';
import { buildImageProjection } from '../../../trainer/export/onnx/image-projection.ts';
import { buildSentenceEncoder } from '../../../trainer/export/onnx/sentence-encoder.ts';
import { effectiveWeights, storeWeights } from '../../../trainer/export/stored-weights.ts';
import {
  checkParity,
  PARITY_TOLERANCE,
  type ParitySample,
  runImageProjection,
  runSentenceEncoder,
} from '../../../trainer/export/verify-onnx.ts';
import { JointModel } from '../../../trainer/model/model.ts';
import { selectBackend } from '../../../trainer/tf/backend.ts';
import { maxAbsDiff } from '../../support/onnx-runtimes.ts';
import {
  TINY,
  TINY_CAPTIONS,
  tinyConfig,
  tinyFeatures,
  tinyWeights,
} from '../../support/tiny-model.ts';

/**
 * The export's last check: its ONNX files run in onnxruntime-web on a sample of captions and
 * images, against the vectors the trainer's model wrote for them.
 */

const config = tinyConfig('lstm');
const D = TINY.jointDim;
const stored = storeWeights(config, tinyWeights(config, 3, 0.6), 'float16');
const sentenceOnnx = buildSentenceEncoder(config, stored, {});
const imageOnnx = buildImageProjection(config, stored, {});
const captions = TINY_CAPTIONS.map((c) => Int32Array.from(c));
const features = tinyFeatures();

let model: JointModel;
let sample: ParitySample;

beforeAll(async () => {
  await selectBackend('cpu');
  model = new JointModel(config, effectiveWeights(stored));
  const captionVectors = await embedCaptions(model, captions);
  const imageVectors = await embedImages(model, features, TINY.featureDim);
  const rows = (data: Float32Array, width: number) =>
    Array.from({ length: data.length / width }, (_, i) => data.slice(i * width, (i + 1) * width));
  sample = {
    captions,
    captionVectors: rows(captionVectors, D),
    features: rows(features, TINY.featureDim),
    imageVectors: rows(imageVectors, D),
  };
});

afterAll(() => model.dispose());

/** The sample with one written vector changed. */
function withVector(
  kind: 'captionVectors' | 'imageVectors',
  index: number,
  change: (v: Float32Array) => Float32Array,
): ParitySample {
  const vectors = sample[kind].map((v, i) => (i === index ? change(v.slice()) : v));
  return { ...sample, [kind]: vectors };
}

describe('checkParity', () => {
  it('reports how many captions and images agree, and by how much', async () => {
    const report = await checkParity(sentenceOnnx, imageOnnx, sample);
    expect(report).toMatchObject({ captions: 4, images: 4 });
    expect(report.sentenceMaxDiff).toBeLessThanOrEqual(PARITY_TOLERANCE);
    expect(report.imageMaxDiff).toBeLessThanOrEqual(PARITY_TOLERANCE);
    expect(PARITY_TOLERANCE).toBe(1e-4);
  });

  it('fails on a sentence vector that differs by more than the tolerance, saying by how much', async () => {
    const wrong = withVector('captionVectors', 2, (v) => {
      v[3] = (v[3] as number) + 1e-3;
      return v;
    });
    await expect(checkParity(sentenceOnnx, imageOnnx, wrong)).rejects.toThrow(
      /the exported ONNX files disagree with the exported vectors in onnxruntime-web: max \|difference\| 1\.0\de-3 \(sentences\), \d\.\d\de[-+]\d+ \(images\), allowed 0\.0001/,
    );
  });

  it('fails on an image vector that differs by more than the tolerance', async () => {
    const wrong = withVector('imageVectors', 0, (v) => {
      v[0] = (v[0] as number) - 5e-4;
      return v;
    });
    await expect(checkParity(sentenceOnnx, imageOnnx, wrong)).rejects.toThrow(
      /\(sentences\), 5\.0\de-4 \(images\)/,
    );
  });

  it('fails on a written vector of the wrong length or with a NaN', async () => {
    const short = withVector('captionVectors', 0, (v) => v.subarray(0, D - 1));
    await expect(checkParity(sentenceOnnx, imageOnnx, short)).rejects.toThrow(
      /max \|difference\| Infinity \(sentences\)/,
    );
    const nan = withVector('imageVectors', 1, (v) => {
      v[2] = Number.NaN;
      return v;
    });
    await expect(checkParity(sentenceOnnx, imageOnnx, nan)).rejects.toThrow(/NaN \(images\)/);
  });
});

describe('runSentenceEncoder and runImageProjection', () => {
  it('run one caption or one image at a time, as the worker does', async () => {
    ortWeb.env.wasm.numThreads = 1;
    const sentences = await ortWeb.InferenceSession.create(sentenceOnnx);
    const images = await ortWeb.InferenceSession.create(imageOnnx);
    try {
      for (const [k, ids] of captions.entries()) {
        const got = await runSentenceEncoder(sentences, ids);
        expect(got).toHaveLength(D);
        expect(maxAbsDiff(got, sample.captionVectors[k] as Float32Array)).toBeLessThan(1e-5);
      }
      const got = await runImageProjection(images, sample.features[3] as Float32Array);
      expect(got).toHaveLength(D);
      expect(maxAbsDiff(got, sample.imageVectors[3] as Float32Array)).toBeLessThan(1e-5);
    } finally {
      await sentences.release();
      await images.release();
    }
  });
});
