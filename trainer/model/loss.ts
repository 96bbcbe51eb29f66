import * as tf from '@tensorflow/tfjs-core';
import { matMul } from '../tf/ops.ts';

/**
 * The symmetric pairwise hinge ranking loss of Kiros et al. (DESIGN.md), over a minibatch of
 * matching pairs (image i, sentence i); every other item in the batch is a contrastive one:
 *
 *   sum_i sum_{k != i} max(0, a - s(x_i, v_i) + s(x_i, v_k))     image i vs. wrong captions k
 *                    + max(0, a - s(x_i, v_i) + s(x_k, v_i))     caption i vs. wrong images k
 *
 * With `maxViolation` (VSE++, Faghri et al. 2018) only the hardest contrastive term per item is
 * kept. `imageOf` says which image each pair shows: two captions of one picture in the same
 * batch are not contrastive for each other, so such pairs are masked out.
 */
export function contrastiveLoss(
  images: tf.Tensor2D,
  sentences: tf.Tensor2D,
  imageOf: Int32Array,
  margin: number,
  maxViolation: boolean,
): tf.Scalar {
  return tf.tidy(() => {
    const n = images.shape[0];
    // scores[i][k] = s(x_i, v_k): image i against sentence k. (Explicit transpose: see ops.ts.)
    const scores = matMul(images, tf.transpose(sentences));
    // s(x_i, v_i), as a column (compared along row i) and as a row (compared along column k).
    const diagonal = tf.sum(tf.mul(images, sentences), 1);
    const positiveOfRow = tf.reshape(diagonal, [n, 1]);
    const positiveOfColumn = tf.reshape(diagonal, [1, n]);
    // Row i: caption k ranked against image i's own caption.
    const costCaption = tf.relu(tf.add(tf.sub(scores, positiveOfRow), margin));
    // Column k: image i ranked against caption k's own image.
    const costImage = tf.relu(tf.add(tf.sub(scores, positiveOfColumn), margin));
    // Only genuinely contrastive pairs count: not the diagonal, not another caption of the same image.
    const m = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < n; k++) m[i * n + k] = imageOf[i] === imageOf[k] ? 0 : 1;
    }
    const contrastive = tf.tensor2d(m, [n, n]);
    const maskedCaption = tf.mul(costCaption, contrastive);
    const maskedImage = tf.mul(costImage, contrastive);
    if (maxViolation) {
      return tf.add(tf.sum(tf.max(maskedCaption, 1)), tf.sum(tf.max(maskedImage, 0))) as tf.Scalar;
    }
    return tf.add(tf.sum(maskedCaption), tf.sum(maskedImage)) as tf.Scalar;
  });
}
