import { describe, expect, it } from 'vitest';
import {
  scoreFloat32Rows,
  scoreFloat32RowsOf,
  scoreInt8Rows,
  scoreInt8RowsOf,
} from '../../../worker/vector-index/flat-scores.ts';
import { randomUnitVectors, seededRandom } from '../../support/random-vectors.ts';

// The oracle: one row at a time, summed in float64 in index order. The scorers promise exactly
// this number (not just a close one), so the comparisons below are exact.
function dot(row: ArrayLike<number>, query: Float32Array): number {
  let s = 0;
  for (let i = 0; i < query.length; i++) s += query[i]! * row[i]!;
  return s;
}

/** n rows of dimension d, row-major, as the flat index stores them. */
function float32Rows(n: number, d: number, seed: number): Float32Array {
  const rows = new Float32Array(n * d);
  randomUnitVectors(n, d, seed).forEach((row, r) => {
    rows.set(row, r * d);
  });
  return rows;
}

function int8Rows(n: number, d: number, seed: number): Int8Array {
  const random = seededRandom(seed);
  return Int8Array.from({ length: n * d }, () => Math.floor(random() * 255) - 127);
}

/** A fresh output buffer holding NaN: a score that is never written shows. */
const nanScores = (n: number) => new Float64Array(n).fill(Number.NaN);

// Every n from 0 to 9 covers the four-row blocks, the rows left after them, and both alone.
const COUNTS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

describe('scoreFloat32Rows', () => {
  const d = 37;
  const query = randomUnitVectors(1, d, 2)[0]!;

  it('gives every row exactly its float64 dot product with the query', () => {
    for (const n of COUNTS) {
      const rows = float32Rows(n, d, 100 + n);
      const out = nanScores(n);
      scoreFloat32Rows(rows, query, out);
      const expected = Array.from({ length: n }, (_, r) =>
        dot(rows.subarray(r * d, (r + 1) * d), query),
      );
      expect(Array.from(out)).toEqual(expected);
    }
  });

  it('gives identical rows identical scores, inside a block of four and after the blocks', () => {
    const rows = float32Rows(7, d, 3);
    const same = rows.slice(0, d);
    rows.set(same, 2 * d); // the same four-row block as row 0
    rows.set(same, 6 * d); // the rows left after the blocks
    const out = nanScores(7);
    scoreFloat32Rows(rows, query, out);
    expect(out[2]).toBe(out[0]);
    expect(out[6]).toBe(out[0]);
    expect(out[1]).not.toBe(out[0]);
  });

  it('scores a unit row against itself as 1, and its negation as -1', () => {
    const rows = new Float32Array(2 * d);
    rows.set(query, 0);
    rows.set(
      query.map((x) => -x),
      d,
    );
    const out = nanScores(2);
    scoreFloat32Rows(rows, query, out);
    expect(out[0]).toBeCloseTo(1, 6);
    expect(out[1]).toBe(-out[0]!);
  });

  it('scores out.length rows of query.length values, and overwrites what out held', () => {
    // 9 rows stored, 6 asked for: the last three are not read.
    const rows = float32Rows(9, d, 4);
    const out = new Float64Array(6).fill(123);
    scoreFloat32Rows(rows, query, out);
    for (let r = 0; r < 6; r++) expect(out[r]).toBe(dot(rows.subarray(r * d, (r + 1) * d), query));
  });
});

