import { beforeAll, describe, expect, it } from 'vitest';
import { encodeSentence, encodeSentences, projectImages } from '../../../worker/onnx/encode.ts';
import {
  createSession,
  exclusive,
  type InferenceSession,
} from '../../../worker/onnx/ort-runtime.ts';
import bowBytes from '../../fixtures/onnx/bow.onnx';
import { IMAGE_FEATURES, LONG_SENTENCE, SENTENCES, TOLERANCE } from '../../fixtures/onnx/cases.ts';
import gruBytes from '../../fixtures/onnx/gru.onnx';
import lstmBytes from '../../fixtures/onnx/lstm.onnx';
import projectionBytes from '../../fixtures/onnx/projection.onnx';
import {
  bowReference,
  gruReference,
  lstmReference,
  projectionReference,
} from '../../fixtures/onnx/reference.ts';
import { type FixtureWeights, makeWeights, SIZES } from '../../fixtures/onnx/weights.ts';

// onnxruntime-web inside workerd, on the fixture models of test/fixtures/onnx (built by
// make-fixtures.ts; test/fixtures-onnx.test.ts holds onnxruntime-node to the same reference).
// The outputs are checked against plain-JS maths, so this proves the wasm runtime loads, runs
// each exported operator, and honours sequence_lens.
const weights = makeWeights();
// Read before any session exists: the runtime installs its instantiate hook on first use.
const originalInstantiate = WebAssembly.instantiate;
let sessions: Record<'bow' | 'lstm' | 'gru' | 'projection', InferenceSession>;

function expectClose(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let j = 0; j < expected.length; j++) {
    expect(Math.abs((actual[j] as number) - (expected[j] as number))).toBeLessThanOrEqual(
      TOLERANCE,
    );
  }
}

beforeAll(async () => {
  // All at once: concurrent first calls must share ORT's one initialisation. Both byte forms.
  const [bow, lstm, gru, projection] = await Promise.all([
    createSession(bowBytes),
    createSession(new Uint8Array(lstmBytes)),
    createSession(gruBytes),
    createSession(new Uint8Array(projectionBytes)),
  ]);
  sessions = { bow, lstm, gru, projection };
});

type Reference = (w: FixtureWeights, ids: readonly number[]) => number[];
const encoders: ['bow' | 'lstm' | 'gru', Reference][] = [
  ['bow', bowReference],
  ['lstm', lstmReference],
  ['gru', gruReference],
];

describe('onnxruntime-web in workerd', () => {
  it('leaves WebAssembly.instantiate as it found it once ORT has its module', () => {
    expect(WebAssembly.instantiate).toBe(originalInstantiate);
  });

  it.each(encoders)('%s: a padded batch matches the reference', async (name, reference) => {
    const vectors = await encodeSentences(
      sessions[name],
      SENTENCES.map((s) => Int32Array.from(s)),
    );
    expect(vectors).toHaveLength(SENTENCES.length);
    for (const [r, v] of vectors.entries()) expectClose(v, reference(weights, SENTENCES[r]!));
  });

  it.each(encoders)('%s: one long sentence matches the reference', async (name, reference) => {
    const vector = await encodeSentence(sessions[name], Int32Array.from(LONG_SENTENCE));
    expect(vector).toBeInstanceOf(Float32Array);
    expectClose(vector, reference(weights, LONG_SENTENCE));
  });

  it.each(encoders)('%s: an empty sentence gives a zero vector', async (name, reference) => {
    const [empty, word] = await encodeSentences(sessions[name], [
      new Int32Array(0),
      Int32Array.of(2),
    ]);
    // Math.abs: a zero sum divided by eps comes out as -0 in some columns, which is still zero.
    expect(Array.from(empty!, Math.abs)).toEqual(new Array(SIZES.joint).fill(0));
    expectClose(word!, reference(weights, [2]));
  });

  it('projection: a batch of images matches the reference', async () => {
    const features = Float32Array.from(IMAGE_FEATURES);
    const out = await projectImages(sessions.projection, features, SIZES.features);
    expect(out).toHaveLength((IMAGE_FEATURES.length / SIZES.features) * SIZES.joint);
    for (let r = 0; r < IMAGE_FEATURES.length / SIZES.features; r++) {
      const q = Array.from(features.subarray(r * SIZES.features, (r + 1) * SIZES.features));
      expectClose(
        out.subarray(r * SIZES.joint, (r + 1) * SIZES.joint),
        projectionReference(weights, q),
      );
    }
  });
});

describe('createSession', () => {
  it('rejects bytes that are not an ONNX model, and ORT keeps working after', async () => {
    await expect(createSession(new Uint8Array([1, 2, 3, 4]))).rejects.toThrow();
    const again = await createSession(bowBytes);
    expectClose(await encodeSentence(again, Int32Array.of(3)), bowReference(weights, [3]));
  });
});

describe('exclusive', () => {
  it('runs one call at a time, in the order asked, and goes on after one fails', async () => {
    const events: string[] = [];
    const call =
      (name: string, fail = false) =>
      async () => {
        events.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        events.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      exclusive(call('a')),
      exclusive(call('b', true)),
      exclusive(call('c')),
    ]);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
