import type { io } from '@tensorflow/tfjs-core';
import type { WeightPrecision } from '../../../core/manifest.ts';
import { filterConstant, floatConstant } from './cnn-weights.ts';
import type { GraphBuilder } from './graph-builder.ts';
import {
  CnnConversionError,
  failAt,
  graphNodes,
  intAttr,
  intsAttr,
  onlyAttributes,
  shapeAttr,
  stringAttr,
  stringsAttr,
  type TfNode,
  tensorAttr,
  typeAttr,
} from './tf-node.ts';
import { decodeQuantisedWeights, type QuantisedTensor } from './tfjs-weights.ts';

/**
 * A tfjs graph model's CNN, from its input up to one feature node, as ONNX nodes of a graph
 * being built: the tfjs converter's fused ops (_FusedConv2D, FusedDepthwiseConv2dNative with
 * BiasAdd and Relu6), AddV2, Mul, Sub, AvgPool and a final Squeeze. Whatever lies past the
 * feature node (a classifier head) is never visited. An op, an attribute or an attribute value
 * the converter was not written for stops it with the node's name: a graph it cannot convert
 * exactly must not be converted approximately.
 *
 * TensorFlow computes in NHWC, ONNX's Conv in NCHW: the input is transposed once, every op
 * after it works in NCHW, and TF's SAME padding becomes explicit pads (the extra row or column,
 * when the total is odd, goes after, as TF puts it).
 */

export { CnnConversionError };

export interface CnnSource {
  artifacts: io.ModelArtifacts;
  /** The Placeholder fed with the pixels. */
  inputNode: string;
  /** The node whose output is the feature vector ([batch, featureDim] after a Squeeze). */
  featureNode: string;
  featureDim: number;
}

/** The graph's input: a float32 NHWC value of the graph being built, and its fixed size. */
export interface CnnInput {
  value: string;
  height: number;
  width: number;
  channels: number;
}

/** A converted node: a feature map (NCHW in ONNX), the final vector, or a constant. */
type Converted =
  | { kind: 'map'; value: string; height: number; width: number; channels: number }
  | { kind: 'vector'; value: string; channels: number }
  | { kind: 'constant'; tensor: QuantisedTensor };
type FeatureMap = Extract<Converted, { kind: 'map' }>;

const FUSED_CONV_ATTRIBUTES = [
  'T',
  'data_format',
  'strides',
  'dilations',
  'padding',
  'explicit_paddings',
  'use_cudnn_on_gpu',
  'num_args',
  'epsilon',
  'fused_ops',
];

/** Adds the CNN to `g`, reading `input`; returns the value holding [batch, featureDim]. */
export function addCnn(
  g: GraphBuilder,
  source: CnnSource,
  input: CnnInput,
  precision: WeightPrecision,
): string {
  const converter = new CnnConverter(g, source, input, precision);
  const out = converter.convert(source.featureNode);
  if (out.kind !== 'vector' || out.channels !== source.featureDim) {
    throw new CnnConversionError(
      `node ${source.featureNode} is not a ${source.featureDim}-d feature vector`,
    );
  }
  return out.value;
}

class CnnConverter {
  private readonly nodes = new Map<string, TfNode>();
  private readonly weights: Map<string, QuantisedTensor>;
  private readonly done = new Map<string, Converted>();
  private readonly visiting = new Set<string>();
  private clipBounds: [string, string] | null = null;

  constructor(
    private readonly g: GraphBuilder,
    private readonly source: CnnSource,
    private readonly input: CnnInput,
    private readonly precision: WeightPrecision,
  ) {
    for (const node of graphNodes(source.artifacts)) {
      if (this.nodes.has(node.name)) failAt(node, 'two nodes have this name');
      this.nodes.set(node.name, node);
    }
    this.weights = decodeQuantisedWeights(source.artifacts);
  }

  convert(name: string): Converted {
    const known = this.done.get(name);
    if (known) return known;
    const node = this.nodes.get(name);
    if (!node) throw new CnnConversionError(`the graph has no node ${name}`);
    if (this.visiting.has(name)) failAt(node, 'the graph has a cycle through this node');
    this.visiting.add(name);
    const out = this.convertNode(node);
    this.visiting.delete(name);
    this.done.set(name, out);
    return out;
  }

  private convertNode(node: TfNode): Converted {
    switch (node.op) {
      case 'Const':
        return this.constant(node);
      case 'Placeholder':
        return this.placeholder(node);
      case 'Mul':
        return this.binary(node, 'Mul');
      case 'Sub':
        return this.binary(node, 'Sub');
      case 'AddV2':
        return this.binary(node, 'Add');
      case '_FusedConv2D':
        return this.fusedConv(node, 'conv');
      case 'FusedDepthwiseConv2dNative':
        return this.fusedConv(node, 'depthwise');
      case 'AvgPool':
        return this.avgPool(node);
      case 'Squeeze':
        return this.squeeze(node);
      default:
        return failAt(node, `op ${node.op} is not supported by the ONNX converter`);
    }
  }

