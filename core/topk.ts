/**
 * Exact top-k selection over a score array: the flat index's search and the analogy's first
 * cut both need the k best of many thousands of scores, and a full sort would waste the rest.
 */

import { JointspaceInputError, requirePositiveInteger } from './errors.ts';

export interface Scored {
  readonly index: number;
  readonly score: number;
}

/**
 * The k highest scores with their indices, best first; equal scores keep index order. The
 * result equals a stable descending sort followed by slice(0, k), in O(n log k) time: a binary
 * min-heap of size k holds the best so far with the weakest at its root. k must be a positive
 * integer; k > n returns all n. A NaN score throws (it has no place in an order).
 */
export function topK(scores: ArrayLike<number>, k: number): Scored[] {
  requirePositiveInteger(k, 'topK: k');
  const size = Math.min(k, scores.length);
  const heapIndex = new Int32Array(size);
  const heapScore = new Float64Array(size);
  let filled = 0;

  // "x is weaker than y": lower score, or equal score and later index.
  const weaker = (x: number, y: number): boolean =>
    heapScore[x]! < heapScore[y]! ||
    (heapScore[x] === heapScore[y] && heapIndex[x]! > heapIndex[y]!);
  const swap = (x: number, y: number): void => {
    const index = heapIndex[x]!;
    const score = heapScore[x]!;
    heapIndex[x] = heapIndex[y]!;
    heapScore[x] = heapScore[y]!;
    heapIndex[y] = index;
    heapScore[y] = score;
  };

  for (let i = 0; i < scores.length; i++) {
    const score = scores[i]!;
    if (Number.isNaN(score)) throw new JointspaceInputError(`topK: score ${i} is NaN`);
    if (filled < size) {
      // Append, then sift up while the new entry is weaker than its parent.
      heapIndex[filled] = i;
      heapScore[filled] = score;
      let child = filled++;
      while (child > 0) {
        const parent = (child - 1) >> 1;
        if (!weaker(child, parent)) break;
        swap(child, parent);
        child = parent;
      }
    } else if (size > 0 && score > heapScore[0]!) {
      // Indices arrive in increasing order, so a newcomer with a score equal to the root's is
      // the weaker of the two and is rightly skipped by the strict comparison above.
      heapIndex[0] = i;
      heapScore[0] = score;
      let parent = 0;
      for (;;) {
        const left = 2 * parent + 1;
        const right = left + 1;
        let weakest = parent;
        if (left < size && weaker(left, weakest)) weakest = left;
        if (right < size && weaker(right, weakest)) weakest = right;
        if (weakest === parent) break;
        swap(parent, weakest);
        parent = weakest;
      }
    }
  }

  const result: Scored[] = [];
  for (let h = 0; h < filled; h++) result.push({ index: heapIndex[h]!, score: heapScore[h]! });
  return result.sort((x, y) => y.score - x.score || x.index - y.index);
}
