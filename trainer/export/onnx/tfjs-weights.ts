import type { io } from '@tensorflow/tfjs-core';

/**
 * The weights of a tfjs graph model that was quantised to 8 bits (as nsfwjs ships its CNNs):
 * every tensor is stored as uint8 codes q with one scale and one minimum, and tfjs reads it as
 * value = q * scale + min. Both forms are kept: the codes (what an int8 export stores, losing
 * nothing) and the float32 values exactly as tfjs's io.decodeWeights computes them (what a
 * float32 export stores, so that the ONNX graph multiplies by the very numbers tfjs does).
 */

export class TfjsWeightsError extends Error {
  override readonly name = 'TfjsWeightsError';
}

export interface QuantisedTensor {
  name: string;
  shape: number[];
  /** The stored uint8 codes, in tfjs's (row-major) order. */
  codes: Uint8Array;
  scale: number;
  min: number;
  /** float32(q * scale + min), computed in double as tfjs does. */
  values: Float32Array;
}

/** Whatever tfjs holds the weights in: one buffer, or several to be read end to end. */
function weightBytes(data: io.WeightData | undefined): Uint8Array {
  if (data === undefined) throw new TfjsWeightsError('the model has no weight data');
  const parts = Array.isArray(data) ? data : [data];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out;
}

function elementCount(spec: io.WeightsManifestEntry): number {
  if (!spec.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new TfjsWeightsError(`weight ${spec.name} has shape [${spec.shape}]`);
  }
  return spec.shape.reduce((a, b) => a * b, 1);
}

function quantisationOf(spec: io.WeightsManifestEntry): { scale: number; min: number } {
  const q = spec.quantization;
  if (spec.dtype !== 'float32' || q?.dtype !== 'uint8') {
    throw new TfjsWeightsError(
      `weight ${spec.name} is ${spec.dtype}${q ? ` quantised to ${q.dtype}` : ', not quantised'}: only float32 weights quantised to uint8 are read`,
    );
  }
  const { scale, min } = q;
  if (!Number.isFinite(scale) || !Number.isFinite(min)) {
    throw new TfjsWeightsError(`weight ${spec.name} has no finite quantisation scale and min`);
  }
  return { scale: scale as number, min: min as number };
}

/** Every weight of `artifacts`, by name; the bytes must be exactly what the specs describe. */
export function decodeQuantisedWeights(artifacts: io.ModelArtifacts): Map<string, QuantisedTensor> {
  const specs = artifacts.weightSpecs;
  if (!specs) throw new TfjsWeightsError('the model has no weight specs');
  const bytes = weightBytes(artifacts.weightData);
  const out = new Map<string, QuantisedTensor>();
  let offset = 0;
  for (const spec of specs) {
    const { scale, min } = quantisationOf(spec);
    const count = elementCount(spec);
    if (offset + count > bytes.length) {
      throw new TfjsWeightsError(
        `weight ${spec.name} runs past the end of the weight data (${bytes.length} bytes)`,
      );
    }
    if (out.has(spec.name)) throw new TfjsWeightsError(`weight ${spec.name} is listed twice`);
    const codes = bytes.slice(offset, offset + count);
    const values = new Float32Array(count);
    // tfjs-core io_utils: values[i] = v * quantization.scale + quantization.min (in double).
    for (let i = 0; i < count; i++) values[i] = (codes[i] as number) * scale + min;
    out.set(spec.name, { name: spec.name, shape: [...spec.shape], codes, scale, min, values });
    offset += count;
  }
  if (offset !== bytes.length) {
    throw new TfjsWeightsError(
      `the weight data holds ${bytes.length} bytes; the specs describe ${offset}`,
    );
  }
  return out;
}
