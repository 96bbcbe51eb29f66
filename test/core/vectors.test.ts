import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JointspaceInputError } from '../../core/errors.ts';
import {
  dot,
  l2Norm,
  matVec,
  normalize,
  normalizeRows,
  rowCount,
  scoreMatrix,
} from '../../core/vectors.ts';

const f32 = (...values: number[]): Float32Array => Float32Array.from(values);

/** Non-zero finite float32 vectors of a given length. */
const nonZeroVector = (length: number) =>
  fc
    .float32Array({ minLength: length, maxLength: length, noNaN: true, noDefaultInfinity: true })
    .filter((v) => v.some((x) => x !== 0));

describe('l2Norm and normalize', () => {
  it('computes the 3-4-5 triangle', () => {
    expect(l2Norm(f32(3, 4))).toBe(5);
    const unit = normalize(f32(3, 4));
    expect(unit[0]).toBeCloseTo(0.6, 6);
    expect(unit[1]).toBeCloseTo(0.8, 6);
  });

  it('returns a new array and leaves the input alone', () => {
    const v = f32(3, 4);
    expect(normalize(v)).not.toBe(v);
    expect(v).toEqual(f32(3, 4));
  });

  it('refuses zero and non-finite vectors instead of returning NaN', () => {
    expect(() => normalize(f32(0, 0))).toThrow('cannot normalise a vector: it is zero');
    expect(() => normalize(new Float32Array(0))).toThrow('it is zero');
    expect(() => normalize(f32(1, Number.NaN))).toThrow('it holds a NaN or infinite value');
    expect(() => normalize(f32(Number.POSITIVE_INFINITY, 0))).toThrow(JointspaceInputError);
  });

  it('gives unit length for any non-zero finite vector, even tiny or huge ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }).chain(nonZeroVector), (v) => {
        expect(Math.abs(l2Norm(normalize(v)) - 1)).toBeLessThan(1e-6);
      }),
      { numRuns: 200 },
    );
  });
});

describe('normalizeRows', () => {
  it('scales each row in place and returns the same array', () => {
    const m = f32(3, 4, 0, 2);
    expect(normalizeRows(m, 2)).toBe(m);
    expect(Array.from(m)).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6), 0, 1]);
  });

  it('names a zero row and leaves the matrix untouched', () => {
    const m = f32(3, 4, 0, 0, 1, 1);
    expect(() => normalizeRows(m, 2)).toThrow('cannot normalise row 1: it is zero');
    expect(m).toEqual(f32(3, 4, 0, 0, 1, 1));
  });

  it('validates the shape', () => {
    expect(() => normalizeRows(f32(1, 2, 3), 2)).toThrow(
      'matrix has 3 values, not a whole number of rows of dim 2',
    );
    expect(() => normalizeRows(f32(1, 2), 0)).toThrow('dim must be a positive integer, got 0');
  });
});

describe('dot, matVec, scoreMatrix', () => {
  it('computes a dot product and refuses a length mismatch', () => {
    expect(dot(f32(1, 2, 3), f32(4, 5, 6))).toBe(32);
    expect(() => dot(f32(1, 2), f32(1, 2, 3))).toThrow('dot: lengths differ (2 and 3)');
  });

  it('scores every row against a vector', () => {
    // rows (1,0), (0,1), (1,1) against (2,3)
    expect(matVec(f32(1, 0, 0, 1, 1, 1), 2, f32(2, 3))).toEqual(f32(2, 3, 5));
    expect(matVec(new Float32Array(0), 2, f32(2, 3))).toEqual(new Float32Array(0));
    expect(() => matVec(f32(1, 0, 0, 1), 2, f32(1, 2, 3))).toThrow(
      'matVec: vector has length 3, expected dim 2',
    );
  });

  it('multiplies a by b transposed, row-major', () => {
    // a = [(1,2), (3,4)], b = [(1,0), (0,1), (1,1)]
    // row 0: 1, 2, 3; row 1: 3, 4, 7
    expect(scoreMatrix(f32(1, 2, 3, 4), f32(1, 0, 0, 1, 1, 1), 2)).toEqual(f32(1, 2, 3, 3, 4, 7));
    expect(() => scoreMatrix(f32(1, 2, 3), f32(1, 0), 2)).toThrow('a has 3 values');
    expect(() => scoreMatrix(f32(1, 2), f32(1, 0, 1), 2)).toThrow('b has 3 values');
    expect(() => scoreMatrix(f32(1, 2), f32(1, 0), 1.5)).toThrow('dim must be a positive integer');
  });

  it('agrees with dot and matVec bit for bit (property)', () => {
    const shape = fc.record({
      n: fc.integer({ min: 1, max: 4 }),
      m: fc.integer({ min: 1, max: 9 }),
      dim: fc.integer({ min: 1, max: 5 }),
    });
    const values = (length: number) =>
      fc.array(fc.float({ min: -10, max: 10, noNaN: true }), {
        minLength: length,
        maxLength: length,
      });
    fc.assert(
      fc.property(
        shape.chain(({ n, m, dim }) =>
          fc.tuple(fc.constant(dim), values(n * dim), values(m * dim)),
        ),
        ([dim, aValues, bValues]) => {
          const a = Float32Array.from(aValues);
          const b = Float32Array.from(bValues);
          const n = rowCount(a, dim);
          const m = rowCount(b, dim);
          const scores = scoreMatrix(a, b, dim);
          for (let i = 0; i < n; i++) {
            const row = a.subarray(i * dim, (i + 1) * dim);
            expect(scores.subarray(i * m, (i + 1) * m)).toEqual(matVec(b, dim, row));
            for (let j = 0; j < m; j++) {
              expect(scores[i * m + j]).toBe(
                Math.fround(dot(row, b.subarray(j * dim, (j + 1) * dim))),
              );
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
