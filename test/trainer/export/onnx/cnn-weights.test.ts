import onnxProto from 'onnx-proto';
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { WEIGHT_PRECISIONS, type WeightPrecision } from '../../../../core/manifest.ts';
import {
  filterConstant,
  floatConstant,
  onnxFilterLayout,
} from '../../../../trainer/export/onnx/cnn-weights.ts';
import { DataType, GraphBuilder } from '../../../../trainer/export/onnx/graph-builder.ts';
import type { QuantisedTensor } from '../../../../trainer/export/onnx/tfjs-weights.ts';
import { Random } from '../../../../trainer/random.ts';
import { runOnnx } from '../../../support/onnx-runtimes.ts';

/**
 * The CNN's constants: TensorFlow filter layouts to ONNX's, at each precision, run in ONNX
 * Runtime and compared with the values tfjs computes from the same 8-bit codes.
 */

/** A quantised tensor as tfjs decodes it; min and scale as the tfjs converter writes them. */
function tensor(shape: number[], min = -6.255818266027114, scale = 0.04344318240296607) {
  const rng = new Random(shape.reduce((a, b) => a * b, 1));
  const codes = Uint8Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () =>
    rng.int(0, 255),
  );
  const values = Float32Array.from(codes, (q) => q * scale + min);
  return { name: 't', shape, codes, scale, min, values } satisfies QuantisedTensor;
}

/** The value of (filter)[y, x, c, o] at ONNX's [o, c, y, x], by the definition. */
function expectedConv(t: QuantisedTensor): Float32Array {
  const [kh, kw, cin, cout] = t.shape as [number, number, number, number];
  const out = new Float32Array(t.values.length);
  for (let o = 0; o < cout; o++)
    for (let c = 0; c < cin; c++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          out[((o * cin + c) * kh + y) * kw + x] = t.values[
            ((y * kw + x) * cin + c) * cout + o
          ] as number;
  return out;
}

/** A graph whose only output is the constant. */
async function constantValue(
  make: (g: GraphBuilder) => string,
  dims: number[],
): Promise<{ data: Float32Array; model: Uint8Array }> {
  const g = new GraphBuilder('constant');
  g.alias(make(g), 'value');
  g.output('value', DataType.FLOAT, dims);
  const model = g.encode({}, 'a constant');
  return { data: (await runOnnx(ortNode, model, {}, 'value')).data, model };
}

function maxRelativeError(got: Float32Array, want: Float32Array, floor: number): number {
  let m = 0;
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as number;
    m = Math.max(m, Math.abs((got[i] as number) - w) / Math.max(Math.abs(w), floor));
  }
  return m;
}

describe('onnxFilterLayout', () => {
  it('puts a filter [kh, kw, in, out] into [out, in, kh, kw]', () => {
    const t = tensor([2, 3, 2, 4]);
    const { dims, from } = onnxFilterLayout(t, 'conv');
    expect(dims).toEqual([4, 2, 2, 3]);
    expect(Float32Array.from(from, (i) => t.values[i] as number)).toEqual(expectedConv(t));
  });

  it('puts a depthwise filter [kh, kw, C, M] into [C * M, 1, kh, kw], channel c * M + m', () => {
    const t = tensor([2, 2, 3, 2]);
    const { dims, from } = onnxFilterLayout(t, 'depthwise');
    expect(dims).toEqual([6, 1, 2, 2]);
    const at = (y: number, x: number, c: number, m: number) =>
      t.values[((y * 2 + x) * 3 + c) * 2 + m];
    // Output channel 5 = input channel 2, multiplier 1; element (y=1, x=0).
    expect(t.values[from[(5 * 2 + 1) * 2 + 0] as number]).toBe(at(1, 0, 2, 1));
    expect(t.values[from[(2 * 2 + 0) * 2 + 1] as number]).toBe(at(0, 1, 1, 0));
  });
});

describe.each(WEIGHT_PRECISIONS)('a filter stored as %s', (precision: WeightPrecision) => {
  // A min far below zero and codes around it: small weights are differences of large numbers.
  const t = tensor([3, 3, 8, 16]);
  const want = expectedConv(t);

  it('is read back by ONNX Runtime as tfjs has it, within what the precision keeps', async () => {
    const { data } = await constantValue(
      (g) => filterConstant(g, 'W', t, 'conv', precision),
      [16, 8, 3, 3],
    );
    const bound = { float32: 0, int8: 2 ** -22, float16: 2 ** -11 }[precision];
    // Relative to the weight, or to the scale for weights within a step of zero.
    expect(maxRelativeError(data, want, t.scale)).toBeLessThanOrEqual(bound);
  });

  it('takes the bytes the precision promises', async () => {
    const { model } = await constantValue(
      (g) => filterConstant(g, 'W', t, 'conv', precision),
      [16, 8, 3, 3],
    );
    const graph = onnxProto.onnx.ModelProto.decode(model).graph;
    const largest = Math.max(...(graph?.initializer ?? []).map((i) => i.rawData?.length ?? 0));
    expect(largest).toBe(t.codes.length * { float32: 4, float16: 2, int8: 1 }[precision]);
  });
});

describe('the int8 filter', () => {
  it('stores the source codes themselves, in ONNX order', async () => {
    const t = tensor([1, 1, 2, 3]);
    const { model } = await constantValue(
      (g) => filterConstant(g, 'W', t, 'conv', 'int8'),
      [3, 2, 1, 1],
    );
    const q = onnxProto.onnx.ModelProto.decode(model).graph?.initializer?.find(
      (i) => i.name === 'W_q',
    );
    expect(q?.dataType).toBe(DataType.UINT8);
    const { from } = onnxFilterLayout(t, 'conv');
    expect(new Uint8Array(q?.rawData ?? [])).toEqual(
      Uint8Array.from(from, (i) => t.codes[i] as number),
    );
  });

  it('stays exact for weights that are all above zero (zero point clamped to 0)', async () => {
    const t = tensor([1, 1, 4, 4], 0.5, 0.01);
    const { data } = await constantValue(
      (g) => filterConstant(g, 'W', t, 'conv', 'int8'),
      [4, 4, 1, 1],
    );
    expect(maxRelativeError(data, expectedConv(t), t.scale)).toBeLessThanOrEqual(2 ** -22);
  });
});

describe('floatConstant', () => {
  it('stores a bias exactly as tfjs has it', async () => {
    const t = tensor([7], -0.020723959233830958, 0.00030034723527291244);
    const { data } = await constantValue((g) => floatConstant(g, 'b', t), [7]);
    expect(data).toEqual(t.values);
  });
});
