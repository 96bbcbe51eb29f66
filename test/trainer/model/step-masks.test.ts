import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { blend, stepMasks } from '../../../trainer/model/step-masks.ts';
import { selectBackend } from '../../../trainer/tf/backend.ts';

beforeAll(async () => {
  await selectBackend('cpu');
});

/** Each step's mask as a plain list (undefined: no mask); disposes the masks. */
function read(masks: (tf.Tensor2D | undefined)[]): (number[] | undefined)[] {
  const out = masks.map((m) => (m ? Array.from(m.dataSync()) : undefined));
  tf.dispose(masks.filter((m): m is tf.Tensor2D => m !== undefined));
  return out;
}

describe('stepMasks', () => {
  it('marks, at each step, the captions that still have a token there', () => {
    const masks = stepMasks(Int32Array.from([5, 3, 4]), 5);
    expect(masks).toHaveLength(5);
    // One column per batch: it multiplies a [batch, state] matrix row by row.
    expect(masks[3]?.shape).toEqual([3, 1]);
    // Steps 0-2: every caption runs, so no mask.
    expect(read(masks)).toEqual([undefined, undefined, undefined, [1, 0, 1], [1, 0, 0]]);
  });

  it('needs no mask at all for captions of one length', () => {
    expect(stepMasks(Int32Array.from([4, 4, 4]), 4)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('masks every caption out at steps past the longest', () => {
    expect(read(stepMasks(Int32Array.from([2, 1]), 3))).toEqual([undefined, [1, 0], [0, 0]]);
  });

  it('gives no masks for no steps', () => {
    expect(stepMasks(Int32Array.from([2, 3]), 0)).toEqual([]);
  });

  it('creates no tensors beyond the masks it returns', () => {
    const before = tf.memory().numTensors;
    const masks = stepMasks(Int32Array.from([1, 2, 3]), 3);
    expect(tf.memory().numTensors - before).toBe(2);
    read(masks);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('blend', () => {
  const next = () => tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
  const old = () => tf.tensor2d([10, 20, 30, 40, 50, 60], [3, 2]);

  it('is the new state itself where there is no mask', () => {
    const [n, o] = [next(), old()];
    expect(blend(undefined, n, o)).toBe(n);
    tf.dispose([n, o]);
  });

  it('takes the new row where the caption runs and keeps the old where it has ended', () => {
    const out = tf.tidy(() => blend(tf.tensor2d([1, 0, 1], [3, 1]), next(), old()).arraySync());
    expect(out).toEqual([
      [1, 2],
      [30, 40],
      [5, 6],
    ]);
  });

  it('passes the gradient to the new state where the caption runs, to the old where it ended', () => {
    const mask = tf.tensor2d([1, 0, 1], [3, 1]);
    const weights = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const inputs = [next(), old()];
    const [dNext, dOld] = tf.grads((n: tf.Tensor, o: tf.Tensor) =>
      tf.sum(tf.mul(blend(mask, n as tf.Tensor2D, o as tf.Tensor2D), weights)),
    )(inputs);
    expect(dNext?.arraySync()).toEqual([
      [1, 2],
      [0, 0],
      [5, 6],
    ]);
    expect(dOld?.arraySync()).toEqual([
      [0, 0],
      [3, 4],
      [0, 0],
    ]);
    tf.dispose([mask, weights, ...inputs, dNext!, dOld!]);
  });
});

describe('stepMasks and blend over a padded batch', () => {
  it('leave each caption with the state after its own last token', () => {
    // A state that counts steps: after step t it is t + 1 everywhere.
    const lengths = Int32Array.from([2, 5, 1, 3]);
    const steps = 5;
    const final = tf.tidy(() => {
      const masks = stepMasks(lengths, steps);
      let state = tf.zeros([4, 2]) as tf.Tensor2D;
      for (let t = 0; t < steps; t++)
        state = blend(masks[t], tf.fill([4, 2], t + 1) as tf.Tensor2D, state);
      return state.arraySync();
    });
    expect(final).toEqual([
      [2, 2],
      [5, 5],
      [1, 1],
      [3, 3],
    ]);
  });
});
