import type { GraphModel } from '@tensorflow/tfjs';
import type { io } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { PICTURE_INPUT } from '../../core/picture-pixels.ts';

/**
 * The default CNN: the MobileNetV2-1.4 backbone that nsfwjs 4.4.0 (MIT) ships with its weights
 * (model "MobileNetV2Mid", 8-bit quantised, read from the package's own files: no network). Its
 * 1,792-d feature is the global average pool before the package's 5-class head. Input: uint8
 * RGB 224 x 224 divided by 255; the graph maps [0, 1] to [-1, 1] itself (hub_input/Mul, Sub).
 * This is how ../shared/data/flickr8k's features were made, bit for bit on tfjs-wasm
 * (REFERENCE.md, "Pictures to features").
 */
export const DEFAULT_EXTRACTOR = {
  /** Recorded with the features and in the manifest (model.extractor, onnx.imageEncoder.extractor). */
  id: 'nsfwjs-mobilenetv2-mid',
  package: 'nsfwjs@4.4.0',
  model: 'MobileNetV2Mid',
  inputNode: 'input',
  featureNode:
    'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/feature_vector/SpatialSqueeze',
  featureDim: 1792,
} as const;

export interface Cnn {
  model: GraphModel;
  /** The graph and weights as loaded (the ONNX export converts these). */
  artifacts: io.ModelArtifacts;
}

let loading: Promise<Cnn> | null = null;

/**
 * Loads the CNN once per process on the current tfjs backend (start one first). nsfwjs greets
 * on console.info (stdout in Node); that line is kept off stdout, which belongs to the
 * command's output.
 */
export function loadCnn(): Promise<Cnn> {
  loading ??= (async () => {
    // nsfwjs reads a global named `model` when one exists (REFERENCE.md): there must be none.
    if ('model' in globalThis) throw new Error('a global named `model` would hijack nsfwjs');
    const nsfwjs = await import('nsfwjs');
    const { log, info } = console;
    console.log = () => {};
    console.info = () => {};
    try {
      const loaded = await nsfwjs.load(DEFAULT_EXTRACTOR.model, { type: 'graph' });
      const model = loaded.model as GraphModel;
      // GraphModel keeps what it loaded in a field its types call private; the export needs it.
      const { artifacts } = model as unknown as { artifacts?: io.ModelArtifacts };
      if (!artifacts?.modelTopology || !artifacts.weightData)
        throw new Error('nsfwjs loaded a model without its graph and weights');
      return { model, artifacts };
    } finally {
      console.log = log;
      console.info = info;
    }
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

/**
 * Features of a batch of pictures, each the image encoder's input (core's fitPicture: uint8
 * RGB 224 x 224): a [pictures.length x 1792] row-major matrix.
 */
export async function extractFeatures(
  cnn: Cnn,
  pictures: readonly Uint8Array[],
): Promise<Float32Array> {
  const { height, width, channels } = PICTURE_INPUT;
  const size = height * width * channels;
  const batch = new Float32Array(pictures.length * size);
  pictures.forEach((p, i) => {
    if (p.length !== size) throw new Error(`picture ${i} has ${p.length} values, not ${size}`);
    batch.set(p, i * size);
  });
  const x = tf.tidy(() =>
    tf.div(tf.tensor4d(batch, [pictures.length, height, width, channels]), 255),
  );
  const y = cnn.model.execute(x, DEFAULT_EXTRACTOR.featureNode) as tf.Tensor;
  try {
    return (await y.data()) as Float32Array;
  } finally {
    x.dispose();
    y.dispose();
  }
}
