import * as tf from '@tensorflow/tfjs-core';
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataType, GraphBuilder } from '../../../../trainer/export/onnx/graph-builder.ts';
import { l2Normalize, NORM_EPS } from '../../../../trainer/export/onnx/normalize.ts';
import { selectBackend } from '../../../../trainer/tf/backend.ts';
import { l2NormalizeRows, NORM_EPS as TRAINER_NORM_EPS } from '../../../../trainer/tf/ops.ts';
import { maxAbsDiff, ONNX_RUNTIMES, runOnnx } from '../../../support/onnx-runtimes.ts';

const D = 3;

/** Rows to normalise: plain, zero, tiny (where eps matters), huge, and negative. */
const ROWS = [
  [3, 4, 0],
  [0, 0, 0],
  [1e-5, 0, 0],
  [3e4, -4e4, 1e3],
  [-1, -2, 2],
];

function normalizeGraph(): Uint8Array {
  const g = new GraphBuilder('normalize');
  const x = g.input('x', DataType.FLOAT, ['batch', D]);
  g.alias(l2Normalize(g, x), 'y');
  g.output('y', DataType.FLOAT, ['batch', D]);
  return g.encode({}, '');
}

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('l2Normalize', () => {
  it('uses the same eps as the trainer', () => {
    expect(NORM_EPS).toBe(TRAINER_NORM_EPS);
    expect(NORM_EPS).toBe(1e-8);
  });

  it.each(ONNX_RUNTIMES)(
    "divides each row by sqrt(|row|^2 + eps) in %s, as the trainer's l2NormalizeRows",
    async (_, ort) => {
      const input = Float32Array.from(ROWS.flat());
      const out = await runOnnx(
        ort,
        normalizeGraph(),
        { x: { data: input, dims: [ROWS.length, D] } },
        'y',
      );
      expect(out.dims).toEqual([ROWS.length, D]);
      const expected = ROWS.flatMap((row) => {
        const norm = Math.sqrt(row.reduce((s, v) => s + v * v, 0) + 1e-8);
        return row.map((v) => v / norm);
      });
      expect(maxAbsDiff(out.data, expected)).toBeLessThan(1e-6);
      expect(Array.from(out.data.subarray(0, D))).toEqual([Math.fround(0.6), Math.fround(0.8), 0]);
      // An all-zero row stays zero (no NaN); a tiny one is not blown up to unit length.
      expect(Array.from(out.data.subarray(D, 2 * D))).toEqual([0, 0, 0]);
      expect(out.data[2 * D]).toBeCloseTo(0.0995037, 6);

      const trainer = l2NormalizeRows(tf.tensor2d(input, [ROWS.length, D]));
      expect(maxAbsDiff(out.data, trainer.dataSync())).toBeLessThan(1e-6);
      trainer.dispose();
    },
  );

  it('writes the opset-17 form: ReduceSumSquare over axis 1 with the dims kept, then Add, Sqrt, Div', () => {
    const graph = onnxProto.onnx.ModelProto.decode(normalizeGraph()).graph;
    const nodes = graph?.node ?? [];
    expect(nodes.map((n) => n.opType)).toEqual([
      'ReduceSumSquare',
      'Add',
      'Sqrt',
      'Div',
      'Identity',
    ]);
    const reduce = nodes[0];
    expect(reduce?.input).toEqual(['x']);
    expect(
      Object.fromEntries(
        (reduce?.attribute ?? []).map((a) => [
          a.name,
          a.ints?.length ? a.ints.map(Number) : Number(a.i),
        ]),
      ),
    ).toEqual({ axes: [1], keepdims: 1 });
    expect(nodes[3]?.input?.[0]).toBe('x');
    const eps = (graph?.initializer ?? []).find((t) => nodes[1]?.input?.includes(t.name ?? ''));
    expect(eps?.dims).toEqual([]);
    const raw = eps?.rawData ?? new Uint8Array(0);
    expect(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + 4))[0]).toBe(
      Math.fround(1e-8),
    );
  });
});
