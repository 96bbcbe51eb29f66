import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EncoderKind } from '../../../trainer/model/config.ts';
import { contrastiveLoss } from '../../../trainer/model/loss.ts';
import { JointModel } from '../../../trainer/model/model.ts';
import { selectBackend } from '../../../trainer/tf/backend.ts';
import {
  clipByGlobalNorm,
  contrastiveTerms,
  gatherRows,
  trainingUpdate,
  type UpdateInputs,
} from '../../../trainer/train/update.ts';
import {
  referenceImages,
  referenceLoss,
  referenceSentences,
  TINY,
  TINY_CAPTIONS,
  TINY_IMAGE_OF,
  tinyBatch,
  tinyConfig,
  tinyFeatures,
  tinyWeights,
} from '../../support/tiny-model.ts';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('gatherRows', () => {
  it("copies each caption's image row, in caption order, repeats included", () => {
    const features = Float32Array.from([0, 1, 10, 11, 20, 21]);
    expect(Array.from(gatherRows(features, 2, Int32Array.from([2, 0, 2])))).toEqual([
      20, 21, 0, 1, 20, 21,
    ]);
    expect(gatherRows(features, 2, new Int32Array(0))).toEqual(new Float32Array(0));
  });
});

describe('contrastiveTerms', () => {
  it('counts both directions over pairs of different pictures', () => {
    // Pairs 1 and 3 show one picture: each item has 3, 2, 3 and 2 others, twice over.
    expect(contrastiveTerms(TINY_IMAGE_OF, false)).toBe(20);
    expect(contrastiveTerms(Int32Array.from([0, 1, 2, 3]), false)).toBe(24);
  });

  it('counts two terms per item for the hardest-negative loss', () => {
    expect(contrastiveTerms(TINY_IMAGE_OF, true)).toBe(8);
  });

  it('is at least 1, so a batch of one picture divides by 1, not 0', () => {
    expect(contrastiveTerms(Int32Array.from([4, 4, 4]), false)).toBe(1);
  });

  it.each([false, true])('is the number of hinge terms the loss adds (maxViolation %s)', (hard) => {
    // All scores equal: every hinge term is exactly the margin.
    const margin = 0.5;
    const loss = tf.tidy(() => {
      const same = tf.tensor2d(Array.from({ length: 4 }, () => [0.6, 0.8]));
      return contrastiveLoss(same, same, TINY_IMAGE_OF, margin, hard).dataSync()[0] as number;
    });
    expect(loss / margin).toBeCloseTo(contrastiveTerms(TINY_IMAGE_OF, hard), 5);
  });
});

describe('clipByGlobalNorm', () => {
  /** Gradients of global norm 5 over two tensors (3, 4). */
  const grads = () => ({ a: tf.tensor1d([3]), b: tf.tensor2d([[4, 0]]) });
  const values = (map: tf.NamedTensorMap) =>
    Object.fromEntries(Object.entries(map).map(([name, t]) => [name, t.arraySync()]));

  it('scales all gradients by one factor so that their global norm is the clip', () => {
    const g = grads();
    const clipped = clipByGlobalNorm(g, 2);
    // One factor for all, 2 / 5, from the norm of all together: not each by its own norm.
    expect(clipped.b?.shape).toEqual([1, 2]);
    const v = values(clipped);
    expect(v.a as number[]).toEqual([Math.fround(1.2)]);
    expect((v.b as number[][])[0]).toEqual([Math.fround(1.6), 0]);
    tf.dispose([...Object.values(g), ...Object.values(clipped)]);
  });

  it.each([5, 10])(
    'leaves gradients with a global norm of at most the clip (%d) as they are',
    (clip) => {
      const g = grads();
      const clipped = clipByGlobalNorm(g, clip);
      expect(values(clipped)).toEqual({ a: [3], b: [[4, 0]] });
      tf.dispose([...Object.values(g), ...Object.values(clipped)]);
    },
  );

  it('keeps zero gradients zero (no division by a zero norm)', () => {
    const g = { a: tf.zeros([3]) };
    const clipped = clipByGlobalNorm(g, 2);
    expect(values(clipped)).toEqual({ a: [0, 0, 0] });
    tf.dispose([g.a, ...Object.values(clipped)]);
  });

  it('creates only its results and leaves the gradients it was given alone', () => {
    const g = grads();
    const before = tf.memory().numTensors;
    const clipped = clipByGlobalNorm(g, 2);
    expect(tf.memory().numTensors - before).toBe(2);
    expect(values(g)).toEqual({ a: [3], b: [[4, 0]] });
    tf.dispose([...Object.values(g), ...Object.values(clipped)]);
  });
});

const inputs = (): UpdateInputs => ({
  batch: tinyBatch(),
  features: tinyFeatures(),
  featureDim: TINY.featureDim,
  imageRows: TINY_IMAGE_OF,
});

function withModel<T>(encoder: EncoderKind, use: (model: JointModel) => Promise<T>): Promise<T> {
  const config = tinyConfig(encoder);
  const model = new JointModel(config, tinyWeights(config));
  return use(model).finally(() => model.dispose());
}

