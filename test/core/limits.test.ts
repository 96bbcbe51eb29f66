import { describe, expect, it } from 'vitest';
import { QUERY_LIMITS, VECTORIZE_LIMITS } from '../../core/limits.ts';
import { VECTOR_ID_MAX_BYTES } from '../../core/vector-ids.ts';
import { METADATA_MAX_BYTES } from '../../core/vector-records.ts';

describe('the limits', () => {
  it('end every API list where one Vectorize query ends', () => {
    expect(QUERY_LIMITS.maxResults).toBe(VECTORIZE_LIMITS.topK);
    expect(VECTORIZE_LIMITS.topKWithValuesOrAllMetadata).toBeLessThan(VECTORIZE_LIMITS.topK);
  });

  it('keep the defaults inside the ranges they belong to', () => {
    expect(QUERY_LIMITS.defaultFirst).toBeGreaterThanOrEqual(1);
    expect(QUERY_LIMITS.defaultFirst).toBeLessThanOrEqual(QUERY_LIMITS.maxResults);
    expect(QUERY_LIMITS.analogyKDefault).toBeLessThanOrEqual(QUERY_LIMITS.analogyPoolDefault);
    expect(QUERY_LIMITS.analogyPoolDefault).toBeLessThanOrEqual(QUERY_LIMITS.maxResults);
  });

  it('are the ones the vector ids and records are held to', () => {
    expect(VECTOR_ID_MAX_BYTES).toBe(VECTORIZE_LIMITS.idBytes);
    expect(METADATA_MAX_BYTES).toBe(VECTORIZE_LIMITS.metadataBytes);
  });
});
