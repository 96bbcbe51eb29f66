import onnxProto, { type onnx as proto } from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { JointspaceFormatError, JointspaceInputError } from '../../../core/errors.ts';
import {
  encodePictures,
  encodeSentence,
  encodeSentences,
  projectImages,
} from '../../../worker/onnx/encode.ts';
import { createSession, type InferenceSession } from '../../../worker/onnx/ort-runtime.ts';
import bowBytes from '../../fixtures/onnx/bow.onnx';
import { IR_VERSION, OPSET } from '../../fixtures/onnx/build-models.ts';
import { IMAGE_FEATURES, SENTENCES, TOLERANCE } from '../../fixtures/onnx/cases.ts';
import lstmBytes from '../../fixtures/onnx/lstm.onnx';
import projectionBytes from '../../fixtures/onnx/projection.onnx';
import { SIZES } from '../../fixtures/onnx/weights.ts';

// The typed calls into the exported models, inside workerd on the real runtime: the fixture
// models of test/fixtures/onnx follow the contract; the small graphs built below break it one
// way each, to show that encode.ts names what is wrong instead of returning wrong vectors.
// (test/worker/onnx/ort-runtime.test.ts holds the outputs to the plain-JS reference.)

// onnx-proto is CommonJS: only its default export is there.
const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const UINT8 = onnx.TensorProto.DataType.UINT8;

function valueInfo(
  name: string,
  elemType: number,
  dims: (number | string)[],
): proto.IValueInfoProto {
  const dim = dims.map((d) =>
    typeof d === 'number'
      ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
      : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
  );
  const shape = onnx.TensorShapeProto.create({ dim });
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({ tensorType: onnx.TypeProto.Tensor.create({ elemType, shape }) }),
  });
}

/** A one-input, one-output model of `nodes` (opset and IR version as the exporter's). */
function graphBytes(
  nodes: [op: string, inputs: string[], output: string, to?: number][],
  input: proto.IValueInfoProto,
  output: proto.IValueInfoProto,
  initializer: proto.ITensorProto[] = [],
): Uint8Array {
  const node = nodes.map(([opType, inputs, out, to]) =>
    onnx.NodeProto.create({
      opType,
      input: inputs,
      output: [out],
      attribute:
        to === undefined
          ? []
          : [
              onnx.AttributeProto.create({
                name: 'to',
                type: onnx.AttributeProto.AttributeType.INT,
                i: to,
              }),
            ],
    }),
  );
  const graph = onnx.GraphProto.create({
    name: 'encode-test',
    node,
    initializer,
    input: [input],
    output: [output],
  });
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'jointspace-encode-test',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: OPSET })],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

const tokenIds = () => valueInfo('token_ids', INT64, ['batch', 'sequence']);
const axes = (name: string, values: number[]) =>
  onnx.TensorProto.create({ name, dims: [values.length], dataType: INT64, int64Data: values });

/** Graphs that take the right input but give something other than float32 [batch, D]. */
const BROKEN = {
  // The ids themselves: int64, not float32.
  int64Output: () =>
    graphBytes(
      [['Identity', ['token_ids'], 'sentence_vector']],
      tokenIds(),
      valueInfo('sentence_vector', INT64, ['batch', 'sequence']),
    ),
  // float32 [batch, sequence, 1]: one dimension too many.
  threeDimensions: () =>
    graphBytes(
      [
        ['Cast', ['token_ids'], 'ids', FLOAT],
        ['Unsqueeze', ['ids', 'axis_2'], 'sentence_vector'],
      ],
      tokenIds(),
      valueInfo('sentence_vector', FLOAT, ['batch', 'sequence', 1]),
      [axes('axis_2', [2])],
    ),
  // float32 [1, sequence]: the batch summed into one row.
  oneRow: () =>
    graphBytes(
      [
        ['Cast', ['token_ids'], 'ids', FLOAT],
        ['ReduceSum', ['ids', 'axis_0'], 'sentence_vector'],
      ],
      tokenIds(),
      valueInfo('sentence_vector', FLOAT, [1, 'sequence']),
      [axes('axis_0', [0])],
    ),
  // A sentence encoder whose output has another name.
  renamedOutput: () =>
    graphBytes(
      [['Cast', ['token_ids'], 'vector', FLOAT]],
      tokenIds(),
      valueInfo('vector', FLOAT, ['batch', 'sequence']),
    ),
  // image_features [batch, F] -> [F, batch]: rows that are not the images.
  transposedProjection: () =>
    graphBytes(
      [['Transpose', ['image_features'], 'image_vector']],
      valueInfo('image_features', FLOAT, ['batch', SIZES.features]),
      valueInfo('image_vector', FLOAT, [SIZES.features, 'batch']),
    ),
  // A projection that does not state F: any feature width goes through (here unchanged).
  openProjection: () =>
    graphBytes(
      [['Identity', ['image_features'], 'image_vector']],
      valueInfo('image_features', FLOAT, ['batch', 'features']),
      valueInfo('image_vector', FLOAT, ['batch', 'features']),
    ),
};

