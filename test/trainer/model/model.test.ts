import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENCODERS, type EncoderKind, type ModelConfig } from '../../../trainer/model/config.ts';
import {
  distinctIds,
  initialWeights,
  JointModel,
  paramShapes,
} from '../../../trainer/model/model.ts';
import { Random } from '../../../trainer/random.ts';
import { selectBackend } from '../../../trainer/tf/backend.ts';
import { tinyBatch } from '../../support/tiny-model.ts';

beforeAll(async () => {
  await selectBackend('cpu');
  await selectBackend('wasm');
});

const DIMS = { vocabSize: 20, wordDim: 8, jointDim: 16, featureDim: 10 } as const;
const config = (encoder: EncoderKind): ModelConfig => ({ encoder, ...DIMS });

function withModel<T>(encoder: EncoderKind, use: (model: JointModel) => T, seed = 1): T {
  const model = JointModel.create(config(encoder), new Random(seed));
  try {
    return use(model);
  } finally {
    model.dispose();
  }
}

/** Sentence vectors of some captions (lists of ids), as rows. */
function encode(model: JointModel, captions: number[][]): number[][] {
  const D = model.config.jointDim;
  const data = tf.tidy(() => model.encodeSentences(tinyBatch(captions)).dataSync());
  return captions.map((_, i) => Array.from(data.subarray(i * D, (i + 1) * D)));
}

function distance(a: number[], b: number[]): number {
  return Math.sqrt(a.reduce((s, x, i) => s + (x - (b[i] as number)) ** 2, 0));
}

function norms(data: Float32Array | Int32Array | Uint8Array, dim: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < data.length / dim; r++) {
    let s = 0;
    for (let k = 0; k < dim; k++) s += (data[r * dim + k] as number) ** 2;
    out.push(Math.sqrt(s));
  }
  return out;
}

describe('paramShapes', () => {
  const image = { 'image.W': [10, 16] };
  it.each([
    [
      'lstm',
      { embedding: [20, 8], 'lstm.Wx': [8, 64], 'lstm.Wh': [16, 64], 'lstm.b': [64], ...image },
    ],
    [
      'gru',
      {
        embedding: [20, 8],
        'gru.Wx': [8, 48],
        'gru.Whzr': [16, 32],
        'gru.Whn': [16, 16],
        'gru.b': [48],
        ...image,
      },
    ],
    ['bow', { embedding: [20, 16], ...image }],
    ['mean', { embedding: [20, 8], 'mean.W': [8, 16], ...image }],
  ] as const)('lists the %s parameters in a fixed order', (encoder, expected) => {
    const shapes = paramShapes(config(encoder));
    expect(shapes).toEqual(expected);
    expect(Object.keys(shapes)).toEqual(Object.keys(expected));
  });
});

describe.each(ENCODERS)('the %s model', (encoder) => {
  it('gives unit-length image and sentence vectors', async () => {
    await tf.setBackend('wasm');
    withModel(encoder, (model) => {
      const rng = new Random(4);
      const images = tf.tidy(() =>
        model.encodeImages(
          tf.tensor2d(rng.gaussians(5 * DIMS.featureDim, 3), [5, DIMS.featureDim]),
        ),
      );
      expect(images.shape).toEqual([5, DIMS.jointDim]);
      const captions = [[2, 3, 4], [5, 1, 6, 7, 8, 9], [10], [11, 12, 13, 14]];
      const sentences = model.encodeSentences(tinyBatch(captions));
      expect(sentences.shape).toEqual([4, DIMS.jointDim]);
      for (const n of norms(images.dataSync(), DIMS.jointDim)) expect(n).toBeCloseTo(1, 4);
      for (const n of norms(sentences.dataSync(), DIMS.jointDim)) expect(n).toBeCloseTo(1, 4);
      tf.dispose([images, sentences]);
    });
  });

  it('encodes a caption padded inside a longer batch as it encodes it alone', async () => {
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      withModel(encoder, (model) => {
        const [alone] = encode(model, [[4, 9, 2]]);
        // Shortest first, in the middle and last, among longer captions.
        const batched = encode(model, [
          [4, 9, 2],
          [3, 5, 6, 7, 8, 10],
          [4, 9, 2],
          [11, 12, 13, 14, 15],
          [4, 9, 2],
        ]);
        for (const row of [0, 2, 4]) {
          expect(distance(batched[row]!, alone!), `${backend}, row ${row}`).toBeLessThan(1e-5);
        }
        // And the long ones are not affected by being batched with short ones.
        const [long] = encode(model, [[3, 5, 6, 7, 8, 10]]);
        expect(distance(batched[1]!, long!)).toBeLessThan(1e-5);
      });
    }
  });
});

describe.each(['lstm', 'gru'] as const)('the %s sentence encoder', (encoder) => {
  it('is sensitive to word order and to every word, <unk> included', async () => {
    await tf.setBackend('wasm');
    withModel(encoder, (model) => {
      const [abc, cba, aUnkbc, ab] = encode(model, [
        [2, 5, 7],
        [7, 5, 2],
        [2, 1, 5, 7],
        [2, 5],
      ]);
      expect(distance(abc!, cba!)).toBeGreaterThan(1e-3);
      expect(distance(abc!, aUnkbc!)).toBeGreaterThan(1e-3);
      expect(distance(abc!, ab!)).toBeGreaterThan(1e-3);
    });
  });
});

