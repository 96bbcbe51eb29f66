import { rowCount } from '../../core/vectors.ts';

/**
 * CNN features scaled to unit length per row, as the authors did before training. The model's
 * image map is linear without bias and its output is normalised, so this changes how training
 * proceeds but not what a trained model computes: raw features give the same image vectors.
 * An all-zero row stays zero.
 */
export function unitRows(features: Float32Array, dim: number): Float32Array {
  rowCount(features, dim, 'features'); // a whole number of rows of a positive width
  const out = new Float32Array(features.length);
  for (let start = 0; start < features.length; start += dim) {
    let sum = 0;
    for (let k = 0; k < dim; k++) sum += (features[start + k] as number) ** 2;
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let k = 0; k < dim; k++) out[start + k] = (features[start + k] as number) * scale;
  }
  return out;
}
