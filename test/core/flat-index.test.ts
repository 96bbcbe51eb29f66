import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JointspaceFormatError, JointspaceInputError } from '../../core/errors.ts';
import {
  decodeFlatIndex,
  encodeFlatIndex,
  encodeFlatIndexHeader,
  FLAT_INDEX_MAGIC,
  type FlatIndexRecord,
  flatIndexRow,
  quantizeRowInt8,
} from '../../core/flat-index.ts';

interface Meta {
  text: string;
  n: number;
}

const RECORDS: FlatIndexRecord<Meta>[] = [
  { id: 'a.jpg', values: Float32Array.from([0.6, 0.8, 0]), metadata: { text: 'first', n: 0 } },
  { id: 'b.jpg#0', values: [0, -1, 0], metadata: { text: 'ünïcödé "q"', n: 1 } },
  { id: 'h:00ff', values: Float32Array.from([1 / 3, 2 / 3, -2 / 3]), metadata: { text: '', n: 2 } },
];

function input<M>(records: readonly FlatIndexRecord<M>[], dimension = 3) {
  return { version: 'test-v1', dimension, records };
}

/** A file with a hand-written header and `vectorBytes` zero bytes of vectors. */
function withHeader(header: unknown, vectorBytes: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = (12 + json.length + 3) & ~3;
  const out = new Uint8Array(start + vectorBytes);
  out.set(FLAT_INDEX_MAGIC);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  return out;
}

const GOOD_HEADER = {
  format: 'jointspace-flat-index',
  formatVersion: 1,
  version: 'test-v1',
  dimension: 2,
  count: 2,
  encoding: 'float32',
  ids: ['x', 'y'],
  metadata: [null, { k: 1 }],
};