/**
 * The loss of the batch written with stock ops (test/support/tiny-model.ts), and its gradients
 * by parameter name, at the model's current weights.
 */
function reference(
  model: JointModel,
  maxViolation: boolean,
): { loss: number; grads: Record<string, Float32Array> } {
  const { value, grads } = tf.variableGrads(() => {
    const p = Object.fromEntries(model.variables);
    return referenceLoss(
      referenceImages(p, tf.tensor2d(tinyFeatures(), [TINY_IMAGE_OF.length, TINY.featureDim])),
      referenceSentences(model.config, p, TINY_CAPTIONS),
      TINY_IMAGE_OF,
      0.2,
      maxViolation,
    );
  }, [...model.variables.values()]);
  const out: Record<string, Float32Array> = {};
  for (const [name, v] of model.variables) out[name] = grads[v.name]!.dataSync() as Float32Array;
  const loss = value.dataSync()[0] as number;
  tf.dispose([value, ...Object.values(grads)]);
  return { loss, grads: out };
}

function globalNorm(grads: Record<string, Float32Array>): number {
  return Math.sqrt(Object.values(grads).reduce((s, g) => s + g.reduce((t, x) => t + x * x, 0), 0));
}

/** Largest |actual - expected| over every parameter. */
function worstDifference(
  actual: Record<string, Float32Array>,
  expected: Record<string, number[]>,
): number {
  let worst = 0;
  for (const [name, values] of Object.entries(expected)) {
    const got = actual[name]!;
    expect(got).toHaveLength(values.length);
    values.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(got[i]! - v));
    });
  }
  return worst;
}

describe('trainingUpdate', () => {
  const lr = 0.1;

  it.each(['lstm', 'bow'] as const)(
    'takes one optimizer step along the clipped gradient of the batch loss (%s)',
    async (encoder) => {
      await withModel(encoder, async (model) => {
        const before = await model.weights();
        const ref = reference(model, false);
        const norm = globalNorm(ref.grads);
        // A clip below the gradient's norm, so that clipping is part of the step.
        const gradClip = norm / 4;
        const result = await trainingUpdate(model, tf.train.sgd(lr), inputs(), {
          margin: 0.2,
          maxViolation: false,
          gradClip,
        });
        expect(result.lossSum).toBeGreaterThan(0);
        expect(Math.abs(result.lossSum - ref.loss)).toBeLessThan(1e-5 * ref.loss);
        // Per contrastive term: 20 in this batch.
        expect(result.loss).toBeCloseTo(result.lossSum / 20, 10);
        // Plain SGD, so the step is exactly -lr times the gradient scaled to norm gradClip.
        const expected = Object.fromEntries(
          Object.entries(before).map(([name, w]) => [
            name,
            Array.from(w, (x, i) => x - (lr * ref.grads[name]![i]! * gradClip) / norm),
          ]),
        );
        expect(worstDifference(await model.weights(), expected)).toBeLessThan(1e-6);
      });
    },
  );

  it('steps along the whole gradient when it is within the clip', async () => {
    await withModel('gru', async (model) => {
      const before = await model.weights();
      const ref = reference(model, false);
      await trainingUpdate(model, tf.train.sgd(lr), inputs(), {
        margin: 0.2,
        maxViolation: false,
        gradClip: 10 * globalNorm(ref.grads),
      });
      const expected = Object.fromEntries(
        Object.entries(before).map(([name, w]) => [
          name,
          Array.from(w, (x, i) => x - lr * ref.grads[name]![i]!),
        ]),
      );
      expect(worstDifference(await model.weights(), expected)).toBeLessThan(1e-6);
    });
  });

  it('reports the hardest-negative loss per its own terms', async () => {
    await withModel('mean', async (model) => {
      const ref = reference(model, true);
      const result = await trainingUpdate(model, tf.train.sgd(lr), inputs(), {
        margin: 0.2,
        maxViolation: true,
        gradClip: 2,
      });
      expect(Math.abs(result.lossSum - ref.loss)).toBeLessThan(1e-5 * ref.loss);
      expect(result.loss).toBeCloseTo(result.lossSum / 8, 10);
    });
  });

  it('lowers the loss over a few Adam updates on the same batch', async () => {
    await withModel('lstm', async (model) => {
      const adam = tf.train.adam(0.02);
      const config = { margin: 0.2, maxViolation: false, gradClip: 2 };
      const losses: number[] = [];
      for (let i = 0; i < 10; i++)
        losses.push((await trainingUpdate(model, adam, inputs(), config)).loss);
      expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
      adam.dispose();
    });
  });

  it('leaves no tensors behind', async () => {
    await withModel('lstm', async (model) => {
      const sgd = tf.train.sgd(lr);
      const config = { margin: 0.2, maxViolation: false, gradClip: 2 };
      const before = tf.memory().numTensors;
      await trainingUpdate(model, sgd, inputs(), config);
      await trainingUpdate(model, sgd, inputs(), config);
      expect(tf.memory().numTensors).toBe(before);
      sgd.dispose();
    });
  });
});
