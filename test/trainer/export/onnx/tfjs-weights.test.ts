import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeQuantisedWeights,
  TfjsWeightsError,
} from '../../../../trainer/export/onnx/tfjs-weights.ts';
import { Random } from '../../../../trainer/random.ts';
import { selectBackend } from '../../../../trainer/tf/backend.ts';

/** 8-bit quantised tfjs weights: the codes kept, the values exactly as tfjs decodes them. */

type Spec = tf.io.WeightsManifestEntry;

function quantised(name: string, shape: number[], min: number, scale: number): Spec {
  return { name, shape, dtype: 'float32', quantization: { dtype: 'uint8', min, scale } };
}

// Scales and mins with many significant digits, as the tfjs converter writes them: a decoder
// that rounds them to float32 before multiplying gives other float32 values.
const SPECS: Spec[] = [
  quantised('conv/weights', [3, 3, 2, 4], -6.255818266027114, 0.04344318240296607),
  quantised('conv/bias', [4], -0.020723959233830958, 0.00030034723527291244),
  quantised('scale', [], 2, 1),
];

function codesFor(specs: readonly Spec[], seed = 1): Uint8Array {
  const rng = new Random(seed);
  const count = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  return Uint8Array.from({ length: count }, () => rng.int(0, 255));
}

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('decodeQuantisedWeights', () => {
  it('gives tfjs io.decodeWeights values bit for bit, and keeps the codes', async () => {
    const codes = codesFor(SPECS);
    const decoded = decodeQuantisedWeights({
      weightSpecs: SPECS,
      weightData: codes.slice().buffer,
    });
    const reference = tf.io.decodeWeights(codes.slice().buffer, SPECS);
    let offset = 0;
    for (const spec of SPECS) {
      const t = decoded.get(spec.name);
      const count = spec.shape.reduce((a, b) => a * b, 1);
      expect(t?.shape).toEqual(spec.shape);
      expect(t?.codes).toEqual(codes.subarray(offset, offset + count));
      expect(t?.values).toEqual(await (reference[spec.name] as tf.Tensor).data());
      expect(t?.scale).toBe(spec.quantization?.scale);
      expect(t?.min).toBe(spec.quantization?.min);
      offset += count;
    }
    tf.dispose(Object.values(reference));
  });

  it('reads weight data split over several buffers end to end', () => {
    const codes = codesFor(SPECS);
    const whole = decodeQuantisedWeights({ weightSpecs: SPECS, weightData: codes.slice().buffer });
    const parts = [codes.slice(0, 50).buffer, codes.slice(50).buffer];
    const split = decodeQuantisedWeights({ weightSpecs: SPECS, weightData: parts });
    expect([...split.values()]).toEqual([...whole.values()]);
  });

  it('refuses weights it cannot read losslessly, naming them', () => {
    const data = codesFor(SPECS).buffer as ArrayBuffer;
    const read = (specs: Spec[], weightData: ArrayBuffer | undefined = data) =>
      decodeQuantisedWeights({ weightSpecs: specs, weightData });
    const plain: Spec = { name: 'plain', shape: [2], dtype: 'float32' };
    expect(() => read([plain])).toThrow(
      new TfjsWeightsError(
        'weight plain is float32, not quantised: only float32 weights quantised to uint8 are read',
      ),
    );
    const wide: Spec = { ...plain, quantization: { dtype: 'uint16', min: 0, scale: 1 } };
    expect(() => read([wide])).toThrow(/weight plain is float32 quantised to uint16/);
    const ints: Spec = { ...quantised('ids', [2], 0, 1), dtype: 'int32' };
    expect(() => read([ints])).toThrow(/weight ids is int32 quantised to uint8/);
    expect(() => read([quantised('nan', [1], Number.NaN, 1)])).toThrow(
      /weight nan has no finite quantisation/,
    );
    expect(() => read([quantised('bad', [2, -1], 0, 1)])).toThrow(/weight bad has shape \[2,-1\]/);
  });

  it('refuses data that is not exactly what the specs describe', () => {
    const codes = codesFor(SPECS);
    const read = (specs: Spec[], bytes: Uint8Array) =>
      decodeQuantisedWeights({ weightSpecs: specs, weightData: bytes.slice().buffer });
    expect(() => read(SPECS, codes.subarray(0, 70))).toThrow(
      /weight conv\/weights runs past the end of the weight data \(70 bytes\)/,
    );
    expect(() => read(SPECS, new Uint8Array(codes.length + 3))).toThrow(
      `the weight data holds ${codes.length + 3} bytes; the specs describe ${codes.length}`,
    );
    const twice = [SPECS[1] as Spec, SPECS[1] as Spec];
    expect(() => read(twice, new Uint8Array(8))).toThrow(/weight conv\/bias is listed twice/);
    expect(() => decodeQuantisedWeights({ weightData: codes.slice().buffer })).toThrow(
      /no weight specs/,
    );
    expect(() => decodeQuantisedWeights({ weightSpecs: SPECS })).toThrow(/no weight data/);
  });
});
