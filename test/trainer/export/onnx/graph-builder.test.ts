import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import {
  DataType,
  type Dim,
  GraphBuilder,
  ONNX_IR_VERSION,
  ONNX_OPSET,
} from '../../../../trainer/export/onnx/graph-builder.ts';
import {
  dequantize,
  type StoredMatrix,
  storeMatrix,
  WEIGHT_PRECISIONS,
} from '../../../../trainer/export/weight-precision.ts';
import { Random } from '../../../../trainer/random.ts';
import { ONNX_RUNTIMES, runOnnx } from '../../../support/onnx-runtimes.ts';

const { onnx } = onnxProto;
type ModelProto = onnxProto.onnx.ModelProto;

function decode(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

/** A value's element type and dims as written: numbers for fixed dims, names for symbolic ones. */
function shapeOf(info: onnxProto.onnx.IValueInfoProto): { type: number; dims: Dim[] } {
  const tensor = info.type?.tensorType;
  return {
    type: tensor?.elemType ?? -1,
    dims: (tensor?.shape?.dim ?? []).map((d) =>
      d.dimParam ? d.dimParam : Number(d.dimValue ?? Number.NaN),
    ),
  };
}

function initializer(model: ModelProto, name: string): onnxProto.onnx.ITensorProto {
  const found = model.graph?.initializer?.find((t) => t.name === name);
  if (!found) throw new Error(`no initializer ${name}`);
  return found;
}

describe('GraphBuilder.encode', () => {
  it('writes the opset, IR version, producer, doc string, metadata and graph name', () => {
    const g = new GraphBuilder('tiny_graph');
    const x = g.input('x', DataType.FLOAT, ['batch', 3]);
    g.alias(x, 'y');
    g.output('y', DataType.FLOAT, ['batch', 3]);
    const model = decode(g.encode({ dimension: '3', weights: 'int8' }, 'y = x'));
    expect(Number(model.irVersion)).toBe(ONNX_IR_VERSION);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(ONNX_OPSET).toBe(17);
    expect(model.producerName).toBe('jointspace');
    expect(model.docString).toBe('y = x');
    expect(model.metadataProps.map((p) => [p.key, p.value])).toEqual([
      ['dimension', '3'],
      ['weights', 'int8'],
    ]);
    expect(model.graph?.name).toBe('tiny_graph');
  });

  it('declares typed inputs and outputs with fixed and symbolic dims', () => {
    const g = new GraphBuilder('io');
    const ids = g.input('token_ids', DataType.INT64, ['batch', 'sequence']);
    const f = g.input('features', DataType.FLOAT, [1, 9]);
    g.alias(ids, 'ids_out');
    g.alias(f, 'features_out');
    g.output('ids_out', DataType.INT64, ['batch', 'sequence']);
    g.output('features_out', DataType.FLOAT, [1, 9]);
    const graph = decode(g.encode({}, '')).graph;
    expect((graph?.input ?? []).map((i) => [i.name, shapeOf(i)])).toEqual([
      ['token_ids', { type: DataType.INT64, dims: ['batch', 'sequence'] }],
      ['features', { type: DataType.FLOAT, dims: [1, 9] }],
    ]);
    expect((graph?.output ?? []).map((o) => [o.name, shapeOf(o)])).toEqual([
      ['ids_out', { type: DataType.INT64, dims: ['batch', 'sequence'] }],
      ['features_out', { type: DataType.FLOAT, dims: [1, 9] }],
    ]);
  });
});

describe('GraphBuilder constants', () => {
  it('stores float32 and int64 tensors as little-endian raw data with their dims', () => {
    const g = new GraphBuilder('constants');
    // A view into a larger buffer: only its own bytes are stored.
    const backing = Float32Array.from([9, 1.5, -2, 9]);
    const w = g.float('w', [2, 1], backing.subarray(1, 3));
    const axes = g.int64('axes', [1, -1]);
    const model = decode(g.encode({}, ''));
    expect(initializer(model, w)).toMatchObject({ dataType: DataType.FLOAT });
    expect(initializer(model, w).dims?.map(Number)).toEqual([2, 1]);
    // 1.5 = 0x3fc00000, -2 = 0xc0000000, least significant byte first.
    expect(Array.from(initializer(model, w).rawData ?? [])).toEqual([
      0, 0, 0xc0, 0x3f, 0, 0, 0, 0xc0,
    ]);
    expect(initializer(model, axes)).toMatchObject({ dataType: DataType.INT64 });
    expect(initializer(model, axes).dims?.map(Number)).toEqual([2]);
    expect(Array.from(initializer(model, axes).rawData ?? [])).toEqual([
      1, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    ]);
  });

  it('gives every value a fresh name: a stem already taken gets a suffix', () => {
    const g = new GraphBuilder('names');
    const x = g.input('x', DataType.FLOAT, [1]);
    const names = [
      g.float('w', [1], Float32Array.of(1)),
      g.float('w', [1], Float32Array.of(2)),
      g.float('x', [1], Float32Array.of(3)),
      g.node('Add', [x, x]),
      g.node('Add', [x, x]),
    ];
    expect(names[0]).toBe('w');
    expect(names[1]).toMatch(/^w_\d+$/);
    expect(names[2]).toMatch(/^x_\d+$/); // the input holds "x"
    expect(names[3]).toBe('add'); // the op's name in lowercase, when no stem is given
    expect(names[4]).toMatch(/^add_\d+$/);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('GraphBuilder nodes', () => {
  it('writes every kind of attribute with its ONNX type', () => {
    const g = new GraphBuilder('attributes');
    const x = g.input('x', DataType.FLOAT, [1]);
    g.node('Custom', [x], {
      count: 3,
      axes: [1, -1],
      mode: 'linear',
      alpha: { float: 0.5 },
      weights: { floats: [0.25, -1] },
    });
    const [node] = decode(g.encode({}, '')).graph?.node ?? [];
    const A = onnx.AttributeProto.AttributeType;
    const byName = Object.fromEntries((node?.attribute ?? []).map((a) => [a.name, a]));
    expect(byName.count).toMatchObject({ type: A.INT });
    expect(Number(byName.count?.i)).toBe(3);
    expect(byName.axes).toMatchObject({ type: A.INTS });
    expect(byName.axes?.ints.map(Number)).toEqual([1, -1]);
    expect(byName.mode).toMatchObject({ type: A.STRING });
    expect(new TextDecoder().decode(byName.mode?.s)).toBe('linear');
    expect(byName.alpha).toMatchObject({ type: A.FLOAT, f: 0.5 });
    expect(byName.weights).toMatchObject({ type: A.FLOATS, floats: [0.25, -1] });
  });

  it('adds nodes with one or more named outputs, and aliases a value to a graph output', () => {
    const g = new GraphBuilder('nodes');
    const x = g.input('x', DataType.FLOAT, ['batch', 2]);
    const outs = g.nodeN('Split', [x], 3, { axis: 1 }, 'part');
    const sum = g.node('Add', [outs[0] as string, outs[1] as string], {}, 'total');
    g.alias(sum, 'result');
    const nodes = decode(g.encode({}, '')).graph?.node ?? [];
    expect(outs).toEqual(['part', 'part_1', 'part_2']);
    expect(nodes.map((n) => [n.opType, n.input, n.output])).toEqual([
      ['Split', ['x'], ['part', 'part_1', 'part_2']],
      ['Add', ['part', 'part_1'], ['total']],
      ['Identity', ['total'], ['result']],
    ]);
    expect(new Set(nodes.map((n) => n.name)).size).toBe(3);
    expect(nodes[0]?.name).toBe('Split_node');
  });

  it('refuses an output name that a value already has (ONNX needs each name once)', () => {
    const g = new GraphBuilder('names');
    const x = g.input('x', DataType.FLOAT, [1]);
    const y = g.node('Relu', [x], {}, 'features');
    expect(() => g.alias(y, 'features')).toThrow('the graph already has a value named features');
    expect(() => g.alias(y, 'x')).toThrow('the graph already has a value named x');
  });

  it('computes with its nodes in ONNX Runtime: (x + b) * 2', async () => {
    const g = new GraphBuilder('affine');
    const x = g.input('x', DataType.FLOAT, ['batch', 2]);
    const b = g.float('b', [2], Float32Array.of(1, -1));
    const two = g.float('two', [], Float32Array.of(2));
    g.alias(g.node('Mul', [g.node('Add', [x, b]), two]), 'y');
    g.output('y', DataType.FLOAT, ['batch', 2]);
    for (const [, ort] of ONNX_RUNTIMES) {
      const out = await runOnnx(
        ort,
        g.encode({}, ''),
        { x: { data: Float32Array.of(0, 0, 3, 4), dims: [2, 2] } },
        'y',
      );
      expect(out.dims).toEqual([2, 2]);
      expect(Array.from(out.data)).toEqual([2, -2, 8, 6]);
    }
  });
});

describe('GraphBuilder.weight', () => {
  /** A graph whose only output is the weight as the graph widens it. */
  function weightGraph(m: StoredMatrix, dims: number[]): Uint8Array {
    const g = new GraphBuilder('weight');
    g.alias(g.weight('W', m, dims), 'w');
    g.output('w', DataType.FLOAT, dims);
    return g.encode({}, '');
  }

  const values = new Random(5).gaussians(3 * 4, 1.5);
  // The scale axis matters for int8 only.
  const cases = WEIGHT_PRECISIONS.flatMap((precision) =>
    ([0, 1] as const).flatMap((axis) =>
      [
        [3, 4],
        [1, 3, 4],
      ].map((dims) => ({ precision, axis, dims })),
    ),
  ).filter(({ precision, axis }) => precision === 'int8' || axis === 1);

  it.each(ONNX_RUNTIMES)(
    'gives in %s exactly the values the stored matrix stands for, in every precision and layout',
    async (_, ort) => {
      for (const { precision, axis, dims } of cases) {
        const m = storeMatrix(values, 3, 4, precision, axis);
        const out = await runOnnx(ort, weightGraph(m, dims), {}, 'w');
        expect(out.dims, `${precision} axis ${axis} ${dims}`).toEqual(dims);
        // Cast and a float32 Mul by the scale: the very values dequantize computes.
        expect(Array.from(out.data), `${precision} axis ${axis} ${dims}`).toEqual(
          Array.from(dequantize(m)),
        );
      }
    },
  );

  it('stores float16 and int8 at their own width, widened by Cast (and Mul by the scales)', () => {
    const half = decode(weightGraph(storeMatrix(values, 3, 4, 'float16'), [3, 4]));
    expect(initializer(half, 'W_f16')).toMatchObject({ dataType: DataType.FLOAT16 });
    expect(initializer(half, 'W_f16').rawData).toHaveLength(12 * 2);
    expect((half.graph?.node ?? []).map((n) => [n.opType, n.output])).toEqual([
      ['Cast', ['W']],
      ['Identity', ['w']],
    ]);

    const q = decode(weightGraph(storeMatrix(values, 3, 4, 'int8', 0), [1, 3, 4]));
    expect(initializer(q, 'W_q')).toMatchObject({ dataType: DataType.INT8 });
    expect(initializer(q, 'W_q').rawData).toHaveLength(12);
    // Row scales broadcast along the rows, the second last dim.
    expect(initializer(q, 'W_scale').dims?.map(Number)).toEqual([1, 3, 1]);
    expect((q.graph?.node ?? []).map((n) => [n.opType, n.input, n.output])).toEqual([
      ['Cast', ['W_q'], ['W_int']],
      ['Mul', ['W_int', 'W_scale'], ['W']],
      ['Identity', ['W'], ['w']],
    ]);
    const columns = decode(weightGraph(storeMatrix(values, 3, 4, 'int8', 1), [3, 4]));
    expect(initializer(columns, 'W_scale').dims?.map(Number)).toEqual([1, 4]);
  });

  it('refuses dims that do not hold the matrix', () => {
    const g = new GraphBuilder('bad');
    const m = storeMatrix(values, 3, 4, 'float32');
    expect(() => g.weight('W', m, [4, 4])).toThrow('weight W: dims 4x4 do not hold 3 x 4');
  });
});
