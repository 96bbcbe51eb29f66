import onnxProto from 'onnx-proto';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { WEIGHT_PRECISIONS, type WeightPrecision } from '../../../../core/manifest.ts';
import { tokenize } from '../../../../core/tokenizer.ts';
import { Vocabulary } from '../../../../core/vocabulary.ts';
import { ONNX_OPSET } from '../../../../trainer/export/onnx/graph-builder.ts';
import { buildImageProjection } from '../../../../trainer/export/onnx/image-projection.ts';
import { buildSentenceEncoder } from '../../../../trainer/export/onnx/sentence-encoder.ts';
import {
  effectiveWeights,
  type StoredWeights,
  storeWeights,
} from '../../../../trainer/export/stored-weights.ts';
import { ENCODERS, type EncoderKind, type ModelConfig } from '../../../../trainer/model/config.ts';
import { initialWeights, JointModel } from '../../../../trainer/model/model.ts';
import { packBatch } from '../../../../trainer/model/token-batch.ts';
import { Random } from '../../../../trainer/random.ts';
import { selectBackend } from '../../../../trainer/tf/backend.ts';

/**
 * The exported ONNX encoders against the trainer's model, in both ONNX Runtimes: onnxruntime-node
 * (native) and onnxruntime-web (wasm, the worker's runtime). Real sentences go through the
 * tokenizer and the vocabulary: one with unknown words, a single word, and one of the longest
 * allowed length; each alone (as the worker sends them) and all together in one padded batch.
 */

const MAX_TOKENS = 50;
const TOLERANCE = 1e-4;

const CORPUS = [
  'a red car parked in the snow',
  'two dogs run along a sandy beach',
  'a man rides a blue bicycle through the city',
  'children play football on green grass',
  'an old boat sits on a calm lake at dawn',
];
const SENTENCES = {
  'unknown words': 'a zorblax car near the flibbertigibbet lake',
  'a single word': 'dogs',
  'the longest allowed': Array.from(
    { length: MAX_TOKENS + 7 },
    (_, i) => CORPUS[i % CORPUS.length]?.split(' ')[i % 5],
  ).join(' '),
};

const vocab = Vocabulary.build(CORPUS.map((c) => tokenize(c)));

function configFor(encoder: EncoderKind): ModelConfig {
  return { encoder, vocabSize: vocab.size, wordDim: 12, jointDim: 20, featureDim: 9 };
}

/** Weights far from initial values (large and varied), so every gate and unit matters. */
function trainedLikeWeights(config: ModelConfig, seed: number): Record<string, Float32Array> {
  const rng = new Random(seed);
  const w = initialWeights(config, rng);
  for (const name of Object.keys(w)) w[name] = rng.gaussians((w[name] as Float32Array).length, 0.6);
  return w;
}

function idsOf(text: string): Int32Array {
  return vocab.encodeTokens(tokenize(text).slice(0, MAX_TOKENS)).ids;
}

async function trainerVectors(model: JointModel, captions: Int32Array[]): Promise<Float32Array> {
  const v = model.encodeSentences(
    packBatch(
      captions,
      captions.map((_, i) => i),
    ),
  );
  const data = (await v.data()) as Float32Array;
  v.dispose();
  return data;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

/** Token ids, batch-major and padded with 0, as int64. */
function idsTensor(ort: Runtime, captions: Int32Array[]): ortNode.Tensor {
  const T = Math.max(...captions.map((c) => c.length));
  const data = new BigInt64Array(captions.length * T);
  captions.forEach((c, b) => {
    c.forEach((id, t) => {
      data[b * T + t] = BigInt(id);
    });
  });
  return new ort.Tensor('int64', data, [captions.length, T]) as ortNode.Tensor;
}

type Runtime = typeof ortNode | typeof ortWeb;
const RUNTIMES: [string, Runtime][] = [
  ['onnxruntime-node', ortNode],
  ['onnxruntime-web', ortWeb],
];

async function runOnnx(
  ort: Runtime,
  model: Uint8Array,
  feeds: Record<string, ortNode.Tensor>,
  output: string,
): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model);
  try {
    const out = await session.run(feeds as never);
    return (out[output] as ortNode.Tensor).data as Float32Array;
  } finally {
    await session.release();
  }
}

beforeAll(async () => {
  await selectBackend('wasm');
  ortWeb.env.wasm.numThreads = 1;
});

