import * as tf from '@tensorflow/tfjs-core';
import type { JointModel } from '../model/model.ts';
import { chunks, packBatch } from '../model/token-batch.ts';

/**
 * Embeds a whole split with a model, forward only, in chunks (memory stays bounded), and
 * returns plain row-major Float32Arrays for the metrics and the exporter.
 */

export async function embedImages(
  model: JointModel,
  features: Float32Array,
  dim: number,
  chunkSize = 1000,
  onProgress?: (done: number) => void,
): Promise<Float32Array> {
  const n = features.length / dim;
  const out = new Float32Array(n * model.config.jointDim);
  for (const [start, end] of chunks(n, chunkSize)) {
    const vectors = tf.tidy(() =>
      model.encodeImages(
        tf.tensor2d(features.subarray(start * dim, end * dim), [end - start, dim]),
      ),
    );
    out.set((await vectors.data()) as Float32Array, start * model.config.jointDim);
    vectors.dispose();
    onProgress?.(end);
  }
  return out;
}

/** Captions (as ids) to unit vectors, batched by length for speed, returned in input order. */
export async function embedCaptions(
  model: JointModel,
  captions: readonly Int32Array[],
  batchSize = 256,
  onProgress?: (done: number) => void,
): Promise<Float32Array> {
  const D = model.config.jointDim;
  const out = new Float32Array(captions.length * D);
  const order = captions
    .map((_, i) => i)
    .sort((a, b) => (captions[a] as Int32Array).length - (captions[b] as Int32Array).length);
  for (const [start, end] of chunks(order.length, batchSize)) {
    const indices = order.slice(start, end);
    const vectors = model.encodeSentences(packBatch(captions, indices));
    const data = (await vectors.data()) as Float32Array;
    vectors.dispose();
    indices.forEach((c, row) => {
      out.set(data.subarray(row * D, (row + 1) * D), c * D);
    });
    onProgress?.(end);
  }
  return out;
}
