import type { WeightPrecision } from '../../../core/manifest.ts';
import { storeMatrix } from '../weight-precision.ts';
import { DataType, type GraphBuilder } from './graph-builder.ts';
import type { QuantisedTensor } from './tfjs-weights.ts';

/**
 * The CNN's tensors as ONNX constants. Filters change layout (TensorFlow's [kh, kw, in, out] ->
 * ONNX's [out, in, kh, kw]) and are stored at the export's precision:
 *
 * - float32: the values exactly as tfjs dequantises them, so both runtimes multiply by the same
 *   numbers;
 * - float16: those values rounded to half precision (half the bytes of float32, but lossy: int8
 *   is both smaller and exact here, see below);
 * - int8: the source's own uint8 codes with their per-tensor scale and min, nothing re-quantised
 *   (the source is 8-bit already, so this loses nothing). They are widened by DequantizeLinear
 *   and an Add of the min. ONNX Runtime keeps DequantizeLinear out of its constant folding, so
 *   the weights stay 8-bit in memory and are widened layer by layer at each run: measured in
 *   onnxruntime-web, the CNN's wasm heap is about 33 MB after a run, against 54 MB for float32
 *   and 69 MB when a Cast/Mul/Add chain is folded into float32 at load (the folding's scratch
 *   stays in the heap, which never shrinks); each picture costs about 100 ms more.
 *
 * float32 and float16 filters are folded to float32 at load: their memory is float32's.
 *
 * Everything else (biases, the scalars of the input scaling) is tiny and stays float32, as the
 * other exported graphs keep their vectors.
 */

/** TensorFlow filter [kh, kw, in, out] -> ONNX Conv weight [out, in, kh, kw], element order. */
function filterOrder(kh: number, kw: number, cin: number, cout: number): Int32Array {
  const from = new Int32Array(kh * kw * cin * cout);
  let i = 0;
  for (let o = 0; o < cout; o++) {
    for (let c = 0; c < cin; c++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) from[i++] = ((y * kw + x) * cin + c) * cout + o;
      }
    }
  }
  return from;
}

function gather<T extends Float32Array | Uint8Array>(src: T, from: Int32Array): T {
  const out = new (src.constructor as new (n: number) => T)(from.length);
  for (let i = 0; i < from.length; i++) out[i] = src[from[i] as number] as number;
  return out;
}

/**
 * The codes of a 4-D TensorFlow filter in ONNX's layout, with the ONNX dims. A depthwise filter
 * [kh, kw, C, M] is the regular filter [kh, kw, 1, C * M] (output channel c * M + m reads input
 * channel c), which is exactly ONNX's grouped weight [C * M, 1, kh, kw] with group = C.
 */
export function onnxFilterLayout(
  t: QuantisedTensor,
  kind: 'conv' | 'depthwise',
): { dims: number[]; from: Int32Array } {
  const [kh, kw, a, b] = t.shape as [number, number, number, number];
  const [cin, cout] = kind === 'conv' ? [a, b] : [1, a * b];
  return { dims: [cout, cin, kh, kw], from: filterOrder(kh, kw, cin, cout) };
}

/** A filter as an ONNX float32 value (at `precision` in the file); returns its value name. */
export function filterConstant(
  g: GraphBuilder,
  stem: string,
  t: QuantisedTensor,
  kind: 'conv' | 'depthwise',
  precision: WeightPrecision,
): string {
  const { dims, from } = onnxFilterLayout(t, kind);
  if (precision === 'int8') return widenCodes(g, stem, t, dims, gather(t.codes, from));
  // float32 and float16 go through the export's own matrix storage: [out, in*kh*kw].
  const rows = dims[0] as number;
  const m = storeMatrix(gather(t.values, from), rows, from.length / rows, precision);
  return g.weight(stem, m, dims);
}

/**
 * codes -> q * scale + min in float32, as (q - zero) * scale + rest: zero is the code nearest
 * to the value 0 and rest = min + zero * scale is under half a scale. Written as q * scale +
 * min, float32 would subtract two large nearly equal numbers for every small weight and lose
 * its relative precision (measured: 2.8e-4 off tfjs's features, against 1.3e-5 this way).
 * DequantizeLinear computes (q - zero) * scale exactly as an integer times the scale.
 */
function widenCodes(
  g: GraphBuilder,
  stem: string,
  t: QuantisedTensor,
  dims: readonly number[],
  codes: Uint8Array,
): string {
  const zero = Math.min(255, Math.max(0, Math.round(-t.min / t.scale)));
  const q = g.tensor(`${stem}_q`, DataType.UINT8, dims, codes);
  const scale = g.float(`${stem}_scale`, [], new Float32Array([t.scale]));
  const zeroCode = g.tensor(`${stem}_zero`, DataType.UINT8, [], new Uint8Array([zero]));
  const rest = g.float(`${stem}_rest`, [], new Float32Array([t.min + zero * t.scale]));
  const scaled = g.node('DequantizeLinear', [q, scale, zeroCode], {}, `${stem}_scaled`);
  return g.node('Add', [scaled, rest], {}, stem);
}

/** A small tensor (a bias, a scalar) as float32, exactly tfjs's values. */
export function floatConstant(g: GraphBuilder, stem: string, t: QuantisedTensor): string {
  return g.float(stem, t.shape, t.values);
}
