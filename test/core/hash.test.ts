import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex, sha256HexSync } from '../../core/hash.ts';

// FIPS 180-2 / NIST test vectors.
const VECTORS: [string, string][] = [
  ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  [
    'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  ],
  ['a'.repeat(1_000_000), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
];

describe('sha256Hex and sha256HexSync', () => {
  it.each(VECTORS.map(([text, hex]) => [text.slice(0, 20), text, hex]))(
    'hash %j to the NIST digest',
    async (_label, text, hex) => {
      expect(await sha256Hex(text)).toBe(hex);
      expect(sha256HexSync(text)).toBe(hex);
    },
  );

  it('encode strings as UTF-8', async () => {
    const bytes = new TextEncoder().encode('chien \u00e9t\u00e9 🐕');
    expect(sha256HexSync('chien \u00e9t\u00e9 🐕')).toBe(sha256HexSync(bytes));
    expect(await sha256Hex('chien \u00e9t\u00e9 🐕')).toBe(await sha256Hex(bytes));
  });

  it('hash only the window of a Uint8Array view', async () => {
    const big = new TextEncoder().encode('xxabcxx');
    const window = big.subarray(2, 5);
    expect(await sha256Hex(window)).toBe(VECTORS[1]![1]);
    expect(sha256HexSync(window)).toBe(VECTORS[1]![1]);
  });

  it('agree on any bytes, across the padding boundaries at 55, 56 and 64 bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        expect(sha256HexSync(bytes)).toBe(await sha256Hex(bytes));
      }),
      { numRuns: 100 },
    );
    for (let n = 50; n <= 130; n++) {
      const bytes = new Uint8Array(n).fill(n);
      expect(sha256HexSync(bytes)).toBe(await sha256Hex(bytes));
    }
  });
});
