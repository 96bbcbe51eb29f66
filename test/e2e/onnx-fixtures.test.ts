import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { FIXTURE_FILES } from '../fixtures/onnx/build-models.ts';
import {
  IMAGE_FEATURES,
  LONG_SENTENCE,
  padBatch,
  SENTENCES,
  TOLERANCE,
} from '../fixtures/onnx/cases.ts';
import {
  bowReference,
  gruReference,
  lstmReference,
  projectionReference,
} from '../fixtures/onnx/reference.ts';
import { type FixtureWeights, makeWeights, SIZES } from '../fixtures/onnx/weights.ts';

// The ONNX fixtures that test/worker/onnx-runtime.test.ts runs inside workerd, checked here in
// onnxruntime-node against the same plain-JS reference: a fixture that passes both runtimes
// gives the same numbers in both (to within twice the tolerance).
const DIR = join(import.meta.dirname, '../fixtures/onnx');
const weights = makeWeights();

function load(file: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(readFileSync(join(DIR, file)));
}

function rows(data: Float32Array, dim: number): number[][] {
  return Array.from({ length: data.length / dim }, (_, r) =>
    Array.from(data.subarray(r * dim, (r + 1) * dim)),
  );
}

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, r) => {
    row.forEach((x, j) => {
      expect(Math.abs(x - (expected[r]?.[j] as number))).toBeLessThanOrEqual(TOLERANCE);
    });
  });
}

async function encode(session: ort.InferenceSession, sentences: number[][]): Promise<number[][]> {
  const { ids, width } = padBatch(sentences);
  const out = await session.run({
    token_ids: new ort.Tensor('int64', ids, [sentences.length, width]),
  });
  const vectors = out.sentence_vector;
  expect(vectors?.dims).toEqual([sentences.length, SIZES.joint]);
  return rows(vectors?.data as Float32Array, SIZES.joint);
}

describe('ONNX fixtures', () => {
  it.each(Object.entries(FIXTURE_FILES))(
    '%s is what its builder makes (rebuild with make-fixtures.ts)',
    (file, build) => {
      const onDisk = new Uint8Array(readFileSync(join(DIR, file)));
      expect(onDisk.length).toBeLessThan(50_000);
      expect(Buffer.compare(onDisk, build(weights))).toBe(0);
    },
  );

  type Reference = (w: FixtureWeights, ids: readonly number[]) => number[];
  const encoders: [string, Reference][] = [
    ['bow.onnx', bowReference],
    ['lstm.onnx', lstmReference],
    ['gru.onnx', gruReference],
  ];

  it.each(encoders)('%s matches the reference in onnxruntime-node', async (file, reference) => {
    const session = await load(file);
    const batch = [...SENTENCES, LONG_SENTENCE];
    expectClose(
      await encode(session, batch),
      batch.map((s) => reference(weights, s)),
    );
  });

  it('projection.onnx matches the reference in onnxruntime-node', async () => {
    const session = await load('projection.onnx');
    const n = IMAGE_FEATURES.length / SIZES.features;
    const out = await session.run({
      image_features: new ort.Tensor('float32', Float32Array.from(IMAGE_FEATURES), [
        n,
        SIZES.features,
      ]),
    });
    const expected = rows(Float32Array.from(IMAGE_FEATURES), SIZES.features).map((q) =>
      projectionReference(weights, q),
    );
    expectClose(rows(out.image_vector?.data as Float32Array, SIZES.joint), expected);
  });
});
