import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { captionVectorId, imageVectorId, VECTOR_ID_MAX_BYTES } from '../../core/vector-ids.ts';

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe('vector ids', () => {
  it('keep a short file name as it is, and number captions after it', () => {
    expect(imageVectorId('1000268201_693b08cb0e.jpg')).toBe('1000268201_693b08cb0e.jpg');
    expect(captionVectorId('demo_000012.svg', 0)).toBe('demo_000012.svg#0');
    expect(captionVectorId('demo_000012.svg', 4)).toBe('demo_000012.svg#4');
  });

  it('hash names that are too long, contain #, or look like a hash, staying within 64 bytes', () => {
    const long = `${'x'.repeat(70)}.jpg`;
    for (const name of [long, 'a#b.jpg', 'h:abc', 'é'.repeat(33)]) {
      const id = imageVectorId(name);
      expect(id).toMatch(/^h:[0-9a-f]{62}$/);
      expect(bytes(id)).toBe(VECTOR_ID_MAX_BYTES);
    }
    // 32 two-byte characters are 64 bytes: still fits.
    expect(imageVectorId('é'.repeat(32))).toBe('é'.repeat(32));
    const near = 'y'.repeat(63);
    expect(captionVectorId(near, 3)).toMatch(/^h:[0-9a-f]{62}$/);
  });

  it('are stable, distinct for distinct inputs, and never over the limit', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 100 }),
        fc.string({ minLength: 1, maxLength: 100 }),
        fc.nat(20),
        (a, b, k) => {
          expect(imageVectorId(a)).toBe(imageVectorId(a));
          expect(bytes(imageVectorId(a))).toBeLessThanOrEqual(VECTOR_ID_MAX_BYTES);
          expect(bytes(captionVectorId(imageVectorId(a), k))).toBeLessThanOrEqual(
            VECTOR_ID_MAX_BYTES,
          );
          if (a !== b) expect(imageVectorId(a)).not.toBe(imageVectorId(b));
          expect(captionVectorId(imageVectorId(a), k)).not.toBe(
            captionVectorId(imageVectorId(a), k + 1),
          );
        },
      ),
    );
  });

  it('refuse an empty name and a negative or fractional ordinal', () => {
    expect(() => imageVectorId('')).toThrow(/must not be empty/);
    expect(() => captionVectorId('a', -1)).toThrow(/positive integer/);
    expect(() => captionVectorId('a', 1.5)).toThrow(/positive integer/);
  });
});
