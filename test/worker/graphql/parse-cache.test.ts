import { describe, expect, it } from 'vitest';
import {
  BoundedCache,
  boundedParserCache,
  MAX_CACHED_CHARACTERS,
  MAX_CACHED_DOCUMENTS,
} from '../../../worker/graphql/parse-cache.ts';

describe('BoundedCache', () => {
  it('keeps at most its number of entries, dropping the least recently used', () => {
    const cache = new BoundedCache<number>(3, 100);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('a')).toBe(1); // a is now the most recent: b goes next
    cache.set('d', 4);
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([1, 3, 4]);
    cache.set('c', 30); // replacing is not growing
    expect(cache.size).toBe(3);
    expect(cache.get('c')).toBe(30);
  });

  it('does not keep a key longer than its limit', () => {
    const cache = new BoundedCache<number>(3, 10);
    cache.set('x'.repeat(10), 1);
    cache.set('x'.repeat(11), 2);
    expect(cache.get('x'.repeat(10))).toBe(1);
    expect(cache.get('x'.repeat(11))).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('stays within its bound after 1,000 distinct 255 KB documents (the finding it fixes)', () => {
    const { documentCache, errorCache } = boundedParserCache();
    for (let i = 0; i < 1000; i++) {
      const document = `{ __typename } # ${i} ${'x'.repeat(255 * 1024)}`;
      documentCache.set(document, { kind: 'Document', definitions: [] } as never);
      errorCache.set(document, new Error('x'));
    }
    expect(documentCache.size).toBe(0);
    expect(errorCache.size).toBe(0);
    for (let i = 0; i < 1000; i++) documentCache.set(`{ a${i} }`, { kind: 'Document' } as never);
    expect(documentCache.size).toBe(MAX_CACHED_DOCUMENTS);
    expect(MAX_CACHED_DOCUMENTS * MAX_CACHED_CHARACTERS).toBeLessThanOrEqual(2 * 1024 * 1024);
  });
});
