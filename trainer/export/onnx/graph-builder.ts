import onnxProto from 'onnx-proto';
import type { StoredMatrix } from '../weight-precision.ts';

/**
 * A small writer for ONNX models over onnx-proto's generated protobuf classes: initializers,
 * nodes with attributes, and typed graph inputs and outputs. It knows nothing of our model; the
 * encoder graphs (sentence-encoder.ts, image-projection.ts) are written with it.
 *
 * Every tensor is stored as little-endian raw_data, the compact form ONNX Runtime reads directly.
 */

const { onnx } = onnxProto;
type Attribute = onnxProto.onnx.IAttributeProto;

/** The opset the graphs are written for, and the IR version that goes with it. */
export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

export const DataType = onnx.TensorProto.DataType;
type ElementType = onnxProto.onnx.TensorProto.DataType;

/** A dimension: a fixed size or a named symbolic one ("batch"). */
export type Dim = number | string;

export type AttributeValue = number | number[] | string | { float: number } | { floats: number[] };

function attribute(name: string, value: AttributeValue): Attribute {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') return { name, type: A.INT, i: value };
  if (typeof value === 'string')
    return { name, type: A.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: A.INTS, ints: value };
  if ('float' in value) return { name, type: A.FLOAT, f: value.float };
  return { name, type: A.FLOATS, floats: value.floats };
}

function bytesOf(values: ArrayBufferView): Uint8Array {
  // Typed arrays are in the platform's byte order; ONNX wants little-endian. Every platform Node
  // and workerd run on is little-endian; say so loudly if that ever changes.
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('big-endian platform');
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
}

function valueInfo(name: string, type: ElementType, dims: readonly Dim[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType: type,
        shape: {
          dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}

export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(readonly graphName: string) {}

  /** A fresh value name with a readable stem. */
  private fresh(stem: string): string {
    let name = stem;
    while (this.names.has(name)) name = `${stem}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  input(name: string, type: ElementType, dims: readonly Dim[]): string {
    this.names.add(name);
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  output(name: string, type: ElementType, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, type, dims));
  }

  /** A constant tensor; returns its value name. */
  tensor(
    stem: string,
    type: ElementType,
    dims: readonly number[],
    values: ArrayBufferView,
  ): string {
    const name = this.fresh(stem);
    this.initializers.push({ name, dims: [...dims], dataType: type, rawData: bytesOf(values) });
    return name;
  }

  float(stem: string, dims: readonly number[], values: Float32Array): string {
    return this.tensor(stem, DataType.FLOAT, dims, values);
  }

  int64(stem: string, values: readonly number[]): string {
    return this.tensor(
      stem,
      DataType.INT64,
      [values.length],
      BigInt64Array.from(values.map(BigInt)),
    );
  }

  /**
   * A stored matrix as a float32 value of shape `dims` (same element count and order). float16
   * and int8 weights are widened in the graph (Cast, then Mul by the per-unit scales): the file
   * stays small, and ONNX Runtime folds these constant nodes once when it loads the model.
   */
  weight(stem: string, m: StoredMatrix, dims: readonly number[]): string {
    if (dims.reduce((a, b) => a * b, 1) !== m.rows * m.cols) {
      throw new Error(`weight ${stem}: dims ${dims.join('x')} do not hold ${m.rows} x ${m.cols}`);
    }
    switch (m.precision) {
      case 'float32':
        return this.float(stem, dims, m.values);
      case 'float16': {
        const half = this.tensor(`${stem}_f16`, DataType.FLOAT16, dims, m.bits);
        return this.node('Cast', [half], { to: DataType.FLOAT }, stem);
      }
      case 'int8': {
        const q = this.tensor(`${stem}_q`, DataType.INT8, dims, m.values);
        // The scale broadcasts along the unit axis: the last two dims are (rows, cols).
        const scaleDims = dims.map(() => 1);
        scaleDims[dims.length - (m.scaleAxis === 0 ? 2 : 1)] = m.scale.length;
        const scale = this.float(`${stem}_scale`, scaleDims, m.scale);
        const widened = this.node('Cast', [q], { to: DataType.FLOAT }, `${stem}_int`);
        return this.node('Mul', [widened, scale], {}, stem);
      }
    }
  }

  /** Adds a node with one output; returns the output's name. */
  node(
    op: string,
    inputs: readonly string[],
    attributes: Record<string, AttributeValue> = {},
    stem?: string,
  ): string {
    return this.nodeN(op, inputs, 1, attributes, stem)[0] as string;
  }

  /** Adds a node with `count` outputs (an empty name skips an optional one). */
  nodeN(
    op: string,
    inputs: readonly string[],
    count: number,
    attributes: Record<string, AttributeValue> = {},
    stem?: string,
  ): string[] {
    const base = stem ?? op.toLowerCase();
    const outputs = Array.from({ length: count }, (_, k) =>
      this.fresh(k === 0 ? base : `${base}_${k}`),
    );
    this.nodes.push({
      opType: op,
      name: this.fresh(`${op}_node`),
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    return outputs;
  }

  /** Renames the value `from` to the graph output `to` (an Identity node). */
  alias(from: string, to: string): void {
    if (this.names.has(to)) throw new Error(`the graph already has a value named ${to}`);
    this.names.add(to);
    this.nodes.push({
      opType: 'Identity',
      name: this.fresh('Identity_node'),
      input: [from],
      output: [to],
    });
  }

  /** The serialised model. `metadata` lands in the model's metadata_props. */
  encode(metadata: Record<string, string>, docString: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: ONNX_IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      producerName: 'jointspace',
      producerVersion: '1',
      docString,
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
