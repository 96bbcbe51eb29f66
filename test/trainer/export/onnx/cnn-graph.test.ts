import { loadGraphModel } from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WeightPrecision } from '../../../../core/manifest.ts';
import { PICTURE_INPUT } from '../../../../core/picture-pixels.ts';
import {
  addCnn,
  CnnConversionError,
  type CnnSource,
} from '../../../../trainer/export/onnx/cnn-graph.ts';
import { DataType, GraphBuilder } from '../../../../trainer/export/onnx/graph-builder.ts';
import type { TfAttrValue, TfNode } from '../../../../trainer/export/onnx/tf-node.ts';
import { decodeQuantisedWeights } from '../../../../trainer/export/onnx/tfjs-weights.ts';
import { madePictures } from '../../../../trainer/export/parity-pictures.ts';
import {
  type Cnn,
  DEFAULT_EXTRACTOR,
  extractFeatures,
  loadCnn,
} from '../../../../trainer/pictures/cnn.ts';
import { Random } from '../../../../trainer/random.ts';
import { selectBackend } from '../../../../trainer/tf/backend.ts';
import { maxAbsDiff, type OnnxRuntime, runOnnx } from '../../../support/onnx-runtimes.ts';

/**
 * The tfjs graph -> ONNX converter, checked against tfjs running the very same graph: a small
 * graph made here that uses every op and attribute the converter knows, in the shapes where
 * TensorFlow's conventions bite (odd sizes, asymmetric SAME padding, dilation, a depthwise
 * multiplier, VALID), then the real CNN on made pictures at each precision. Then every way a
 * graph it was not written for is refused, naming the node.
 */

beforeAll(async () => {
  await selectBackend('wasm', { threads: 1 });
});

// ---- A small graph in the tfjs converter's JSON, with 8-bit weights like nsfwjs's.

const b64 = (s: string) => Buffer.from(s).toString('base64');
const ints = (...v: number[]): TfAttrValue => ({ list: { i: v.map(String) } });
const FLOAT: TfAttrValue = { type: 'DT_FLOAT' };

interface Weight {
  name: string;
  shape: number[];
}

function constNode(w: Weight): TfNode {
  const dim = w.shape.map((size) => ({ size: String(size) }));
  return {
    name: w.name,
    op: 'Const',
    input: [],
    attr: { dtype: FLOAT, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim } } } },
  };
}

function conv(
  name: string,
  op: '_FusedConv2D' | 'FusedDepthwiseConv2dNative',
  inputs: string[],
  o: { strides: number; dilations?: number; padding: string; relu6: boolean },
): TfNode {
  const d = o.dilations ?? 1;
  return {
    name,
    op,
    input: inputs,
    attr: {
      T: FLOAT,
      data_format: { s: b64('NHWC') },
      strides: ints(1, o.strides, o.strides, 1),
      dilations: ints(1, d, d, 1),
      padding: { s: b64(o.padding) },
      num_args: { i: '1' },
      fused_ops: { list: { s: (o.relu6 ? ['BiasAdd', 'Relu6'] : ['BiasAdd']).map(b64) } },
      ...(op === '_FusedConv2D'
        ? { explicit_paddings: { list: {} }, use_cudnn_on_gpu: { b: true }, epsilon: { f: 0 } }
        : {}),
    },
  };
}

const SMALL_INPUT = { height: 8, width: 7, channels: 2 };
const WEIGHTS: Weight[] = [
  { name: 'two', shape: [] },
  { name: 'one', shape: [] },
  { name: 'c1/w', shape: [3, 3, 2, 4] },
  { name: 'c1/b', shape: [4] },
  { name: 'dw/w', shape: [3, 3, 4, 2] },
  { name: 'dw/b', shape: [8] },
  { name: 'pw/w', shape: [1, 1, 8, 4] },
  { name: 'pw/b', shape: [4] },
  { name: 'c2/w', shape: [2, 2, 4, 6] },
  { name: 'c2/b', shape: [6] },
];

