import * as tf from '@tensorflow/tfjs-core';
import onnxProto from 'onnx-proto';
import * as ortNode from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEIGHT_PRECISIONS, type WeightPrecision } from '../../../../core/manifest.ts';
import { DataType } from '../../../../trainer/export/onnx/graph-builder.ts';
import { buildImageProjection } from '../../../../trainer/export/onnx/image-projection.ts';
import {
  effectiveWeights,
  type StoredWeights,
  storeWeights,
} from '../../../../trainer/export/stored-weights.ts';
import type { ModelConfig } from '../../../../trainer/model/config.ts';
import { JointModel } from '../../../../trainer/model/model.ts';
import { Random } from '../../../../trainer/random.ts';
import { selectBackend } from '../../../../trainer/tf/backend.ts';
import { maxAbsDiff, ONNX_RUNTIMES, runOnnx } from '../../../support/onnx-runtimes.ts';
import { tinyWeights } from '../../../support/tiny-model.ts';

/**
 * The exported image projection, x = W_I q / |W_I q|, against the trainer's model, in both ONNX
 * Runtimes: onnxruntime-node (native) and onnxruntime-web (wasm, the worker's runtime).
 */

const TOLERANCE = 1e-4;
const CONFIG: ModelConfig = {
  encoder: 'lstm',
  vocabSize: 12,
  wordDim: 12,
  jointDim: 20,
  featureDim: 9,
};
const F = CONFIG.featureDim;
const D = CONFIG.jointDim;

/** Weights far from initial values (large and varied), so every unit matters. */
const WEIGHTS = tinyWeights(CONFIG, 7, 0.6);

beforeAll(async () => {
  await selectBackend('cpu');
});

async function trainerVectors(model: JointModel, features: Float32Array): Promise<Float32Array> {
  const v = model.encodeImages(tf.tensor2d(features, [features.length / F, F]));
  const data = (await v.data()) as Float32Array;
  v.dispose();
  return data;
}

function project(stored: StoredWeights, features: Float32Array) {
  return runOnnx(
    ortNode,
    buildImageProjection(CONFIG, stored, {}),
    { image_features: { data: features, dims: [features.length / F, F] } },
    'image_vector',
  );
}

describe.each(WEIGHT_PRECISIONS)(
  'the image projection with %s weights',
  (precision: WeightPrecision) => {
    let stored: StoredWeights;
    let model: JointModel;
    beforeAll(() => {
      stored = storeWeights(CONFIG, WEIGHTS, precision);
      model = new JointModel(CONFIG, effectiveWeights(stored));
    });
    afterAll(() => model.dispose());

    it.each(ONNX_RUNTIMES)(
      'gives the trainer vectors in %s, in a batch and alone',
      async (_, ort) => {
        const features = new Random(3).gaussians(4 * F, 2);
        const expected = await trainerVectors(model, features);
        const onnx = buildImageProjection(CONFIG, stored, {});
        const batch = await runOnnx(
          ort,
          onnx,
          { image_features: { data: features, dims: [4, F] } },
          'image_vector',
        );
        expect(batch.dims).toEqual([4, D]);
        expect(maxAbsDiff(batch.data, expected)).toBeLessThan(TOLERANCE);
        // One picture at a time, as the worker sends them.
        const alone = await runOnnx(
          ort,
          onnx,
          { image_features: { data: features.slice(F, 2 * F), dims: [1, F] } },
          'image_vector',
        );
        expect(maxAbsDiff(alone.data, expected.subarray(D, 2 * D))).toBeLessThan(TOLERANCE);
      },
    );
  },
);

describe('buildImageProjection', () => {
  const stored = storeWeights(CONFIG, WEIGHTS, 'float32');

  it('gives unit vectors whatever the scale of the features', async () => {
    const features = new Random(4).gaussians(3 * F, 1);
    const { data } = await project(stored, features);
    for (let i = 0; i < 3; i++) {
      const row = data.subarray(i * D, (i + 1) * D);
      expect(Math.hypot(...row)).toBeCloseTo(1, 5);
    }
    // The map has no bias: raw, unit-scaled and much larger features give the same vector
    // (eps moves it only where |W q|^2 comes near 1e-8).
    const unitScaled = features.slice();
    for (let i = 0; i < 3; i++) {
      const row = unitScaled.subarray(i * F, (i + 1) * F);
      const norm = Math.hypot(...row);
      row.forEach((v, j) => {
        row[j] = v / norm;
      });
    }
    for (const other of [unitScaled, features.map((v) => v * 1000)]) {
      const scaled = await project(stored, other);
      expect(maxAbsDiff(scaled.data, data)).toBeLessThan(1e-6);
    }
  });

  it('maps all-zero features to a zero vector, not NaN', async () => {
    const { data } = await project(stored, new Float32Array(F));
    expect(Array.from(data)).toEqual(new Array(D).fill(0));
  });

  it('declares its input and output, and records the dimensions beside the metadata given', () => {
    const bytes = buildImageProjection({ ...CONFIG, encoder: 'bow' }, stored, {
      vocabularyHash: 'abc',
      dimension: '999',
    });
    const model = onnxProto.onnx.ModelProto.decode(bytes);
    const dims = (v: onnxProto.onnx.IValueInfoProto) =>
      (v.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimParam || Number(d.dimValue));
    expect(model.graph?.name).toBe('jointspace_bow_image_projection');
    expect(
      (model.graph?.input ?? []).map((v) => [v.name, v.type?.tensorType?.elemType, dims(v)]),
    ).toEqual([['image_features', DataType.FLOAT, ['batch', F]]]);
    expect(
      (model.graph?.output ?? []).map((v) => [v.name, v.type?.tensorType?.elemType, dims(v)]),
    ).toEqual([['image_vector', DataType.FLOAT, ['batch', D]]]);
    // The model's own dimension wins over a stale one in the metadata given.
    expect(Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]))).toEqual({
      vocabularyHash: 'abc',
      dimension: '20',
      featureDim: '9',
    });
    expect(model.docString).toContain('image_features (float32 [batch, 9])');
    expect(model.docString).toContain('image_vector (float32 [batch, 20], unit length)');
  });

  it('is refused by ONNX Runtime for features of another width', async () => {
    const wide = { data: new Float32Array(2 * (F + 1)), dims: [2, F + 1] };
    await expect(
      runOnnx(
        ortNode,
        buildImageProjection(CONFIG, stored, {}),
        { image_features: wide },
        'image_vector',
      ),
    ).rejects.toThrow(/image_features/);
  });

  it('names the matrix it needs when the weights lack it', () => {
    const bow = { ...CONFIG, encoder: 'bow' as const };
    const { 'image.W': _, ...rest } = storeWeights(bow, tinyWeights(bow), 'int8').matrices;
    expect(() =>
      buildImageProjection(bow, { precision: 'int8', matrices: rest, vectors: {} }, {}),
    ).toThrow('no stored matrix image.W');
  });
});
