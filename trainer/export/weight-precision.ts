import { getFloat16, setFloat16 } from '@petamoriken/float16';
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
    case 'float16': {
      const view = new DataView(new ArrayBuffer(values.length * 2));
      for (let i = 0; i < values.length; i++) setFloat16(view, i * 2, values[i] as number, true);
      return { precision, rows, cols, bits: new Uint16Array(view.buffer) };
    }
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
