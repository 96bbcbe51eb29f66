import * as tf from '@tensorflow/tfjs-core';

/**
 * Variable-length captions in a padded batch: after step t, a caption that has ended keeps its
 * state, so each ends with the state after its own last real token. Batches are grouped by
 * length, so most steps need no mask at all.
 */

/** masks[t][b] = 1 while caption b has a token at step t; undefined for steps where all do. */
export function stepMasks(lengths: Int32Array, steps: number): (tf.Tensor2D | undefined)[] {
  const masks: (tf.Tensor2D | undefined)[] = [];
  for (let t = 0; t < steps; t++) {
    let all = true;
    const m = new Float32Array(lengths.length);
    lengths.forEach((n, b) => {
      m[b] = n > t ? 1 : 0;
      if (n <= t) all = false;
    });
    masks.push(all ? undefined : tf.tensor2d(m, [lengths.length, 1]));
  }
  return masks;
}

/** The new state where the caption is still running, the old one where it has ended. */
export function blend(
  mask: tf.Tensor2D | undefined,
  next: tf.Tensor2D,
  old: tf.Tensor2D,
): tf.Tensor2D {
  return mask ? (tf.add(old, tf.mul(mask, tf.sub(next, old))) as tf.Tensor2D) : next;
}