  /** The converted inputs of a node, `count` of them; control inputs are refused. */
  private inputs(node: TfNode, count: number): Converted[] {
    if (node.input.length !== count)
      failAt(node, `expected ${count} inputs, got ${node.input.length}`);
    return node.input.map((ref) => {
      if (ref.startsWith('^')) failAt(node, `control input ${ref} is not supported`);
      const [name, port = '0'] = ref.split(':') as [string, string?];
      if (port !== '0') failAt(node, `input ${ref} reads output ${port}; only output 0 exists`);
      return this.convert(name);
    });
  }

  private map(node: TfNode, x: Converted): FeatureMap {
    if (x.kind !== 'map') failAt(node, `expects a feature map as its input, got a ${x.kind}`);
    return x;
  }

  private constantOf(node: TfNode, x: Converted, rank: number): QuantisedTensor {
    if (x.kind !== 'constant' || x.tensor.shape.length !== rank) {
      failAt(node, `expects a constant of rank ${rank} there`);
    }
    return x.tensor;
  }

  private floatType(node: TfNode, name = 'T'): void {
    const type = typeAttr(node, name);
    if (type !== 'DT_FLOAT') failAt(node, `${name} is ${type}; only DT_FLOAT is supported`);
  }

  private constant(node: TfNode): Converted {
    onlyAttributes(node, ['dtype', 'value']);
    this.floatType(node, 'dtype');
    const tensor = this.weights.get(node.name);
    if (!tensor) failAt(node, 'the constant has no weights');
    const { dims } = tensorAttr(node, 'value');
    if (dims.join() !== tensor.shape.join()) {
      failAt(node, `its shape [${dims}] differs from its weights' [${tensor.shape}]`);
    }
    return { kind: 'constant', tensor };
  }

  private placeholder(node: TfNode): Converted {
    if (node.name !== this.source.inputNode) {
      failAt(node, `only the input ${this.source.inputNode} can be fed`);
    }
    onlyAttributes(node, ['dtype', 'shape']);
    this.floatType(node, 'dtype');
    const [, height, width, channels] = shapeAttr(node, 'shape');
    const { input } = this;
    if (height !== input.height || width !== input.width || channels !== input.channels) {
      failAt(
        node,
        `takes [${shapeAttr(node, 'shape')}]; the graph feeds [batch, ${input.height}, ${input.width}, ${input.channels}]`,
      );
    }
    const value = this.g.node('Transpose', [input.value], { perm: [0, 3, 1, 2] }, 'nchw');
    return { kind: 'map', value, height, width, channels };
  }

  /** Elementwise ops: two maps of one shape, or a map and a scalar constant. */
  private binary(node: TfNode, op: 'Mul' | 'Sub' | 'Add'): Converted {
    onlyAttributes(node, ['T']);
    this.floatType(node);
    const operands = this.inputs(node, 2);
    const maps = operands.filter((x): x is FeatureMap => x.kind === 'map');
    const [first] = maps;
    if (!first) failAt(node, 'needs a feature map among its inputs');
    for (const m of maps) {
      if (m.height !== first.height || m.width !== first.width || m.channels !== first.channels) {
        failAt(node, 'its two feature maps differ in shape');
      }
    }
    const values = operands.map((x, k) => {
      if (x.kind === 'map') return x.value;
      // A per-channel constant would broadcast over NHWC's last axis, not NCHW's: refuse it.
      if (x.kind !== 'constant' || x.tensor.values.length !== 1) {
        failAt(node, `input ${k} is neither a feature map nor a scalar constant`);
      }
      return this.g.float(stemOf(x.tensor.name), [], x.tensor.values);
    });
    return { ...first, value: this.g.node(op, values, {}, stemOf(node.name)) };
  }

  private fusedConv(node: TfNode, kind: 'conv' | 'depthwise'): Converted {
    onlyAttributes(node, FUSED_CONV_ATTRIBUTES);
    this.floatType(node);
    checkNhwc(node);
    const fused = stringsAttr(node, 'fused_ops');
    const relu6 = fused.join() === 'BiasAdd,Relu6';
    if (!relu6 && fused.join() !== 'BiasAdd') {
      failAt(node, `fused ops [${fused}] are not supported (BiasAdd, optionally Relu6)`);
    }
    if ('num_args' in node.attr && intAttr(node, 'num_args') !== 1) {
      failAt(node, 'num_args must be 1 (the bias)');
    }
    if ('explicit_paddings' in node.attr && intsAttr(node, 'explicit_paddings').length > 0) {
      failAt(node, 'explicit paddings are not supported');
    }
    const [xIn, filterIn, biasIn] = this.inputs(node, 3) as [Converted, Converted, Converted];
    const x = this.map(node, xIn);
    const filter = this.constantOf(node, filterIn, 4);
    const bias = this.constantOf(node, biasIn, 1);
    const [kh, kw, inChannels, perInput] = filter.shape as [number, number, number, number];
    if (inChannels !== x.channels) {
      failAt(node, `its filter takes ${inChannels} channels; its input has ${x.channels}`);
    }
    const outChannels = kind === 'conv' ? perInput : inChannels * perInput;
    if (bias.shape[0] !== outChannels) {
      failAt(node, `its bias has ${bias.shape[0]} values for ${outChannels} channels`);
    }
    const strides = spatial(node, 'strides');
    const dilations = spatial(node, 'dilations');
    const rows = padding(node, x.height, kh, strides[0], dilations[0]);
    const cols = padding(node, x.width, kw, strides[1], dilations[1]);
    const stem = stemOf(node.name);
    const conv = this.g.node(
      'Conv',
      [
        x.value,
        filterConstant(this.g, `${stem}_W`, filter, kind, this.precision),
        floatConstant(this.g, `${stem}_b`, bias),
      ],
      {
        kernel_shape: [kh, kw],
        strides,
        dilations,
        pads: [rows.before, cols.before, rows.after, cols.after],
        group: kind === 'conv' ? 1 : inChannels,
      },
      stem,
    );
    const value = relu6
      ? this.g.node('Clip', [conv, ...this.relu6Bounds()], {}, `${stem}_relu6`)
      : conv;
    return { kind: 'map', value, height: rows.size, width: cols.size, channels: outChannels };
  }