/** input [-1, 8, 7, 2] -> x * 2 - 1 -> conv 3x3 /2 SAME (8 rows: padded 0 above, 1 below) ->
 * depthwise 3x3 dilated 2, multiplier 2 -> 1x1 conv -> + the first conv's output ->
 * conv 2x2 VALID -> 3x3 average -> squeeze: 6 features. A softmax head follows, unconverted. */
function smallNodes(): TfNode[] {
  return [
    {
      name: 'input',
      op: 'Placeholder',
      input: [],
      attr: {
        dtype: FLOAT,
        shape: { shape: { dim: [-1, 8, 7, 2].map((size) => ({ size: String(size) })) } },
      },
    },
    ...WEIGHTS.map(constNode),
    { name: 'scaled', op: 'Mul', input: ['two', 'input'], attr: { T: FLOAT } },
    { name: 'centred', op: 'Sub', input: ['scaled', 'one'], attr: { T: FLOAT } },
    conv('c1', '_FusedConv2D', ['centred', 'c1/w', 'c1/b'], {
      strides: 2,
      padding: 'SAME',
      relu6: true,
    }),
    conv('dw', 'FusedDepthwiseConv2dNative', ['c1', 'dw/w', 'dw/b'], {
      strides: 1,
      dilations: 2,
      padding: 'SAME',
      relu6: true,
    }),
    conv('pw', '_FusedConv2D', ['dw', 'pw/w', 'pw/b'], {
      strides: 1,
      padding: 'SAME',
      relu6: false,
    }),
    { name: 'residual', op: 'AddV2', input: ['c1', 'pw:0'], attr: { T: FLOAT } },
    conv('c2', '_FusedConv2D', ['residual', 'c2/w', 'c2/b'], {
      strides: 1,
      padding: 'VALID',
      relu6: true,
    }),
    {
      name: 'pool',
      op: 'AvgPool',
      input: ['c2'],
      attr: {
        T: FLOAT,
        ksize: ints(1, 3, 3, 1),
        strides: ints(1, 1, 1, 1),
        padding: { s: b64('VALID') },
        data_format: { s: b64('NHWC') },
      },
    },
    {
      name: 'features',
      op: 'Squeeze',
      input: ['pool'],
      attr: { T: FLOAT, squeeze_dims: ints(1, 2) },
    },
    { name: 'head', op: 'Softmax', input: ['features'], attr: { T: FLOAT } },
  ];
}

function smallArtifacts(nodes: TfNode[] = smallNodes()): tf.io.ModelArtifacts {
  const rng = new Random(21);
  const weightSpecs = WEIGHTS.map((w): tf.io.WeightsManifestEntry => {
    const scalar = w.shape.length === 0;
    return {
      name: w.name,
      shape: w.shape,
      dtype: 'float32',
      // The scalars decode to exactly 2 and 1 (code 0), as nsfwjs's do.
      quantization: scalar
        ? { dtype: 'uint8', min: w.name === 'two' ? 2 : 1, scale: 1 }
        : { dtype: 'uint8', min: -0.61 + rng.float() * 0.1, scale: 0.0049 + rng.float() * 1e-4 },
    };
  });
  const count = WEIGHTS.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  const codes = Uint8Array.from({ length: count }, (_, i) => (i < 2 ? 0 : rng.int(0, 255)));
  return {
    modelTopology: { node: nodes, versions: { producer: 175 } },
    weightSpecs,
    weightData: codes.buffer,
  };
}

function smallSource(artifacts = smallArtifacts()): CnnSource {
  return { artifacts, inputNode: 'input', featureNode: 'features', featureDim: 6 };
}

