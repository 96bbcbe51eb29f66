import type { Random } from '../random.ts';

/**
 * Weight initialisers, drawn from the run's seeded random source (so a run is repeatable) and
 * computed in plain JavaScript (tfjs's orthogonal initialiser took minutes for 1024 x 4096 on
 * wasm; this takes about a second).
 */

/** Normal(0, std^2) values. */
export function normal(rng: Random, size: number, std: number): Float32Array {
  return rng.gaussians(size, std);
}

/** Glorot/Xavier uniform for a fanIn x fanOut matrix, as the authors' feed-forward layers. */
export function xavierUniform(rng: Random, fanIn: number, fanOut: number): Float32Array {
  const r = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < out.length; i++) out[i] = (rng.float() * 2 - 1) * r;
  return out;
}

/**
 * An n x n orthogonal matrix (row-major), by modified Gram-Schmidt on a Gaussian matrix, in
 * float64. Recurrent weights start orthogonal, as in the authors' code, so that repeated
 * multiplication neither explodes nor vanishes at the start.
 */
export function orthogonal(rng: Random, n: number): Float32Array {
  const q = new Float64Array(n * n);
  for (let i = 0; i < q.length; i++) q[i] = rng.gaussian();
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      let d = 0;
      for (let k = 0; k < n; k++) d += (q[ri + k] as number) * (q[rj + k] as number);
      for (let k = 0; k < n; k++) q[ri + k] = (q[ri + k] as number) - d * (q[rj + k] as number);
    }
    let norm = 0;
    for (let k = 0; k < n; k++) norm += (q[ri + k] as number) ** 2;
    norm = Math.sqrt(norm);
    for (let k = 0; k < n; k++) q[ri + k] = (q[ri + k] as number) / norm;
  }
  return Float32Array.from(q);
}

/**
 * Places `blocks` square n x n matrices side by side: an n x (blocks * n) row-major matrix,
 * the layout of a recurrent weight with one block per gate.
 */
export function sideBySide(blocks: Float32Array[], n: number): Float32Array {
  const width = blocks.length * n;
  const out = new Float32Array(n * width);
  blocks.forEach((block, b) => {
    for (let r = 0; r < n; r++) out.set(block.subarray(r * n, (r + 1) * n), r * width + b * n);
  });
  return out;
}
