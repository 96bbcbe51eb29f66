import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatFloat32,
  formatVectorRecord,
  METADATA_MAX_BYTES,
  parseVectorRecord,
} from '../../core/vector-records.ts';

describe('vector records', () => {
  it('write each value as the shortest decimal that reads back as the same float32', () => {
    expect(formatFloat32(0.5)).toBe('0.5');
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(Math.fround(-0.123456789))).toBe('-0.12345679');
    expect(formatFloat32(Math.fround(1e-7))).toBe('1e-7');
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const s = formatFloat32(x);
        expect(Math.fround(Number(s))).toBe(x === 0 ? 0 : x);
        const digits = Number(s)
          .toExponential()
          .split('e')[0]
          ?.replace(/[-.]/g, '')
          .replace(/0+$/, '');
        expect(digits?.length).toBeLessThanOrEqual(9);
      }),
    );
    expect(() => formatFloat32(Number.NaN)).toThrow(/cannot write NaN/);
  });

  it('round-trip a vector exactly, with its id and metadata', () => {
    const values = Float32Array.from([0.25, -1 / 3, 1e-20, 7]);
    const line = formatVectorRecord('demo_000001.svg#2', values, {
      text: 'a "red" car',
      imageId: 'demo_000001.svg',
      split: 'test',
    });
    expect(line).not.toContain('\n');
    const back = parseVectorRecord<{ text: string }>(line, 4);
    expect(back.id).toBe('demo_000001.svg#2');
    expect(Float32Array.from(back.values)).toEqual(values);
    expect(back.metadata.text).toBe('a "red" car');
  });

  it("refuse metadata over Vectorize's limit and lines of the wrong shape", () => {
    expect(() =>
      formatVectorRecord('x', new Float32Array(2), { text: 'w'.repeat(METADATA_MAX_BYTES) }),
    ).toThrow(/over Vectorize's 10240 bytes/);
    expect(() => parseVectorRecord('{nope')).toThrow(/not JSON/);
    expect(() => parseVectorRecord('{"id":1,"values":[]}')).toThrow(/string id and a values array/);
    expect(() => parseVectorRecord('{"id":"a","values":[1,2]}', 3)).toThrow(
      /vector a has 2 values, expected 3/,
    );
    expect(() => parseVectorRecord('{"id":"a","values":[1,"2"]}')).toThrow(/not a finite number/);
  });
});