  private relu6Bounds(): [string, string] {
    this.clipBounds ??= [
      this.g.float('relu6_min', [], new Float32Array([0])),
      this.g.float('relu6_max', [], new Float32Array([6])),
    ];
    return this.clipBounds;
  }

  private avgPool(node: TfNode): Converted {
    onlyAttributes(node, ['T', 'ksize', 'strides', 'padding', 'data_format']);
    this.floatType(node);
    checkNhwc(node);
    // SAME would average over fewer cells at the borders (TF excludes the padding): not needed.
    if (stringAttr(node, 'padding') !== 'VALID') failAt(node, 'only VALID padding is supported');
    const x = this.map(node, this.inputs(node, 1)[0] as Converted);
    const kernel = spatial(node, 'ksize');
    const strides = spatial(node, 'strides');
    const rows = padding(node, x.height, kernel[0], strides[0], 1);
    const cols = padding(node, x.width, kernel[1], strides[1], 1);
    const value = this.g.node(
      'AveragePool',
      [x.value],
      { kernel_shape: kernel, strides, pads: [0, 0, 0, 0] },
      stemOf(node.name),
    );
    return { kind: 'map', value, height: rows.size, width: cols.size, channels: x.channels };
  }

  /** The feature vector: a 1 x 1 map with its spatial axes squeezed out. */
  private squeeze(node: TfNode): Converted {
    onlyAttributes(node, ['T', 'squeeze_dims']);
    this.floatType(node);
    if (node.name !== this.source.featureNode) {
      failAt(node, 'a Squeeze is supported only as the feature node');
    }
    const dims = intsAttr(node, 'squeeze_dims');
    const x = this.map(node, this.inputs(node, 1)[0] as Converted);
    if ([...dims].sort().join() !== '1,2' || x.height !== 1 || x.width !== 1) {
      failAt(node, `squeezes [${dims}] of a ${x.height} x ${x.width} map; only [1, 2] of 1 x 1`);
    }
    const value = this.g.node('Flatten', [x.value], { axis: 1 }, 'features');
    return { kind: 'vector', value, channels: x.channels };
  }
}

function checkNhwc(node: TfNode): void {
  const format = stringAttr(node, 'data_format');
  if (format !== 'NHWC') failAt(node, `data_format ${format} is not supported (NHWC)`);
}

/** [height, width] of a 4-element NHWC attribute whose batch and channel entries are 1. */
function spatial(node: TfNode, name: string): [number, number] {
  const v = intsAttr(node, name);
  if (v.length !== 4 || v[0] !== 1 || v[3] !== 1 || !v.every((x) => x >= 1)) {
    failAt(node, `${name} [${v}] is not [1, h, w, 1]`);
  }
  return [v[1] as number, v[2] as number];
}

/**
 * One spatial axis: its output size and padding, as TensorFlow computes them. SAME: out =
 * ceil(in / stride), padded by max((out - 1) * stride + k_eff - in, 0), the odd one after.
 * VALID: no padding, out = floor((in - k_eff) / stride) + 1.
 */
function padding(
  node: TfNode,
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
): { size: number; before: number; after: number } {
  const effective = (kernel - 1) * dilation + 1;
  const mode = stringAttr(node, 'padding');
  if (mode === 'VALID') {
    if (size < effective) failAt(node, `a ${effective}-wide kernel does not fit ${size} cells`);
    return { size: Math.floor((size - effective) / stride) + 1, before: 0, after: 0 };
  }
  if (mode !== 'SAME') failAt(node, `padding ${mode} is not supported (SAME or VALID)`);
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + effective - size, 0);
  const before = Math.floor(total / 2);
  return { size: out, before, after: total - before };
}

/** A short readable ONNX name for a TF node: its last two path segments. */
function stemOf(name: string): string {
  return name
    .split('/')
    .slice(-2)
    .join('_')
    .replace(/[^A-Za-z0-9_]/g, '_');
}
