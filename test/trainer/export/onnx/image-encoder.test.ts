import * as tf from '@tensorflow/tfjs-core';
import onnxProto from 'onnx-proto';
import * as ortNode from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { WEIGHT_PRECISIONS, type WeightPrecision } from '../../../../core/manifest.ts';
import { IMAGE_ENCODER_IO } from '../../../../core/model-files.ts';
import { PICTURE_INPUT } from '../../../../core/picture-pixels.ts';
import type { CnnSource } from '../../../../trainer/export/onnx/cnn-graph.ts';
import { DataType } from '../../../../trainer/export/onnx/graph-builder.ts';
import { buildImageEncoder } from '../../../../trainer/export/onnx/image-encoder.ts';
import { madePictures } from '../../../../trainer/export/parity-pictures.ts';
import { effectiveWeights, storeWeights } from '../../../../trainer/export/stored-weights.ts';
import type { ModelConfig } from '../../../../trainer/model/config.ts';
import { JointModel } from '../../../../trainer/model/model.ts';
import { DEFAULT_EXTRACTOR, extractFeatures, loadCnn } from '../../../../trainer/pictures/cnn.ts';
import { selectBackend } from '../../../../trainer/tf/backend.ts';
import { maxAbsDiff, type OnnxRuntime } from '../../../support/onnx-runtimes.ts';
import { tinyWeights } from '../../../support/tiny-model.ts';

/**
 * The image encoder end to end: uint8 pixels in, unit vectors out, against the trainer's own
 * path from the same pixels (the tfjs CNN, then the model's projection with the weights the
 * export stores, then normalising), for a batch of made pictures, at each precision, in
 * onnxruntime-node. (The CNN in onnxruntime-web is cnn-graph.test.ts's; the whole encoder in it,
 * one picture at a time, is what every export checks: verify-image-encoder.ts.)
 */

const CONFIG: ModelConfig = {
  encoder: 'bow',
  vocabSize: 12,
  wordDim: 16,
  jointDim: 16,
  featureDim: DEFAULT_EXTRACTOR.featureDim,
};
const WEIGHTS = tinyWeights(CONFIG, 5, 0.05);
const PICTURES = madePictures().map((p) => p.pixels);

let cnn: CnnSource & { id: string };
let features: Float32Array;

beforeAll(async () => {
  await selectBackend('wasm', { threads: 1 });
  const loaded = await loadCnn();
  cnn = { ...DEFAULT_EXTRACTOR, artifacts: loaded.artifacts };
  features = await extractFeatures(loaded, PICTURES);
});

async function trainerVectors(precision: WeightPrecision): Promise<Float32Array> {
  const model = new JointModel(CONFIG, effectiveWeights(storeWeights(CONFIG, WEIGHTS, precision)));
  const v = tf.tidy(() =>
    model.encodeImages(tf.tensor2d(features, [PICTURES.length, CONFIG.featureDim])),
  );
  const data = (await v.data()) as Float32Array;
  tf.dispose(v);
  model.dispose();
  return data;
}

async function encode(
  ort: OnnxRuntime,
  model: Uint8Array,
): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const { height, width, channels } = PICTURE_INPUT;
  const pixels = new Uint8Array(PICTURES.length * height * width * channels);
  PICTURES.forEach((p, i) => {
    pixels.set(p, i * p.length);
  });
  const session = await ort.InferenceSession.create(model);
  try {
    const input = new ort.Tensor('uint8', pixels, [PICTURES.length, height, width, channels]);
    const out = (await session.run({ [IMAGE_ENCODER_IO.input]: input } as never))[
      IMAGE_ENCODER_IO.output
    ] as ortNode.Tensor;
    return { data: out.data as Float32Array, dims: out.dims };
  } finally {
    await session.release();
  }
}

describe('the image encoder', () => {
  // Measured: ~1e-6 with float32 and int8 weights, ~1e-3 with float16 (its CNN weights rounded).
  const bounds: Record<WeightPrecision, number> = { float32: 1e-5, int8: 1e-5, float16: 1e-2 };

  it.each(WEIGHT_PRECISIONS)(
    "gives the trainer's unit vectors with %s weights",
    async (precision) => {
      const model = buildImageEncoder(CONFIG, storeWeights(CONFIG, WEIGHTS, precision), cnn, {});
      const got = await encode(ortNode, model);
      expect(got.dims).toEqual([PICTURES.length, CONFIG.jointDim]);
      expect(maxAbsDiff(got.data, await trainerVectors(precision))).toBeLessThan(bounds[precision]);
    },
  );

  it('takes uint8 pixels [batch, 224, 224, 3] and names its extractor in the metadata', () => {
    const model = buildImageEncoder(CONFIG, storeWeights(CONFIG, WEIGHTS, 'float32'), cnn, {
      vocabularyHash: 'abc',
    });
    const proto = onnxProto.onnx.ModelProto.decode(model);
    const input = proto.graph?.input?.[0];
    expect(input?.name).toBe(IMAGE_ENCODER_IO.input);
    expect(input?.type?.tensorType?.elemType).toBe(DataType.UINT8);
    expect(
      input?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue)),
    ).toEqual(['batch', 224, 224, 3]);
    expect(proto.graph?.output?.[0]?.name).toBe(IMAGE_ENCODER_IO.output);
    const metadata = Object.fromEntries((proto.metadataProps ?? []).map((p) => [p.key, p.value]));
    expect(metadata).toMatchObject({
      vocabularyHash: 'abc',
      extractor: DEFAULT_EXTRACTOR.id,
      dimension: '16',
      featureDim: '1792',
    });
  });

  it('refuses a model that takes features of another width than the CNN makes', () => {
    const narrow = { ...CONFIG, featureDim: 64 };
    expect(() =>
      buildImageEncoder(narrow, storeWeights(narrow, tinyWeights(narrow), 'float32'), cnn, {}),
    ).toThrow(`the model takes 64-d features; the ${DEFAULT_EXTRACTOR.id} CNN makes 1792-d`);
  });
});