/** The converted CNN as a graph of its own: float32 NHWC in, features out. */
function cnnModel(
  source: CnnSource,
  precision: WeightPrecision,
  input: { height: number; width: number; channels: number },
): Uint8Array {
  const g = new GraphBuilder('cnn');
  const x = g.input('x', DataType.FLOAT, ['batch', input.height, input.width, input.channels]);
  g.alias(addCnn(g, source, { value: x, ...input }, precision), 'cnn_features');
  g.output('cnn_features', DataType.FLOAT, ['batch', source.featureDim]);
  return g.encode({}, 'the CNN alone');
}

async function onnxFeatures(
  ort: OnnxRuntime,
  model: Uint8Array,
  x: Float32Array,
  dims: number[],
): Promise<Float32Array> {
  return (await runOnnx(ort, model, { x: { data: x, dims } }, 'cnn_features')).data;
}

describe('the converter on a small graph with every op it knows', () => {
  const batch = 3;
  const dims = [batch, SMALL_INPUT.height, SMALL_INPUT.width, SMALL_INPUT.channels];
  const x = new Random(4)
    .gaussians(
      dims.reduce((a, b) => a * b, 1),
      0.5,
    )
    .map((v) => v + 0.5);

  async function tfjsFeatures(artifacts: tf.io.ModelArtifacts): Promise<Float32Array> {
    const model = await loadGraphModel(tf.io.fromMemory(artifacts));
    const input = tf.tensor4d(x, dims as [number, number, number, number]);
    const out = model.execute(input, 'features') as tf.Tensor;
    const data = (await out.data()) as Float32Array;
    tf.dispose([input, out]);
    model.dispose();
    return data;
  }

  it('computes what tfjs computes, in both ONNX Runtimes and for a batch', async () => {
    const want = await tfjsFeatures(smallArtifacts());
    expect(want.length).toBe(batch * 6);
    // Relu6 clips some units and not others: the test sees both sides of the clip.
    expect(Math.max(...want)).toBeGreaterThan(0);
    const model = cnnModel(smallSource(), 'float32', SMALL_INPUT);
    for (const ort of [ortNode, ortWeb]) {
      expect(maxAbsDiff(await onnxFeatures(ort, model, x, dims), want)).toBeLessThan(1e-5);
    }
  });

  it('leaves out whatever follows the feature node (here an op it cannot convert)', () => {
    expect(() => cnnModel(smallSource(), 'int8', SMALL_INPUT)).not.toThrow();
  });
});

describe('the converter on the real CNN', () => {
  let cnn: Cnn;
  let source: CnnSource;
  let pixels: Float32Array;
  let want: Float32Array;
  const pictures = madePictures().map((p) => p.pixels);
  const dims = [pictures.length, PICTURE_INPUT.height, PICTURE_INPUT.width, PICTURE_INPUT.channels];

  beforeAll(async () => {
    cnn = await loadCnn();
    source = { ...DEFAULT_EXTRACTOR, artifacts: cnn.artifacts };
    want = await extractFeatures(cnn, pictures);
    pixels = new Float32Array(pictures.length * pictures[0]!.length);
    pictures.forEach((p, i) => {
      pixels.set(
        Float32Array.from(p, (v) => v / 255),
        i * p.length,
      );
    });
  });

  it('decodes every weight exactly as tfjs loaded it', async () => {
    const decoded = decodeQuantisedWeights(cnn.artifacts);
    const loaded = (cnn.model as unknown as { weights: Record<string, tf.Tensor[]> }).weights;
    expect(decoded.size).toBe(108);
    for (const [name, t] of decoded) {
      const tfjs = (await (loaded[name] as tf.Tensor[])[0]?.data()) as Float32Array;
      // Bit for bit; compared in a loop (a deep equality of 4 million numbers takes seconds).
      expect(tfjs.length, name).toBe(t.values.length);
      expect(
        t.values.findIndex((v, i) => !Object.is(v, tfjs[i])),
        name,
      ).toBe(-1);
    }
  });

  // Measured: float32 and int8 1.3e-5 on features up to ~5; float16 1.5e-2 (every weight
  // rounded to 11 bits). onnxruntime-web, the worker's runtime, runs the whole image encoder at
  // every export (export-model.test.ts: float32 and int8).
  it.each([
    ['float32', 1e-4],
    ['int8', 1e-4],
    ['float16', 5e-2],
  ] as const)(
    'gives tfjs features with %s weights (max |difference| < %s)',
    async (precision, bound) => {
      const got = await onnxFeatures(
        ortNode,
        cnnModel(source, precision, PICTURE_INPUT),
        pixels,
        dims,
      );
      expect(maxAbsDiff(got, want)).toBeLessThan(bound);
    },
  );
});

