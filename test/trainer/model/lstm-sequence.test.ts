import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENCODERS, type EncoderKind } from '../../../trainer/model/config.ts';
import { contrastiveLoss } from '../../../trainer/model/loss.ts';
import { JointModel } from '../../../trainer/model/model.ts';
import { Random } from '../../../trainer/random.ts';
import { selectBackend } from '../../../trainer/tf/backend.ts';
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

/**
 * The gradients the trainer follows, checked three ways on a tiny model: against central finite
 * differences, against TensorFlow.js's own gradients of the same forward pass written with stock
 * ops, and cpu against wasm.
 */

beforeAll(async () => {
  await selectBackend('wasm');
  await selectBackend('cpu');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

type Grads = Record<string, Float32Array>;

const features = tinyFeatures();
const batch = tinyBatch();

function lossOf(model: JointModel, margin: number, maxViolation: boolean): tf.Scalar {
  return contrastiveLoss(
    model.encodeImages(tf.tensor2d(features, [TINY_IMAGE_OF.length, TINY.featureDim])),
    model.encodeSentences(batch),
    TINY_IMAGE_OF,
    margin,
    maxViolation,
  );
}

function referenceLossOf(model: JointModel, margin: number, maxViolation: boolean): tf.Scalar {
  const p = Object.fromEntries(model.variables);
  return referenceLoss(
    referenceImages(p, tf.tensor2d(features, [TINY_IMAGE_OF.length, TINY.featureDim])),
    referenceSentences(model.config, p, TINY_CAPTIONS),
    TINY_IMAGE_OF,
    margin,
    maxViolation,
  );
}

/** Loss and gradients by parameter name (not tfjs's prefixed variable name). */
function gradients(model: JointModel, f: () => tf.Scalar): { loss: number; grads: Grads } {
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(f, [...model.variables.values()]);
  const out: Grads = {};
  for (const [name, v] of model.variables) {
    const g = grads[v.name];
    if (!g) throw new Error(`no gradient for ${name}`);
    out[name] = g.dataSync() as Float32Array;
  }
  const loss = value.dataSync()[0] as number;
  tf.dispose([value, ...Object.values(grads)]);
  expect(tf.memory().numTensors).toBe(before);
  return { loss, grads: out };
}

/** Largest |a - b| / max(1, |b|) over all parameters. */
function worstDifference(a: Grads, b: Grads): { worst: number; where: string } {
  let worst = 0;
  let where = '';
  for (const [name, values] of Object.entries(b)) {
    const other = a[name];
    if (!other) throw new Error(`missing ${name}`);
    expect(other.length).toBe(values.length);
    values.forEach((v, i) => {
      const d = Math.abs((other[i] as number) - v) / Math.max(1, Math.abs(v));
      if (d > worst) [worst, where] = [d, `${name}[${i}]`];
    });
  }
  return { worst, where };
}

function withModel<T>(encoder: EncoderKind, use: (model: JointModel) => T): T {
  const config = tinyConfig(encoder);
  const model = new JointModel(config, tinyWeights(config));
  try {
    return use(model);
  } finally {
    model.dispose();
  }
}

describe.each(ENCODERS)('gradients of the loss through the %s encoder', (encoder) => {
  it('agree with central finite differences on a sample of coordinates', async () => {
    await tf.setBackend('cpu');
    // Cosines lie in [-1, 1], so with margin 2.5 every hinge term is at least 0.5: the loss is
    // smooth where it is probed and finite differences are exact up to float32 rounding.
    const margin = 2.5;
    withModel(encoder, (model) => {
      const { grads } = gradients(model, () => lossOf(model, margin, false));
      const lossAt = () => tf.tidy(() => lossOf(model, margin, false).dataSync()[0] as number);
      const rng = new Random(11);
      const eps = 1e-2;
      let probed = 0;
      let substantial = 0;
      const failures: string[] = [];
      for (const [name, v] of model.variables) {
        const g = grads[name] as Float32Array;
        const base = v.dataSync() as Float32Array;
        // The three steepest coordinates and five at random.
        const steepest = Array.from(g.keys())
          .sort((a, b) => Math.abs(g[b] as number) - Math.abs(g[a] as number))
          .slice(0, 3);
        const coords = [...steepest, ...Array.from({ length: 5 }, () => rng.int(0, g.length - 1))];
        for (const i of coords) {
          const probe = (delta: number) => {
            const values = Float32Array.from(base);
            values[i]! += delta;
            v.assign(tf.tensor(values, v.shape));
            return lossAt();
          };
          const fd = (probe(eps) - probe(-eps)) / (2 * eps);
          v.assign(tf.tensor(base, v.shape));
          const gi = g[i] as number;
          probed++;
          if (Math.abs(gi) > 0.05) substantial++;
          const scale = Math.max(Math.abs(fd), Math.abs(gi));
          if (Math.abs(fd - gi) > 1e-2 * scale + 2e-3) {
            failures.push(`${name}[${i}]: analytic ${gi}, finite difference ${fd}`);
          }
        }
      }
      expect(failures).toEqual([]);
      expect(probed).toBe(8 * model.variables.size);
      // Not a vacuous pass: most probes see a real slope.
      expect(substantial).toBeGreaterThan(probed / 3);
    });
  });

  it.each([
    ['the summed loss', false],
    ['the max-violation loss', true],
  ] as const)(
    'equal TensorFlow.js’s own gradients of a stock-op forward, for %s',
    async (_, maxViolation) => {
      for (const backend of ['cpu', 'wasm']) {
        await tf.setBackend(backend);
        withModel(encoder, (model) => {
          const ours = gradients(model, () => lossOf(model, 0.2, maxViolation));
          const stock = gradients(model, () => referenceLossOf(model, 0.2, maxViolation));
          expect(ours.loss).toBeGreaterThan(0);
          expect(Math.abs(ours.loss - stock.loss)).toBeLessThan(1e-4 * Math.max(1, stock.loss));
          const { worst, where } = worstDifference(ours.grads, stock.grads);
          expect(worst, `${backend}: worst at ${where}`).toBeLessThan(1e-4);
          // Every parameter learns something from this batch.
          for (const [name, g] of Object.entries(ours.grads)) {
            expect(
              g.some((x) => x !== 0),
              `${name} has a zero gradient`,
            ).toBe(true);
          }
        });
      }
    },
  );

  it('are the same on cpu and wasm', async () => {
    const on = async (backend: string) => {
      await tf.setBackend(backend);
      return withModel(encoder, (model) => gradients(model, () => lossOf(model, 0.2, false)));
    };
    const cpu = await on('cpu');
    const wasm = await on('wasm');
    expect(Math.abs(cpu.loss - wasm.loss)).toBeLessThan(1e-5 * Math.max(1, cpu.loss));
    const { worst, where } = worstDifference(wasm.grads, cpu.grads);
    expect(worst, `worst at ${where}`).toBeLessThan(1e-4);
  });
});

describe('the embedding gradient', () => {
  it('is zero for words not in the batch, padding and <unk> included', async () => {
    await tf.setBackend('wasm');
    withModel('bow', (model) => {
      const { grads } = gradients(model, () => lossOf(model, 0.2, false));
      const g = grads.embedding as Float32Array;
      const used = new Set(TINY_CAPTIONS.flat().filter((id) => id > 1));
      for (let id = 0; id < TINY.vocabSize; id++) {
        const row = Array.from(g.subarray(id * TINY.jointDim, (id + 1) * TINY.jointDim));
        if (used.has(id))
          expect(
            row.some((x) => x !== 0),
            `word ${id}`,
          ).toBe(true);
        else expect(row, `word ${id}`).toEqual(new Array(TINY.jointDim).fill(0));
      }
    });
  });
});