describe('flat index file: float32', () => {
  it('round-trips ids, metadata and vectors exactly', () => {
    const bytes = encodeFlatIndex(input(RECORDS), 'float32');
    const data = decodeFlatIndex<Meta>(bytes);
    expect(data).toMatchObject({
      formatVersion: 1,
      version: 'test-v1',
      dimension: 3,
      count: 3,
      encoding: 'float32',
      ids: ['a.jpg', 'b.jpg#0', 'h:00ff'],
    });
    expect(data.metadata).toEqual(RECORDS.map((r) => r.metadata));
    expect(data.vectors).toEqual(Float32Array.from(RECORDS.flatMap((r) => [...r.values])));
    expect(flatIndexRow(data, 2)).toEqual(Float32Array.from(RECORDS[2]!.values));
  });

  it('decodes to views over the given buffer, aligned, without copying', () => {
    const bytes = encodeFlatIndex(input(RECORDS), 'float32');
    const data = decodeFlatIndex(bytes.buffer);
    expect(data.vectors.buffer).toBe(bytes.buffer);
    expect(data.vectors.byteOffset % 4).toBe(0);
    // A row handed out is a copy: writing to it leaves the index alone.
    flatIndexRow(data, 0).fill(9);
    expect(data.vectors[0]).toBeCloseTo(0.6, 6);
  });

  it('still decodes bytes that sit at an unaligned offset of their buffer (by copying)', () => {
    const bytes = encodeFlatIndex(input(RECORDS), 'float32');
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const data = decodeFlatIndex(shifted.subarray(1));
    expect(data.vectors).toEqual(decodeFlatIndex(bytes).vectors);
  });

  it('writes identical bytes for identical input, and pads the header to 4 bytes', () => {
    const a = encodeFlatIndex(input(RECORDS), 'float32');
    expect(encodeFlatIndex(input(RECORDS), 'float32')).toEqual(a);
    for (const id of ['', 'a', 'ab', 'abc']) {
      const ids = id === '' ? [] : [id];
      const header = encodeFlatIndexHeader({
        version: 'test-v1',
        dimension: 3,
        count: ids.length,
        encoding: 'int8',
        ids,
        metadata: ids.map(() => null),
      });
      expect(header.length % 4).toBe(0);
    }
    expect(a.length).toBe(
      encodeFlatIndexHeader({
        version: 'test-v1',
        dimension: 3,
        count: 3,
        encoding: 'float32',
        ids: RECORDS.map((r) => r.id),
        metadata: RECORDS.map((r) => r.metadata),
      }).length +
        3 * 3 * 4,
    );
  });

  it('holds an empty index', () => {
    for (const encoding of ['float32', 'int8'] as const) {
      const data = decodeFlatIndex(encodeFlatIndex(input([]), encoding));
      expect(data.count).toBe(0);
      expect(data.vectors.length).toBe(0);
    }
  });

  it('round-trips any records exactly (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((d) =>
          fc.tuple(
            fc.constant(d),
            fc.uniqueArray(
              fc.record({
                id: fc.string({ minLength: 1, maxLength: 20 }),
                values: fc.float32Array({
                  minLength: d,
                  maxLength: d,
                  noNaN: true,
                  noDefaultInfinity: true,
                }),
                metadata: fc.jsonValue(),
              }),
              { selector: (r) => r.id, maxLength: 12 },
            ),
          ),
        ),
        ([d, records]) => {
          const data = decodeFlatIndex(encodeFlatIndex(input(records, d), 'float32'));
          expect(data.ids).toEqual(records.map((r) => r.id));
          // JSON drops -0 to 0; compare as JSON reads it back.
          expect(data.metadata).toEqual(records.map((r) => JSON.parse(JSON.stringify(r.metadata))));
          records.forEach((r, row) => {
            expect(flatIndexRow(data, row)).toEqual(r.values);
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('flat index file: int8', () => {
  it('stores one scale per row, max|x| / 127, and each value within scale / 2', () => {
    const data = decodeFlatIndex<Meta>(encodeFlatIndex(input(RECORDS), 'int8'));
    if (data.encoding !== 'int8') throw new Error('expected int8');
    expect(data.scales[0]).toBe(Math.fround(0.8 / 127));
    expect(data.scales[1]).toBe(Math.fround(1 / 127));
    expect([...data.vectors.subarray(0, 3)]).toEqual([95, 127, 0]);
    expect([...data.vectors.subarray(3, 6)]).toEqual([0, -127, 0]);
    expect(data.metadata[1]).toEqual({ text: 'ünïcödé "q"', n: 1 });
  });

  it('keeps every value within half a step of its row (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }).chain((d) =>
          fc.array(
            fc.float32Array({
              minLength: d,
              maxLength: d,
              noNaN: true,
              noDefaultInfinity: true,
              min: -1e6,
              max: 1e6,
            }),
            { minLength: 1, maxLength: 10 },
          ),
        ),
        (generated) => {
          // Float32 cannot hold a scale for rows of subnormal size (max|x| < 1e-36 or so).
          const rows = generated.map((v) => v.map((x) => (Math.abs(x) < 1e-30 ? 0 : x)));
          const d = rows[0]!.length;
          const records = rows.map((values, i) => ({ id: `r${i}`, values, metadata: i }));
          const data = decodeFlatIndex(encodeFlatIndex(input(records, d), 'int8'));
          if (data.encoding !== 'int8') throw new Error('expected int8');
          rows.forEach((values, r) => {
            const scale = data.scales[r]!;
            const max = values.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
            expect(scale).toBe(Math.fround(max / 127));
            const back = flatIndexRow(data, r);
            for (let i = 0; i < d; i++) {
              const q = data.vectors[r * d + i]!;
              expect(Math.abs(q)).toBeLessThanOrEqual(127);
              // In float64, then after the float32 rounding of the dequantised row.
              expect(Math.abs(values[i]! - q * scale)).toBeLessThanOrEqual(scale / 2 + 1e-12 * max);
              expect(Math.abs(values[i]! - back[i]!)).toBeLessThanOrEqual(
                scale / 2 + 2 ** -23 * max,
              );
            }
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gives a zero row scale 0 and zeros', () => {
    const out = new Int8Array(3).fill(5);
    expect(quantizeRowInt8([0, 0, 0], out)).toBe(0);
    expect([...out]).toEqual([0, 0, 0]);
  });

  it('is about a quarter of the float32 file for wide vectors', () => {
    const d = 256;
    const records = Array.from({ length: 50 }, (_, i) => ({
      id: `v${i}`,
      values: Float32Array.from({ length: d }, (_, j) => Math.sin(i + j)),
      metadata: null,
    }));
    const f32 = encodeFlatIndex(input(records, d), 'float32').length;
    const i8 = encodeFlatIndex(input(records, d), 'int8').length;
    expect(i8 / f32).toBeLessThan(0.3);
  });
});

describe('flat index file: errors', () => {
  it('refuse what is not a flat index, with the reason', () => {
    const good = encodeFlatIndex(input(RECORDS), 'float32');
    const badMagic = good.slice();
    badMagic[1] = 0x4b;
    expect(() => decodeFlatIndex(badMagic)).toThrow(JointspaceFormatError);
    expect(() => decodeFlatIndex(badMagic)).toThrow(/bad magic/);
    expect(() => decodeFlatIndex(good.subarray(0, 7))).toThrow(/truncated: 7 bytes/);
    expect(() => decodeFlatIndex(good.subarray(0, 40))).toThrow(/truncated: the header claims/);
    expect(() => decodeFlatIndex(good.subarray(0, good.length - 4))).toThrow(
      /truncated: 32 bytes of vectors, expected 36 for 3 float32 vectors of dimension 3/,
    );
    const longer = new Uint8Array(good.length + 4);
    longer.set(good);
    expect(() => decodeFlatIndex(longer)).toThrow(/4 unexpected bytes after the 3 float32/);
    const text = new TextEncoder().encode('{"id":"x","values":[1]}\n');
    expect(() => decodeFlatIndex(text)).toThrow(/bad magic/);
    expect(() => decodeFlatIndex(new TextEncoder().encode('{}'))).toThrow(/bad magic/);
    expect(() => decodeFlatIndex(new Uint8Array(0))).toThrow(/truncated: 0 bytes/);
  });

  it('refuse headers that are not JSON or whose counts disagree', () => {
    const notJson = withHeader(GOOD_HEADER, 16);
    notJson[12] = 0x7b + 1;
    expect(() => decodeFlatIndex(notJson)).toThrow(/the header is not UTF-8 JSON/);
    expect(decodeFlatIndex(withHeader(GOOD_HEADER, 16)).metadata).toEqual([null, { k: 1 }]);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ count: 3 }, /counts disagree: count is 3 but there are 2 ids and 2 metadata/],
      [{ metadata: [null] }, /counts disagree: count is 2 but there are 2 ids and 1 metadata/],
      [{ ids: ['x', 'x'] }, /ids must be unique/],
      [{ ids: ['x', 7] }, /ids must be an array of strings/],
      [{ formatVersion: 2 }, /formatVersion 2 is not supported/],
      [{ format: 'other' }, /header.format must be/],
      [{ encoding: 'float16' }, /encoding "float16" must be one of float32, int8/],
      [{ dimension: 0 }, /dimension 0 must be a positive integer/],
      [{ version: 'Bad Name' }, /version "Bad Name" must match/],
    ];
    for (const [change, message] of cases) {
      const bytes = withHeader({ ...GOOD_HEADER, ...change }, 16);
      expect(() => decodeFlatIndex(bytes)).toThrow(JointspaceFormatError);
      expect(() => decodeFlatIndex(bytes)).toThrow(message);
    }
  });

  it('refuse an int8 file with a negative or non-finite scale', () => {
    const bytes = withHeader({ ...GOOD_HEADER, encoding: 'int8' }, 2 * 4 + 2 * 2);
    const start = bytes.length - 12;
    new DataView(bytes.buffer).setFloat32(start + 4, Number.NaN, true);
    expect(() => decodeFlatIndex(bytes)).toThrow(/row 1 \(y\) has scale NaN/);
  });

  it('refuse records that cannot be written', () => {
    const bad =
      (records: FlatIndexRecord<null>[], version = 'test-v1') =>
      () =>
        encodeFlatIndex({ version, dimension: 2, records }, 'float32');
    const ok = { id: 'a', values: [1, 0], metadata: null };
    expect(bad([ok, { ...ok }])).toThrow(/id "a" appears twice/);
    expect(bad([{ ...ok, values: [1] }])).toThrow(/record 0 \(a\) has 1 values, expected 2/);
    expect(bad([{ ...ok, values: [1, Number.NaN] }])).toThrow(/not a finite number/);
    expect(bad([{ ...ok, id: '' }])).toThrow(/non-empty string/);
    expect(bad([ok], 'Not A Version')).toThrow(/version "Not A Version" must match/);
    expect(bad([ok])).not.toThrow();
    expect(bad([{ ...ok, id: '' }])).toThrow(JointspaceInputError);
    expect(() => flatIndexRow(decodeFlatIndex(encodeFlatIndex(input(RECORDS), 'int8')), 3)).toThrow(
      /row 3 is outside the index's 3 rows/,
    );
  });
});