describe('what the converter refuses, naming the node', () => {
  /** Converts the small graph after `change` edits its nodes. */
  function convertWith(change: (nodes: Map<string, TfNode>) => void, source = smallSource()) {
    const nodes = smallNodes();
    change(new Map(nodes.map((n) => [n.name, n])));
    return () =>
      cnnModel(
        { ...source, artifacts: { ...source.artifacts, modelTopology: { node: nodes } } },
        'float32',
        SMALL_INPUT,
      );
  }
  const edit = (name: string, f: (n: TfNode) => void) => (nodes: Map<string, TfNode>) =>
    f(nodes.get(name) as TfNode);

  it('an op it does not know', () => {
    expect(convertWith(edit('pool', (n) => (n.op = 'MaxPool')))).toThrow(
      new CnnConversionError(
        'node pool (MaxPool): op MaxPool is not supported by the ONNX converter',
      ),
    );
  });

  it('an attribute it does not know, or a value it was not written for', () => {
    expect(convertWith(edit('c1', (n) => (n.attr.leakyrelu_alpha = { f: 0.2 })))).toThrow(
      /node c1 \(_FusedConv2D\): attribute leakyrelu_alpha is not supported/,
    );
    expect(convertWith(edit('c1', (n) => (n.attr.padding = { s: b64('EXPLICIT') })))).toThrow(
      /node c1 .*padding EXPLICIT is not supported/,
    );
    expect(convertWith(edit('c1', (n) => (n.attr.explicit_paddings = ints(0, 0, 1, 1))))).toThrow(
      /node c1 .*explicit paddings are not supported/,
    );
    expect(convertWith(edit('dw', (n) => (n.attr.data_format = { s: b64('NCHW') })))).toThrow(
      /node dw .*data_format NCHW is not supported/,
    );
    expect(
      convertWith(
        edit('pw', (n) => (n.attr.fused_ops = { list: { s: ['BiasAdd', 'Relu'].map(b64) } })),
      ),
    ).toThrow(/node pw .*fused ops \[BiasAdd,Relu\] are not supported/);
    expect(convertWith(edit('c2', (n) => (n.attr.num_args = { i: '2' })))).toThrow(
      /node c2 .*num_args must be 1/,
    );
    expect(convertWith(edit('c2', (n) => (n.attr.strides = ints(2, 1, 1, 1))))).toThrow(
      /node c2 .*strides \[2,1,1,1\] is not \[1, h, w, 1\]/,
    );
    expect(convertWith(edit('c2', (n) => (n.attr.T = { type: 'DT_HALF' })))).toThrow(
      /node c2 .*T is DT_HALF; only DT_FLOAT is supported/,
    );
    expect(convertWith(edit('pool', (n) => (n.attr.padding = { s: b64('SAME') })))).toThrow(
      /node pool .*only VALID padding is supported/,
    );
    expect(convertWith(edit('features', (n) => (n.attr.squeeze_dims = ints(1))))).toThrow(
      /node features .*squeezes \[1\] of a 1 x 1 map/,
    );
  });

  it('shapes that do not fit', () => {
    expect(convertWith(edit('c1', (n) => (n.input = ['centred', 'c2/w', 'c1/b'])))).toThrow(
      /node c1 .*its filter takes 4 channels; its input has 2/,
    );
    expect(convertWith(edit('c1', (n) => (n.input = ['centred', 'c1/w', 'c2/b'])))).toThrow(
      /node c1 .*its bias has 6 values for 4 channels/,
    );
    expect(convertWith(edit('residual', (n) => (n.input = ['c1', 'dw'])))).toThrow(
      /node residual .*its two feature maps differ in shape/,
    );
    expect(convertWith(edit('scaled', (n) => (n.input = ['c1/b', 'input'])))).toThrow(
      /node scaled .*input 0 is neither a feature map nor a scalar constant/,
    );
    expect(convertWith(edit('c2', (n) => (n.attr.padding = { s: b64('VALID') })))).not.toThrow();
    expect(convertWith(edit('pool', (n) => (n.attr.ksize = ints(1, 5, 5, 1))))).toThrow(
      /node pool .*a 5-wide kernel does not fit 3 cells/,
    );
    expect(
      convertWith(
        edit('input', (n) => (n.attr.shape = { shape: { dim: [{ size: '-1' }, { size: '8' }] } })),
      ),
    ).toThrow(/node input .*takes \[-1,8\]; the graph feeds \[batch, 8, 7, 2\]/);
  });

  it('a graph whose wiring it cannot follow', () => {
    expect(convertWith(edit('c1', (n) => (n.input = ['^centred', 'c1/w', 'c1/b'])))).toThrow(
      /node c1 .*control input \^centred is not supported/,
    );
    expect(convertWith(edit('c1', (n) => (n.input = ['centred:1', 'c1/w', 'c1/b'])))).toThrow(
      /node c1 .*reads output 1/,
    );
    expect(convertWith(edit('c1', (n) => (n.input = ['missing', 'c1/w', 'c1/b'])))).toThrow(
      'the graph has no node missing',
    );
    expect(convertWith(edit('scaled', (n) => (n.input = ['two', 'residual'])))).toThrow(
      /the graph has a cycle through this node/,
    );
    expect(
      convertWith((nodes) => {
        nodes.get('head')!.name = 'pool';
      }),
    ).toThrow(/node pool \(Softmax\): two nodes have this name/);
    expect(convertWith(edit('centred', (n) => (n.input = ['scaled'])))).toThrow(
      /node centred .*expected 2 inputs, got 1/,
    );
    expect(convertWith(edit('c1', (n) => (n.input = ['c1/w', 'c1/w', 'c1/b'])))).toThrow(
      /node c1 .*expects a feature map as its input, got a constant/,
    );
  });

  it('a feature node that is not the feature vector it claims', () => {
    const source = smallSource();
    expect(() => cnnModel({ ...source, featureNode: 'absent' }, 'float32', SMALL_INPUT)).toThrow(
      'the graph has no node absent',
    );
    expect(() => cnnModel({ ...source, featureNode: 'pool' }, 'float32', SMALL_INPUT)).toThrow(
      'node pool is not a 6-d feature vector',
    );
    expect(() => cnnModel({ ...source, featureDim: 7 }, 'float32', SMALL_INPUT)).toThrow(
      'node features is not a 7-d feature vector',
    );
    expect(() => cnnModel({ ...source, inputNode: 'other' }, 'float32', SMALL_INPUT)).toThrow(
      /node input \(Placeholder\): only the input other can be fed/,
    );
    // A Squeeze inside the network (here the feature node is past it) is refused.
    expect(
      convertWith(
        (nodes) => {
          nodes.get('head')!.op = 'Mul';
          nodes.get('head')!.input = ['features', 'two'];
        },
        { ...source, featureNode: 'head' },
      ),
    ).toThrow(/node features \(Squeeze\): a Squeeze is supported only as the feature node/);
  });

  it('a constant whose declared shape is not its weights', () => {
    expect(
      convertWith(
        edit(
          'c1/b',
          (n) =>
            (n.attr.value = {
              tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '5' }] } },
            }),
        ),
      ),
    ).toThrow(/node c1\/b \(Const\): its shape \[5\] differs from its weights' \[4\]/);
  });
});
