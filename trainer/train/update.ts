import * as tf from '@tensorflow/tfjs-core';
import type { TrainConfig } from '../model/config.ts';
import { contrastiveLoss } from '../model/loss.ts';
import type { JointModel, TokenBatch } from '../model/model.ts';

/**
 * One update of the paper's training: the symmetric hinge loss of a minibatch of matching
 * (image, caption) pairs, its gradients clipped by global norm (the authors' 2.0), one Adam step.
 */

export interface UpdateInputs {
  /** The captions, packed (model/token-batch.ts). */
  batch: TokenBatch;
  /** Row-major CNN features of each caption's image, unit length (train/features.ts). */
  features: Float32Array;
  featureDim: number;
  /** Each caption's image: captions of one image are never each other's contrastive terms. */
  imageRows: Int32Array;
}

export interface UpdateResult {
  /** The loss as summed over every hinge term of the batch. */
  lossSum: number;
  /** Per contrastive term, so that batches of different sizes compare on the plot. */
  loss: number;
}

export async function trainingUpdate(
  model: JointModel,
  optimizer: tf.Optimizer,
  inputs: UpdateInputs,
  config: Pick<TrainConfig, 'margin' | 'maxViolation' | 'gradClip'>,
): Promise<UpdateResult> {
  const rows = inputs.imageRows.length;
  const features = tf.tensor2d(inputs.features, [rows, inputs.featureDim]);
  const { value, grads } = tf.variableGrads(
    () =>
      contrastiveLoss(
        model.encodeImages(features),
        model.encodeSentences(inputs.batch),
        inputs.imageRows,
        config.margin,
        config.maxViolation,
      ),
    [...model.variables.values()],
  );
  const clipped = clipByGlobalNorm(grads, config.gradClip);
  // Typed as a map of Variables, but the optimizer only reads the gradients' values.
  optimizer.applyGradients(clipped as unknown as Record<string, tf.Variable>);
  const lossSum = (await value.data())[0] as number;
  tf.dispose([value, features, ...Object.values(grads), ...Object.values(clipped)]);
  return { lossSum, loss: lossSum / contrastiveTerms(inputs.imageRows, config.maxViolation) };
}

/** A feature matrix of one batch: the rows of its captions' images. */
export function gatherRows(features: Float32Array, dim: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => {
    out.set(features.subarray(r * dim, (r + 1) * dim), i * dim);
  });
  return out;
}

/** How many hinge terms the loss adds up: both directions, all other images or the hardest. */
export function contrastiveTerms(imageOf: Int32Array, maxViolation: boolean): number {
  if (maxViolation) return 2 * imageOf.length;
  let pairs = 0;
  for (let i = 0; i < imageOf.length; i++) {
    for (let k = 0; k < imageOf.length; k++) if (imageOf[i] !== imageOf[k]) pairs++;
  }
  return Math.max(1, 2 * pairs);
}

/** Scales the gradients so that their global norm is at most `clip`. */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, clip: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    const norm = tf.sqrt(tf.addN(squares));
    const scale = tf.div(clip, tf.maximum(norm, clip));
    const out: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) out[name] = tf.mul(g, scale);
    return out;
  });
}