describe('scoreInt8Rows', () => {
  const d = 29;
  const query = randomUnitVectors(1, d, 5)[0]!;

  it("gives every row its float64 dot product with the query, times the row's scale", () => {
    for (const n of COUNTS) {
      const rows = int8Rows(n, d, 200 + n);
      const scales = Float32Array.from({ length: n }, (_, r) => (r + 1) / 1000);
      const out = nanScores(n);
      scoreInt8Rows(rows, scales, query, out);
      const expected = Array.from(
        { length: n },
        (_, r) => dot(rows.subarray(r * d, (r + 1) * d), query) * scales[r]!,
      );
      expect(Array.from(out)).toEqual(expected);
    }
  });

  it('equals the dot product with the dequantised row, up to rounding', () => {
    const n = 11;
    const rows = int8Rows(n, d, 6);
    const scales = Float32Array.from({ length: n }, (_, r) => 1 / (127 + r));
    const out = nanScores(n);
    scoreInt8Rows(rows, scales, query, out);
    for (let r = 0; r < n; r++) {
      const dequantised = Array.from(rows.subarray(r * d, (r + 1) * d), (x) => x * scales[r]!);
      expect(out[r]).toBeCloseTo(dot(dequantised, query), 12);
    }
  });

  it('uses each row its own scale: a zero scale gives 0, a negative one flips the sign', () => {
    const rows = int8Rows(5, d, 7);
    rows.set(rows.subarray(0, d), d); // row 1 = row 0
    rows.set(rows.subarray(0, d), 4 * d); // row 4 = row 0, after the block of four
    const scales = Float32Array.of(0.01, -0.01, 0, 0.02, 0.01);
    const out = nanScores(5);
    scoreInt8Rows(rows, scales, query, out);
    expect(out[1]).toBe(-out[0]!);
    expect(Math.abs(out[2]!)).toBe(0);
    expect(out[4]).toBe(out[0]);
    expect(out[0]).not.toBe(0);
  });
});

/** Row lists of every length 0..9 over 23 rows: ascending, with gaps, as a split's rows are. */
function rowLists(): Int32Array[] {
  const random = seededRandom(31);
  return COUNTS.map((n) => {
    const rows = new Set<number>();
    while (rows.size < n) rows.add(Math.floor(random() * 23));
    return Int32Array.from([...rows].sort((a, b) => a - b));
  });
}

describe('scoreFloat32RowsOf', () => {
  const d = 37;
  const n = 23;
  const query = randomUnitVectors(1, d, 8)[0]!;
  const rows = float32Rows(n, d, 9);
  const all = nanScores(n);
  scoreFloat32Rows(rows, query, all);

  it("gives each listed row exactly the score a full scan gives it, in the list's order", () => {
    for (const list of rowLists()) {
      const out = nanScores(list.length);
      scoreFloat32RowsOf(rows, query, list, out);
      expect(Array.from(out)).toEqual(Array.from(list, (r) => all[r]!));
    }
  });

  it('scores out.length rows of the list, in any order, a row listed twice twice', () => {
    const list = Int32Array.of(22, 0, 5, 5, 17, 3, 9);
    const out = new Float64Array(6).fill(123);
    scoreFloat32RowsOf(rows, query, list, out);
    expect(Array.from(out)).toEqual([22, 0, 5, 5, 17, 3].map((r) => all[r]!));
  });
});

describe('scoreInt8RowsOf', () => {
  const d = 29;
  const n = 23;
  const query = randomUnitVectors(1, d, 10)[0]!;
  const rows = int8Rows(n, d, 11);
  const scales = Float32Array.from({ length: n }, (_, r) => (r + 1) / 997);
  const all = nanScores(n);
  scoreInt8Rows(rows, scales, query, all);

  it('gives each listed row exactly the score a full scan gives it, its own scale included', () => {
    for (const list of rowLists()) {
      const out = nanScores(list.length);
      scoreInt8RowsOf(rows, scales, query, list, out);
      expect(Array.from(out)).toEqual(Array.from(list, (r) => all[r]!));
    }
  });

  it('scores out.length rows of the list, in any order, a row listed twice twice', () => {
    const list = Int32Array.of(4, 21, 21, 0, 13, 8);
    const out = new Float64Array(5).fill(123);
    scoreInt8RowsOf(rows, scales, query, list, out);
    expect(Array.from(out)).toEqual([4, 21, 21, 0, 13].map((r) => all[r]!));
  });
});
