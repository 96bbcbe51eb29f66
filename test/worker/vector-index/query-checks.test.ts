import { describe, expect, it } from 'vitest';
import { JointspaceInputError } from '../../../core/errors.ts';
import { QUERY_LIMITS } from '../../../core/limits.ts';
import {
  checkFilter,
  checkQuery,
  MAX_FILTER_STRING_BYTES,
  MAX_TOP_K,
} from '../../../worker/vector-index/query-checks.ts';

const q = Float32Array.of(3, 0, -4, 0);

describe('MAX_TOP_K', () => {
  it("is the API's longest list, which is Vectorize's largest topK", () => {
    expect(MAX_TOP_K).toBe(QUERY_LIMITS.maxResults);
    expect(MAX_TOP_K).toBe(100);
  });
});

describe('checkQuery', () => {
  it("returns the query's Euclidean norm", () => {
    expect(checkQuery(q, 5)).toBe(5);
    expect(checkQuery(q, 5, 4)).toBe(5);
    expect(checkQuery(Float32Array.of(-2), 1, 1)).toBe(2);
    // Far below float32's smallest normal number, still a direction.
    expect(checkQuery(Float32Array.of(0, 1e-40), 1)).toBeGreaterThan(0);
  });

  it('takes topK from 1 to MAX_TOP_K', () => {
    expect(checkQuery(q, 1)).toBe(5);
    expect(checkQuery(q, MAX_TOP_K)).toBe(5);
  });

  it('refuses any other topK, saying what it got', () => {
    for (const topK of [0, -1, MAX_TOP_K + 1, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => checkQuery(q, topK)).toThrow(JointspaceInputError);
      expect(() => checkQuery(q, topK)).toThrow(
        `topK must be an integer from 1 to ${MAX_TOP_K}, got ${String(topK)}`,
      );
    }
  });

  it("refuses a query of another length than the index's dimension, naming both", () => {
    expect(() => checkQuery(q, 5, 3)).toThrow(JointspaceInputError);
    expect(() => checkQuery(q, 5, 3)).toThrow(
      'the query has 4 values, the index holds vectors of dimension 3',
    );
    expect(() => checkQuery(q.subarray(1), 5, 4)).toThrow('the query has 3 values');
  });

  it('refuses NaN and infinite values', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const v = q.slice();
      v[2] = bad;
      expect(() => checkQuery(v, 5, 4)).toThrow(JointspaceInputError);
      expect(() => checkQuery(v, 5, 4)).toThrow('the query holds a NaN or infinite value');
    }
  });

  it('refuses the zero vector (it has no direction), and an empty query', () => {
    expect(() => checkQuery(new Float32Array(4), 5, 4)).toThrow('the query is the zero vector');
    expect(() => checkQuery(Float32Array.of(-0, 0), 5)).toThrow('the query is the zero vector');
    expect(() => checkQuery(new Float32Array(0), 5)).toThrow('the query is the zero vector');
  });

  it('checks topK first, then the length, then the values', () => {
    const nan = Float32Array.of(Number.NaN, 1);
    expect(() => checkQuery(nan, 0, 3)).toThrow(/^topK must be/);
    expect(() => checkQuery(nan, 5, 3)).toThrow(/^the query has 2 values/);
    expect(() => checkQuery(nan, 5, 2)).toThrow(/NaN or infinite/);
  });
});

describe('checkFilter', () => {
  it('takes no filter, and a split of 1 to 64 UTF-8 bytes (what Vectorize compares)', () => {
    expect(MAX_FILTER_STRING_BYTES).toBe(64);
    for (const filter of [{}, { split: 'v' }, { split: 'val' }, { split: 'x'.repeat(64) }]) {
      expect(() => checkFilter(filter)).not.toThrow();
    }
    expect(() => checkFilter({ split: 'é'.repeat(32) })).not.toThrow();
  });

  it('refuses an empty split and one over 64 bytes, counting bytes, not characters', () => {
    for (const [split, bytes] of [
      ['', 0],
      ['x'.repeat(65), 65],
      ['é'.repeat(33), 66],
    ] as const) {
      expect(() => checkFilter({ split })).toThrow(JointspaceInputError);
      expect(() => checkFilter({ split })).toThrow(
        `a split filter must be 1 to 64 UTF-8 bytes, got ${bytes}`,
      );
    }
  });
});
