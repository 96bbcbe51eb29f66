/**
 * Multimodal vector arithmetic (the paper's section on linguistic regularities): image minus
 * some words plus others, in the bag-of-words space where a sentence vector is a sum of word
 * vectors and such arithmetic keeps its meaning.
 */

import { JointspaceInputError, requirePositiveInteger } from './errors.ts';
import { l2Norm } from './vectors.ts';

/**
 * Below this length the composed vector is cancellation noise (its inputs have unit length),
 * and its direction would be meaningless.
 */
const MIN_COMPOSED_NORM = 1e-6;

/**
 * normalize(normalize(image) - sum normalize(minus_i) + sum normalize(plus_i)). Inputs are
 * normalised first, so unit vectors pass unchanged and no term outweighs another by its length.
 * All dims must agree; a zero input, or terms that cancel out, throw.
 */
export function composeAnalogy(
  image: Float32Array,
  minus: readonly Float32Array[],
  plus: readonly Float32Array[],
): Float32Array {
  const dim = image.length;
  const sum = new Float64Array(dim);
  const add = (v: Float32Array, sign: number, what: string): void => {
    if (v.length !== dim) {
      throw new JointspaceInputError(
        `composeAnalogy: ${what} has dim ${v.length}, the image has ${dim}`,
      );
    }
    const norm = l2Norm(v);
    if (!Number.isFinite(norm) || norm === 0) {
      throw new JointspaceInputError(
        `composeAnalogy: ${what} is ${norm === 0 ? 'a zero vector' : 'not finite'}`,
      );
    }
    for (let i = 0; i < dim; i++) sum[i] = sum[i]! + (sign * v[i]!) / norm;
  };
  add(image, 1, 'the image');
  for (const [i, v] of minus.entries()) add(v, -1, `minus[${i}]`);
  for (const [i, v] of plus.entries()) add(v, 1, `plus[${i}]`);

  let squares = 0;
  for (let i = 0; i < dim; i++) squares += sum[i]! * sum[i]!;
  const norm = Math.sqrt(squares);
  if (norm < MIN_COMPOSED_NORM) {
    throw new JointspaceInputError(
      'composeAnalogy: image - minus + plus is (almost) the zero vector; the terms cancel out',
    );
  }
  // Divide in float64 and round once, to float32.
  return Float32Array.from(sum, (x) => x / norm);
}

/**
 * The paper's re-ranking of an analogy's candidates: the mean of the pool's vectors is what the
 * candidates share, so order the pool by ascending Euclidean distance to that centroid (ties
 * keep pool order) and keep the first k. Take the pool as the top N by score first. An empty
 * pool gives [].
 */
export function rerankByCentroid<T extends { readonly vector: Float32Array }>(
  pool: readonly T[],
  k: number,
): T[] {
  requirePositiveInteger(k, 'rerankByCentroid: k');
  const first = pool[0];
  if (first === undefined) return [];
  const dim = first.vector.length;
  const centroid = new Float64Array(dim);
  for (const [p, item] of pool.entries()) {
    if (item.vector.length !== dim) {
      throw new JointspaceInputError(
        `rerankByCentroid: pool[${p}] has dim ${item.vector.length}, pool[0] has ${dim}`,
      );
    }
    for (let i = 0; i < dim; i++) centroid[i] = centroid[i]! + item.vector[i]! / pool.length;
  }
  const distance = pool.map((item, p) => {
    let sum = 0;
    for (let i = 0; i < dim; i++) sum += (item.vector[i]! - centroid[i]!) ** 2;
    if (!Number.isFinite(sum)) {
      throw new JointspaceInputError(`rerankByCentroid: pool[${p}] holds a NaN or infinite value`);
    }
    return sum;
  });
  const order = pool.map((_, p) => p);
  // Array.prototype.sort is stable, so equal distances keep pool order.
  order.sort((p, q) => distance[p]! - distance[q]!);
  return order.slice(0, k).map((p) => pool[p]!);
}
