/**
 * The argument checks every VectorIndex makes before it searches, so that the flat index and
 * the Vectorize adapter refuse the same queries with the same errors (the contract tests hold
 * both to this), and Vectorize is never sent a request it would reject.
 */

import { JointspaceInputError } from '../../core/errors.ts';
import { QUERY_LIMITS } from '../../core/limits.ts';
import { l2Norm } from '../../core/vectors.ts';
import type { VectorFilter } from './vector-index.ts';

/** The interface's ceiling: the API's longest list, and Vectorize's largest topK. */
export const MAX_TOP_K = QUERY_LIMITS.maxResults;

/**
 * Throws JointspaceInputError unless topK is an integer in 1..MAX_TOP_K and the vector is
 * usable for cosine: the index's dimension (when known), finite, not zero. Returns its norm.
 */
export function checkQuery(vector: Float32Array, topK: number, dimension?: number): number {
  if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) {
    throw new JointspaceInputError(
      `topK must be an integer from 1 to ${MAX_TOP_K}, got ${String(topK)}`,
    );
  }
  if (dimension !== undefined && vector.length !== dimension) {
    throw new JointspaceInputError(
      `the query has ${vector.length} values, the index holds vectors of dimension ${dimension}`,
    );
  }
  const norm = l2Norm(vector);
  if (!Number.isFinite(norm)) {
    throw new JointspaceInputError('the query holds a NaN or infinite value');
  }
  // A zero vector has no direction: its cosine with anything is undefined.
  if (norm === 0) throw new JointspaceInputError('the query is the zero vector');
  return norm;
}

/**
 * The longest string a filter may compare, in UTF-8 bytes. Vectorize's string metadata indexes
 * hold "the first 64B of the string data" (metadata-filtering reference), so a longer value would
 * match every vector sharing its first 64 bytes; both indexes refuse it instead.
 */
export const MAX_FILTER_STRING_BYTES = 64;

const utf8 = new TextEncoder();

/** Throws JointspaceInputError unless the filter's split (when set) is 1 to 64 UTF-8 bytes. */
export function checkFilter(filter: VectorFilter): void {
  const { split } = filter;
  if (split === undefined) return;
  const bytes = utf8.encode(split).length;
  if (bytes === 0 || bytes > MAX_FILTER_STRING_BYTES) {
    throw new JointspaceInputError(
      `a split filter must be 1 to ${MAX_FILTER_STRING_BYTES} UTF-8 bytes, got ${bytes}`,
    );
  }
}