describe('the bag-of-words encoders', () => {
  it.each(['bow', 'mean'] as const)('%s ignores word order, <unk> and padding', async (encoder) => {
    await tf.setBackend('wasm');
    withModel(encoder, (model) => {
      const rows = encode(model, [
        [2, 5, 7],
        [7, 2, 5],
        [1, 2, 1, 5, 7, 1],
        [5, 7, 2, 1, 1, 1, 1, 1],
      ]);
      for (const row of rows.slice(1)) expect(distance(row, rows[0]!)).toBeLessThan(1e-5);
      // ...but not the words themselves.
      const [other] = encode(model, [[2, 5, 8]]);
      expect(distance(other!, rows[0]!)).toBeGreaterThan(1e-3);
    });
  });

  it('bow is the normalised sum of its words’ vectors', async () => {
    await tf.setBackend('cpu');
    withModel('bow', (model) => {
      const table = model.variables.get('embedding')!.dataSync();
      const H = DIMS.jointDim;
      const sum = Array.from({ length: H }, (_, k) => table[2 * H + k]! + 2 * table[5 * H + k]!);
      const n = Math.hypot(...sum);
      const [v] = encode(model, [[2, 5, 1, 5]]);
      expect(
        distance(
          v!,
          sum.map((x) => x / n),
        ),
      ).toBeLessThan(1e-5);
    });
  });

  it('a caption of unknown words only encodes to a finite (zero) vector', async () => {
    await tf.setBackend('cpu');
    for (const encoder of ['bow', 'mean'] as const) {
      withModel(encoder, (model) => {
        const [v] = encode(model, [[1, 1]]);
        expect(v).toEqual(new Array(DIMS.jointDim).fill(0));
      });
    }
  });
});

describe('initialWeights', () => {
  it('is deterministic from the seed, and differs for another seed', () => {
    for (const encoder of ENCODERS) {
      const a = initialWeights(config(encoder), new Random(5));
      const b = initialWeights(config(encoder), new Random(5));
      const c = initialWeights(config(encoder), new Random(6));
      expect(a).toEqual(b);
      expect(a.embedding).not.toEqual(c.embedding);
      expect(a['image.W']).not.toEqual(c['image.W']);
      for (const [name, shape] of Object.entries(paramShapes(config(encoder)))) {
        expect(a[name]?.length, name).toBe(shape.reduce((x, y) => x * y, 1));
      }
    }
  });

  it('starts the LSTM with forget bias 1 and orthogonal recurrent blocks', () => {
    const w = initialWeights(config('lstm'), new Random(2));
    const H = DIMS.jointDim;
    const b = Array.from(w['lstm.b']!);
    expect(b.slice(0, H).every((x) => x === 0)).toBe(true);
    expect(b.slice(H, 2 * H).every((x) => x === 1)).toBe(true);
    expect(b.slice(2 * H).every((x) => x === 0)).toBe(true);
    // Each gate's H x H block of Wh (H x 4H) is orthogonal.
    const wh = w['lstm.Wh']!;
    for (let gate = 0; gate < 4; gate++) {
      const block = new Float32Array(H * H);
      for (let r = 0; r < H; r++) {
        block.set(wh.subarray(r * 4 * H + gate * H, r * 4 * H + (gate + 1) * H), r * H);
      }
      expectOrthogonal(block, H);
    }
  });
});

function expectOrthogonal(q: Float32Array, n: number): void {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let d = 0;
      for (let k = 0; k < n; k++) d += q[i * n + k]! * q[j * n + k]!;
      worst = Math.max(worst, Math.abs(d - (i === j ? 1 : 0)));
    }
  }
  expect(worst).toBeLessThan(1e-5);
}

describe('JointModel', () => {
  it('rejects weights of the wrong size, naming the parameter and both sizes', () => {
    const c = config('lstm');
    const w = initialWeights(c, new Random(1));
    expect(() => new JointModel(c, { ...w, 'lstm.Wh': new Float32Array(3) })).toThrow(
      /lstm\.Wh.*expected 1024 values \(16 x 64\).*got 3/,
    );
    const { 'image.W': _, ...missing } = w;
    expect(() => new JointModel(c, missing)).toThrow(/image\.W.*expected 160 values.*none/);
  });

  it('round-trips its weights and names its variables by prefix', async () => {
    const c = config('gru');
    const w = initialWeights(c, new Random(8));
    const a = new JointModel(c, w);
    const b = new JointModel(c, w);
    try {
      expect(a.prefix).not.toBe(b.prefix);
      expect([...a.variables.keys()]).toEqual(Object.keys(paramShapes(c)));
      for (const [name, v] of a.variables) expect(v.name).toBe(`${a.prefix}/${name}`);
      expect(await a.weights()).toEqual(w);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

describe('distinctIds', () => {
  it('lists each id once, in first-seen order, and maps every token back to it', () => {
    const ids = Int32Array.from([5, 2, 5, 9, 2, 0]);
    const { distinct, position } = distinctIds(ids);
    expect(Array.from(distinct)).toEqual([5, 2, 9, 0]);
    expect(Array.from(position)).toEqual([0, 1, 0, 2, 1, 3]);
    expect(Array.from(position, (p) => distinct[p])).toEqual(Array.from(ids));
  });
});
