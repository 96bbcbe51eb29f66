import { describe, expect, it } from 'vitest';
import {
  CLOUDFLARE_API_BASE_URL,
  CLOUDFLARE_ERROR_CODES,
  R2_BUCKET_NAME_PATTERN,
  R2_REST_MAX_UPLOAD_BYTES,
  utf8ByteLength,
  VECTORIZE_HTTP_UPSERT_MAX_VECTORS,
  VECTORIZE_INDEX_NAME_PATTERN,
  VECTORIZE_MAX_DIMENSIONS,
  VECTORIZE_MAX_ID_BYTES,
  VECTORIZE_MAX_INDEX_NAME_BYTES,
  VECTORIZE_MAX_METADATA_BYTES,
  VECTORIZE_MAX_METADATA_INDEXES,
  VECTORIZE_MAX_UPLOAD_BYTES,
  VECTORIZE_METADATA_INDEX_TYPES,
  VECTORIZE_METRICS,
  vectorIdProblem,
  vectorizeIndexNameProblem,
} from '../../../cli/deploy/cloudflare-limits.ts';

describe('the documented limits', () => {
  it('hold the numbers of the Cloudflare documentation', () => {
    expect(CLOUDFLARE_API_BASE_URL).toBe('https://api.cloudflare.com/client/v4');
    expect(VECTORIZE_HTTP_UPSERT_MAX_VECTORS).toBe(5000);
    expect(VECTORIZE_MAX_UPLOAD_BYTES).toBe(100_000_000);
    expect(VECTORIZE_MAX_ID_BYTES).toBe(64);
    expect(VECTORIZE_MAX_DIMENSIONS).toBe(1536);
    expect(VECTORIZE_MAX_METADATA_BYTES).toBe(10_240);
    expect(VECTORIZE_MAX_INDEX_NAME_BYTES).toBe(64);
    expect(R2_REST_MAX_UPLOAD_BYTES).toBe(300_000_000);
    expect([...VECTORIZE_METRICS]).toEqual(['cosine', 'euclidean', 'dot-product']);
    expect(VECTORIZE_MAX_METADATA_INDEXES).toBe(10);
    expect([...VECTORIZE_METADATA_INDEX_TYPES]).toEqual(['string', 'number', 'boolean']);
    expect(CLOUDFLARE_ERROR_CODES).toEqual({
      authentication: 10000,
      rateLimited: 971,
      r2NoSuchBucket: 10006,
      r2NoSuchKey: 10007,
      vectorizeIndexNotFound: 3000,
      vectorizeDuplicateName: 3002,
    });
  });
});

describe('utf8ByteLength', () => {
  it('counts UTF-8 bytes, not UTF-16 code units', () => {
    expect(utf8ByteLength('')).toBe(0);
    expect(utf8ByteLength('demo_000001.svg')).toBe(15);
    expect(utf8ByteLength('é')).toBe(2);
    expect(utf8ByteLength('猫')).toBe(3);
    expect(utf8ByteLength('😀')).toBe(4); // two UTF-16 code units
  });
});

describe('vectorizeIndexNameProblem', () => {
  it('accepts lowercase names of letters, digits, "-" and "_"', () => {
    for (const name of ['ab', 'images', 'js-r-captions-0123456789', 'a_b-c9', 'a'.repeat(64)]) {
      expect(vectorizeIndexNameProblem(name), name).toBeNull();
    }
  });

  it('refuses what the API schema refuses, quoting the name and the rule', () => {
    for (const name of [
      '',
      'a',
      'Images',
      '9lives',
      '-abc',
      '_abc',
      'abc-',
      'abc_',
      'a b',
      'a.b',
    ]) {
      const problem = vectorizeIndexNameProblem(name);
      expect(problem, name).toContain(`index name "${name}" must match`);
      expect(problem).toContain('starting with a letter');
    }
  });

  it('refuses a name over 64 bytes, counting bytes', () => {
    expect(vectorizeIndexNameProblem('a'.repeat(65))).toBe(
      `index name "${'a'.repeat(65)}" is longer than 64 bytes`,
    );
  });

  it('agrees with the name pattern it quotes', () => {
    expect(VECTORIZE_INDEX_NAME_PATTERN.test('js-g-images-abc')).toBe(true);
    expect(VECTORIZE_INDEX_NAME_PATTERN.test('js-g-images-')).toBe(false);
  });
});

describe('vectorIdProblem', () => {
  it('accepts ids of 1 to 64 bytes', () => {
    expect(vectorIdProblem('x')).toBeNull();
    expect(vectorIdProblem('demo_000001.svg#4')).toBeNull();
    expect(vectorIdProblem('a'.repeat(64))).toBeNull();
    expect(vectorIdProblem('é'.repeat(32))).toBeNull(); // 64 bytes exactly
  });

  it('refuses an empty id', () => {
    expect(vectorIdProblem('')).toBe('vector id is empty');
  });

  it('refuses an id over 64 bytes, even when it has fewer characters', () => {
    expect(vectorIdProblem('a'.repeat(65))).toBe(
      `vector id "${'a'.repeat(65)}" is 65 bytes, over the 64-byte limit`,
    );
    // 33 characters, 66 bytes.
    expect(vectorIdProblem('é'.repeat(33))).toBe(
      `vector id "${'é'.repeat(33)}" is 66 bytes, over the 64-byte limit`,
    );
  });
});

describe('R2_BUCKET_NAME_PATTERN', () => {
  it('takes 3 to 63 lowercase letters, digits and hyphens, alphanumeric at both ends', () => {
    for (const name of [
      'abc',
      'jointspace-models',
      'jointspace-models-staging',
      '1-2',
      'a'.repeat(63),
    ]) {
      expect(R2_BUCKET_NAME_PATTERN.test(name), name).toBe(true);
    }
    for (const name of ['ab', 'a'.repeat(64), '-abc', 'abc-', 'Models', 'my_bucket', 'a.b.c', '']) {
      expect(R2_BUCKET_NAME_PATTERN.test(name), name).toBe(false);
    }
  });
});