/**
 * An image encoder of the contract's shape whose output can be checked by hand: pixels uint8
 * [batch, 224, 224, 3] -> image_vector float32 [batch, 3], each row the sums of the picture's
 * red, green and blue values (exact in float32: at most 255 x 224 x 224 < 2^24).
 */
const channelSums = () =>
  graphBytes(
    [
      ['Cast', ['pixels'], 'values', FLOAT],
      ['ReduceSum', ['values', 'axes_hw'], 'sums'],
      ['Reshape', ['sums', 'rows_of_3'], 'image_vector'],
    ],
    valueInfo('pixels', UINT8, ['batch', 224, 224, 3]),
    valueInfo('image_vector', FLOAT, ['batch', 3]),
    [
      axes('axes_hw', [1, 2]),
      onnx.TensorProto.create({
        name: 'rows_of_3',
        dims: [2],
        dataType: INT64,
        int64Data: [-1, 3],
      }),
    ],
  );

let sessions: Record<'bow' | 'lstm' | 'projection', InferenceSession>;

beforeAll(async () => {
  const [bow, lstm, projection] = await Promise.all([
    createSession(bowBytes),
    createSession(lstmBytes),
    createSession(projectionBytes),
  ]);
  sessions = { bow, lstm, projection };
});

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let j = 0; j < expected.length; j++) {
    expect(Math.abs(actual[j]! - expected[j]!)).toBeLessThanOrEqual(TOLERANCE);
  }
}

describe('encodeSentences', () => {
  const batch = SENTENCES.map((s) => Int32Array.from(s));

  it.each(['bow', 'lstm'] as const)(
    '%s: pads a batch without changing any sentence’s vector',
    async (name) => {
      const vectors = await encodeSentences(sessions[name], batch);
      expect(vectors).toHaveLength(batch.length);
      for (const [r, sentence] of batch.entries()) {
        expectClose(vectors[r]!, await encodeSentence(sessions[name], sentence));
      }
    },
  );

  it('gives one float32 vector of the model’s dimension per sentence, each its own copy', async () => {
    const vectors = await encodeSentences(sessions.lstm, batch);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v).toHaveLength(SIZES.joint);
    }
    // Sentences 0 and 1 differ, and writing into one leaves the other as it was.
    const second = vectors[1]!.slice();
    expect(vectors[0]).not.toEqual(second);
    vectors[0]!.fill(7);
    expect(vectors[1]).toEqual(second);
  });

  // Moved from ort-runtime.test.ts.
  it('an empty batch gives no vectors', async () => {
    expect(await encodeSentences(sessions.bow, [])).toEqual([]);
  });

  // Moved from ort-runtime.test.ts, and the negative id added.
  it('rejects a token id below 1 inside a sentence, naming the sentence and the token', async () => {
    await expect(encodeSentences(sessions.lstm, [Int32Array.of(2, 0, 3)])).rejects.toThrow(
      JointspaceInputError,
    );
    await expect(encodeSentences(sessions.lstm, [Int32Array.of(2, 0, 3)])).rejects.toThrow(
      /sentence 0, token 1: id 0/,
    );
    await expect(
      encodeSentences(sessions.bow, [Int32Array.of(2), Int32Array.of(3, 4, -5)]),
    ).rejects.toThrow('sentence 1, token 2: id -5 is not a word id (0 is padding; ids start at 1)');
  });

  // Moved from ort-runtime.test.ts.
  it('leaves an id past the vocabulary to the model, which refuses it', async () => {
    await expect(encodeSentence(sessions.bow, Int32Array.of(2, SIZES.vocab))).rejects.toThrow(
      /out of (data )?bounds/,
    );
  });
});

describe('projectImages', () => {
  const features = Float32Array.from(IMAGE_FEATURES);
  const rows = IMAGE_FEATURES.length / SIZES.features;

  it('projects each row on its own: a batch is its rows one by one', async () => {
    const out = await projectImages(sessions.projection, features, SIZES.features);
    expect(out).toBeInstanceOf(Float32Array);
    expect(out).toHaveLength(rows * SIZES.joint);
    for (let r = 0; r < rows; r++) {
      const one = features.subarray(r * SIZES.features, (r + 1) * SIZES.features);
      expectClose(
        out.subarray(r * SIZES.joint, (r + 1) * SIZES.joint),
        await projectImages(sessions.projection, one, SIZES.features),
      );
    }
  });

  it('gives nothing for no rows', async () => {
    expect(await projectImages(sessions.projection, new Float32Array(0), SIZES.features)).toEqual(
      new Float32Array(0),
    );
  });

  // Moved from ort-runtime.test.ts, with the message.
  it('rejects features that are not whole rows, and a dim that is not positive', async () => {
    await expect(projectImages(sessions.projection, new Float32Array(15), 10)).rejects.toThrow(
      JointspaceInputError,
    );
    await expect(projectImages(sessions.projection, new Float32Array(15), 10)).rejects.toThrow(
      'image features has 15 values, not a whole number of rows of dim 10',
    );
    await expect(projectImages(sessions.projection, new Float32Array(10), 0)).rejects.toThrow(
      'dim must be a positive integer, got 0',
    );
  });

  // Moved from ort-runtime.test.ts.
  it('rejects a dim that is not the model’s feature count', async () => {
    await expect(projectImages(sessions.projection, new Float32Array(12), 12)).rejects.toThrow(
      /takes 10 features per image, got dim 12/,
    );
  });

  it('takes any dim when the model does not state its feature count', async () => {
    const open = await createSession(BROKEN.openProjection());
    const input = Float32Array.of(1, 2, 3, 4, 5, 6);
    expect(await projectImages(open, input, 3)).toEqual(input);
    expect(await projectImages(open, input, 2)).toEqual(input);
  });
});