describe.each(ENCODERS)('the %s sentence encoder in ONNX', (encoder) => {
  describe.each(WEIGHT_PRECISIONS)('with %s weights', (precision: WeightPrecision) => {
    const config = configFor(encoder);
    let stored: StoredWeights;
    let model: JointModel;
    beforeAll(() => {
      stored = storeWeights(config, trainedLikeWeights(config, 7), precision);
      model = new JointModel(config, effectiveWeights(stored));
      return () => model.dispose();
    });

    it.each(RUNTIMES)('gives the trainer vectors in %s', async (_, ort) => {
      const onnx = buildSentenceEncoder(config, stored, {});
      const D = config.jointDim;
      const captions = Object.values(SENTENCES).map(idsOf);
      expect(captions[0]).toContain(1); // the unknown words are <unk>
      expect(captions[1]).toHaveLength(1);
      expect(captions[2]).toHaveLength(MAX_TOKENS);
      const expected = await trainerVectors(model, captions);
      for (const [k, ids] of captions.entries()) {
        const got = await runOnnx(
          ort,
          onnx,
          { token_ids: idsTensor(ort, [ids]) },
          'sentence_vector',
        );
        expect(maxDiff(got, expected.subarray(k * D, (k + 1) * D))).toBeLessThan(TOLERANCE);
      }
      // All at once: shorter sentences padded with 0 must still end at their own last token.
      const batch = await runOnnx(
        ort,
        onnx,
        { token_ids: idsTensor(ort, captions) },
        'sentence_vector',
      );
      expect(maxDiff(batch, expected)).toBeLessThan(TOLERANCE);
    });
  });
});

describe('gate order', () => {
  it('matters: with the LSTM forget and output gates swapped, vectors differ far beyond the tolerance', async () => {
    // Proof that the parity test above can fail on a wrong gate order.
    const config = configFor('lstm');
    const weights = trainedLikeWeights(config, 7);
    const H = config.jointDim;
    const swapped = { ...weights };
    for (const name of ['lstm.Wx', 'lstm.Wh']) {
      const w = Float32Array.from(weights[name] as Float32Array);
      const rows = w.length / (4 * H);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < H; c++) {
          const f = r * 4 * H + H + c;
          const o = r * 4 * H + 3 * H + c;
          [w[f], w[o]] = [w[o] as number, w[f] as number];
        }
      }
      swapped[name] = w;
    }
    const onnx = buildSentenceEncoder(config, storeWeights(config, weights, 'float32'), {});
    const wrong = new JointModel(config, swapped);
    const ids = idsOf(CORPUS[2] as string);
    const expected = await trainerVectors(wrong, [ids]);
    wrong.dispose();
    const got = await runOnnx(
      ortNode,
      onnx,
      { token_ids: idsTensor(ortNode, [ids]) },
      'sentence_vector',
    );
    expect(maxDiff(got, expected)).toBeGreaterThan(1e-2);
  });
});

describe('the ONNX files', () => {
  it(`use opset ${ONNX_OPSET} and only operators of the ONNX standard domain that the worker's runtime runs`, () => {
    const allowed = new Set([
      'Gather',
      'Transpose',
      'Greater',
      'Cast',
      'ReduceSum',
      'ReduceSumSquare',
      'Unsqueeze',
      'Squeeze',
      'Mul',
      'Div',
      'Add',
      'Sqrt',
      'Max',
      'MatMul',
      'Concat',
      'LSTM',
      'GRU',
      'Identity',
    ]);
    for (const encoder of ENCODERS) {
      for (const precision of WEIGHT_PRECISIONS) {
        const config = configFor(encoder);
        const stored = storeWeights(config, trainedLikeWeights(config, 1), precision);
        for (const bytes of [
          buildSentenceEncoder(config, stored, {}),
          buildImageProjection(config, stored, {}),
        ]) {
          const model = onnxProto.onnx.ModelProto.decode(bytes);
          expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([
            ['', ONNX_OPSET],
          ]);
          for (const node of model.graph?.node ?? []) expect(allowed).toContain(node.opType);
        }
      }
    }
  });

  it('are 2x smaller with float16 and about 4x smaller with int8 weights', () => {
    const config = { ...configFor('lstm'), wordDim: 64, jointDim: 128 };
    const sizes = WEIGHT_PRECISIONS.map(
      (p) =>
        buildSentenceEncoder(config, storeWeights(config, trainedLikeWeights(config, 1), p), {})
          .length,
    );
    const [f32, f16, i8] = sizes as [number, number, number];
    expect(f16 / f32).toBeGreaterThan(0.48);
    expect(f16 / f32).toBeLessThan(0.52);
    expect(i8 / f32).toBeLessThan(0.3); // int8 plus float32 scales and biases
  });
});
