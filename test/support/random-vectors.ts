/**
 * Seeded random unit vectors for the vector index tests: the same data on every run and in
 * both runtimes, so a ranking that passes once passes always.
 */

import { seededRandom } from './seeded-random.ts';

export { seededRandom };

/** A unit vector with roughly Gaussian components (sum of uniforms), in float32. */
export function randomUnitVector(d: number, random: () => number): Float32Array {
  const v = new Float64Array(d);
  let norm = 0;
  for (let i = 0; i < d; i++) {
    const x = random() + random() + random() + random() - 2;
    v[i] = x;
    norm += x * x;
  }
  norm = Math.sqrt(norm);
  return Float32Array.from(v, (x) => x / norm);
}

export function randomUnitVectors(n: number, d: number, seed: number): Float32Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => randomUnitVector(d, random));
}

/** The exact cosine of a and b, in float64. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

/** Row indices by cosine to the query, best first, equal scores in storage order. */
export function bruteForceRanking(
  rows: readonly ArrayLike<number>[],
  query: ArrayLike<number>,
): {
  index: number;
  score: number;
}[] {
  return rows
    .map((row, index) => ({ index, score: cosine(row, query) }))
    .sort((x, y) => y.score - x.score || x.index - y.index);
}