describe('encodePictures', () => {
  const PICTURE = 224 * 224 * 3;
  /** A picture of one colour. */
  const flat = (r: number, g: number, b: number) => {
    const p = new Uint8Array(PICTURE);
    for (let i = 0; i < PICTURE; i += 3) p.set([r, g, b], i);
    return p;
  };

  it('feeds uint8 NHWC pixels, one row per picture, in order', async () => {
    const encoder = await createSession(channelSums());
    const batch = new Uint8Array(2 * PICTURE);
    batch.set(flat(1, 2, 3), 0);
    batch.set(flat(255, 0, 10), PICTURE);
    const n = 224 * 224;
    expect(await encodePictures(encoder, batch)).toEqual(
      Float32Array.of(n, 2 * n, 3 * n, 255 * n, 0, 10 * n),
    );
  });

  it('gives nothing for no pictures, and refuses pixels that are not whole pictures', async () => {
    const encoder = await createSession(channelSums());
    expect(await encodePictures(encoder, new Uint8Array(0))).toEqual(new Float32Array(0));
    await expect(encodePictures(encoder, new Uint8Array(PICTURE + 1))).rejects.toThrow(
      JointspaceInputError,
    );
  });

  it('names the missing input of a graph that is not an image encoder', async () => {
    await expect(encodePictures(sessions.projection, flat(0, 0, 0))).rejects.toThrow(
      /the image encoder has no input "pixels"/,
    );
  });
});

describe('a model that is not the contract’s', () => {
  // Moved from ort-runtime.test.ts.
  it('names the missing input', async () => {
    await expect(encodeSentence(sessions.projection, Int32Array.of(2))).rejects.toThrow(
      JointspaceFormatError,
    );
    await expect(encodeSentence(sessions.projection, Int32Array.of(2))).rejects.toThrow(
      /no input "token_ids" \(inputs: image_features\)/,
    );
    await expect(projectImages(sessions.bow, new Float32Array(10), 10)).rejects.toThrow(
      /no input "image_features"/,
    );
    // The model is checked before anything else, even when there is nothing to encode.
    await expect(encodeSentences(sessions.projection, [])).rejects.toThrow(/no input "token_ids"/);
  });

  it('names the missing output', async () => {
    const renamed = await createSession(BROKEN.renamedOutput());
    await expect(encodeSentence(renamed, Int32Array.of(2))).rejects.toThrow(
      'the sentence encoder has no output "sentence_vector" (outputs: vector)',
    );
  });

  it('refuses an output that is not float32 [batch, D], saying what it is', async () => {
    const int64 = await createSession(BROKEN.int64Output());
    await expect(encodeSentence(int64, Int32Array.of(2, 3))).rejects.toThrow(JointspaceFormatError);
    await expect(encodeSentence(int64, Int32Array.of(2, 3))).rejects.toThrow(
      '"sentence_vector" must be float32 [batch, D], got int64 [1, 2]',
    );
    const threeD = await createSession(BROKEN.threeDimensions());
    await expect(encodeSentence(threeD, Int32Array.of(2, 3))).rejects.toThrow(
      '"sentence_vector" must be float32 [batch, D], got float32 [1, 2, 1]',
    );
  });

  it('refuses an output with another number of rows than the batch', async () => {
    const oneRow = await createSession(BROKEN.oneRow());
    // A batch of one passes (one row is right); a batch of two does not.
    expect(await encodeSentence(oneRow, Int32Array.of(2, 3))).toEqual(Float32Array.of(2, 3));
    await expect(encodeSentences(oneRow, [Int32Array.of(2), Int32Array.of(3)])).rejects.toThrow(
      '"sentence_vector" has 1 rows for a batch of 2',
    );
    const transposed = await createSession(BROKEN.transposedProjection());
    await expect(
      projectImages(transposed, Float32Array.from(IMAGE_FEATURES), SIZES.features),
    ).rejects.toThrow(`"image_vector" has ${SIZES.features} rows for a batch of 3`);
  });
});
