import { getFloat16 } from '@petamoriken/float16';
import { WEIGHT_PRECISIONS, type WeightPrecision } from '../../core/manifest.ts';

/**
 * How an exported model stores its weight matrices. float16 halves the files and int8 quarters
 * them; the worker's memory (128 MB an isolate, REFERENCE.md) is the reason to care.
 *
 * int8 is symmetric and per output unit: each column of a [in, out] matrix (each row of a word
 * table) gets its own scale max|w| / 127, so one large weight does not flatten a whole matrix.
 * Quantisation happens once, here: the exporter then computes its image and caption vectors
 * with the dequantised values, so the vectors it writes are exactly what the shipped encoders
 * give, whatever the precision. Vectors (1-D biases) stay float32: they are tiny.
 */

export { WEIGHT_PRECISIONS, type WeightPrecision };

/** A rows x cols row-major matrix as stored in the ONNX file. */
export type StoredMatrix =
  | { precision: 'float32'; rows: number; cols: number; values: Float32Array }
  | { precision: 'float16'; rows: number; cols: number; bits: Uint16Array }
  | {
      precision: 'int8';
      rows: number;
      cols: number;
      values: Int8Array;
      /** One scale per row (axis 0) or per column (axis 1). */
      scale: Float32Array;
      scaleAxis: 0 | 1;
    };

/**
 * Stores a float32 matrix at a precision. `scaleAxis` says which units get their own int8
 * scale: 0 for a table of row vectors (word embeddings), 1 for a [in, out] map.
 */
export function storeMatrix(
  values: Float32Array,
  rows: number,
  cols: number,
  precision: WeightPrecision,
  scaleAxis: 0 | 1 = 1,
): StoredMatrix {
  if (values.length !== rows * cols) {
    throw new Error(`storeMatrix: ${values.length} values for a ${rows} x ${cols} matrix`);
  }
  switch (precision) {
    case 'float32':
      return { precision, rows, cols, values: Float32Array.from(values) };
    case 'float16':
      return { precision, rows, cols, bits: halfBits(values) };
    case 'int8': {
      const units = scaleAxis === 0 ? rows : cols;
      const maxAbs = new Float32Array(units);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const u = scaleAxis === 0 ? r : c;
          const a = Math.abs(values[r * cols + c] as number);
          if (a > (maxAbs[u] as number)) maxAbs[u] = a;
        }
      }
      // An all-zero unit gets scale 1 (any scale represents zeros exactly) to avoid 0/0.
      const scale = maxAbs.map((m) => (m > 0 ? m / 127 : 1));
      const q = new Int8Array(values.length);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          const s = scale[scaleAxis === 0 ? r : c] as number;
          q[i] = Math.max(-127, Math.min(127, Math.round((values[i] as number) / s)));
        }
      }
      return { precision, rows, cols, values: q, scale, scaleAxis };
    }
  }
}

/**
 * IEEE half-precision bits of each value, rounded to nearest, ties to even (as setFloat16 of
 * @petamoriken/float16, which the tests hold it to): bit arithmetic on the float32 bits, a
 * hundred times faster than a DataView call per value, which matters for a CNN's 4 million
 * weights (about 5 s against 0.07 s).
 */
export function halfBits(values: Float32Array): Uint16Array {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < words.length; i++) out[i] = halfOf(words[i] as number);
  return out;
}

function halfOf(word: number): number {
  const sign = (word >>> 16) & 0x8000;
  const exponent = (word >>> 23) & 0xff;
  const mantissa = word & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200); // Inf, NaN
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // too large: Infinity
  if (e <= 0) {
    // A half subnormal (or zero): the implicit 1 joins the mantissa, shifted further right.
    if (e < -10) return sign;
    return sign | roundShift(mantissa | 0x800000, 14 - e);
  }
  // A carry out of the mantissa moves into the exponent, which is what rounding up must do.
  return sign | ((e << 10) + roundShift(mantissa, 13));
}

/** x >>> shift, rounded to nearest, ties to even. */
function roundShift(x: number, shift: number): number {
  const kept = x >>> shift;
  const rest = x & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}

/** The float32 values a stored matrix stands for: what the ONNX graph computes with. */
export function dequantize(m: StoredMatrix): Float32Array {
  switch (m.precision) {
    case 'float32':
      return Float32Array.from(m.values);
    case 'float16': {
      const view = new DataView(m.bits.buffer, m.bits.byteOffset, m.bits.byteLength);
      return Float32Array.from({ length: m.bits.length }, (_, i) => getFloat16(view, i * 2, true));
    }
    case 'int8': {
      const out = new Float32Array(m.values.length);
      for (let r = 0; r < m.rows; r++) {
        for (let c = 0; c < m.cols; c++) {
          const i = r * m.cols + c;
          // float32 product, as ONNX's Cast + Mul computes it.
          out[i] = Math.fround(
            (m.values[i] as number) * (m.scale[m.scaleAxis === 0 ? r : c] as number),
          );
        }
      }
      return out;
    }
  }
}

type Elements = Float32Array | Uint16Array | Int8Array;

/** Element i of the result is element from(i) of the input: one re-layout for any storage. */
function remap<T extends Elements>(src: T, from: (i: number) => number): T {
  const out = new (src.constructor as new (n: number) => T)(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[from(i)] as number;
  return out;
}

function withElements(
  m: StoredMatrix,
  rows: number,
  cols: number,
  from: (i: number) => number,
): StoredMatrix {
  switch (m.precision) {
    case 'float32':
      return { ...m, rows, cols, values: remap(m.values, from) };
    case 'float16':
      return { ...m, rows, cols, bits: remap(m.bits, from) };
    case 'int8':
      return { ...m, rows, cols, values: remap(m.values, from) };
  }
}

/** The transpose, with per-unit scales following their units to the other axis. */
export function transposeStored(m: StoredMatrix): StoredMatrix {
  const { rows, cols } = m;
  // Output (r, c) = input (c, r); output is cols x rows.
  const t = withElements(m, cols, rows, (i) => (i % rows) * cols + Math.floor(i / rows));
  return t.precision === 'int8' ? { ...t, scaleAxis: t.scaleAxis === 0 ? 1 : 0 } : t;
}

/**
 * Reorders blocks of `width` columns: block k of the result is block order[k] of the input.
 * (Recurrent weights keep their gates side by side in blocks; ONNX wants another gate order.)
 */
export function permuteColumnBlocks(
  m: StoredMatrix,
  order: readonly number[],
  width: number,
): StoredMatrix {
  if (order.length * width !== m.cols) {
    throw new Error(`permuteColumnBlocks: ${order.length} blocks of ${width} in ${m.cols} columns`);
  }
  const sourceColumn = (c: number) =>
    (order[Math.floor(c / width)] as number) * width + (c % width);
  const out = withElements(
    m,
    m.rows,
    m.cols,
    (i) => Math.floor(i / m.cols) * m.cols + sourceColumn(i % m.cols),
  );
  if (out.precision === 'int8' && out.scaleAxis === 1) {
    return {
      ...out,
      scale: Float32Array.from({ length: m.cols }, (_, c) => out.scale[sourceColumn(c)] as number),
    };
  }
  return out;
}

/** Bytes a stored matrix takes in the file (scales included). */
export function storedBytes(m: StoredMatrix): number {
  switch (m.precision) {
    case 'float32':
      return m.values.byteLength;
    case 'float16':
      return m.bits.byteLength;
    case 'int8':
      return m.values.byteLength + m.scale.byteLength;
  }
}
