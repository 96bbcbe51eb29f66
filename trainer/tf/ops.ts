import * as tf from '@tensorflow/tfjs-core';

/**
 * Operations whose gradients are written out by hand because TensorFlow.js's stock ones are
 * slow on the wasm backend: its matMul gradient multiplies with transposeA / transposeB set,
 * which wasm runs 10-50x slower than a plain product (REFERENCE.md). Here every product in the
 * backward pass is plain, with the transpose done explicitly. On native backends this costs a
 * transpose copy and nothing else, so the same code path runs everywhere.
 */

/** a (m x k) times b (k x n), with a gradient made of plain products only. */
export const matMul = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    // d/da = dy . b^T, d/db = a^T . dy
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [
        tf.matMul(dy as tf.Tensor2D, tf.transpose(sb)),
        tf.matMul(tf.transpose(sa), dy as tf.Tensor2D),
      ];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/** Added to |x|^2 before the square root; the ONNX export computes the same. */
export const NORM_EPS = 1e-8;

/** Rows scaled to unit length; eps keeps an all-zero row (no known word) finite. */
export function l2NormalizeRows(x: tf.Tensor2D, eps = NORM_EPS): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), 1, true), eps))));
}
