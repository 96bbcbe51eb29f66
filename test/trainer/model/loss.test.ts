import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { contrastiveLoss } from '../../../trainer/model/loss.ts';
import { selectBackend } from '../../../trainer/tf/backend.ts';

beforeAll(async () => {
  await selectBackend('cpu');
});

/**
 * Three pairs of 2-D unit vectors:
 *   images     x0 = (1, 0)      x1 = (0, 1)      x2 = (0.6, -0.8)
 *   sentences  v0 = (0.6, 0.8)  v1 = (0.8, 0.6)  v2 = (0.6, -0.8)
 * Scores s[i][k] = x_i . v_k:
 *   row 0:  0.6    0.8    0.6
 *   row 1:  0.8    0.6   -0.8
 *   row 2: -0.28   0      1
 * so s00 = s11 = 0.6 and s22 = 1. With margin a = 0.2, no hinge sits at its kink.
 *
 * Image i against wrong caption k, max(0, a - s_ii + s_ik):
 *   i=0: k=1: 0.2 - 0.6 + 0.8 = 0.4;  k=2: 0.2 - 0.6 + 0.6 = 0.2
 *   i=1: k=0: 0.2 - 0.6 + 0.8 = 0.4;  k=2: 0.2 - 0.6 - 0.8 < 0 -> 0
 *   i=2: k=0: 0.2 - 1 - 0.28 < 0;     k=1: 0.2 - 1 + 0 < 0     -> 0
 *   sum 1.0, hardest per image 0.4 + 0.4 + 0 = 0.8
 * Caption i against wrong image k, max(0, a - s_ii + s_ki):
 *   i=0: k=1: 0.2 - 0.6 + 0.8 = 0.4;  k=2: 0.2 - 0.6 - 0.28 < 0 -> 0
 *   i=1: k=0: 0.2 - 0.6 + 0.8 = 0.4;  k=2: 0.2 - 0.6 + 0 < 0    -> 0
 *   i=2: k=0: 0.2 - 1 + 0.6 < 0;      k=1: 0.2 - 1 - 0.8 < 0    -> 0
 *   sum 0.8, hardest per caption 0.4 + 0.4 + 0 = 0.8
 */
const IMAGES = [1, 0, 0, 1, 0.6, -0.8];
const SENTENCES = [0.6, 0.8, 0.8, 0.6, 0.6, -0.8];

function loss(
  imageOf: number[],
  margin: number,
  maxViolation: boolean,
  images = IMAGES,
  sentences = SENTENCES,
  dim = 2,
): number {
  return tf.tidy(() => {
    const n = imageOf.length;
    return contrastiveLoss(
      tf.tensor2d(images, [n, dim]),
      tf.tensor2d(sentences, [n, dim]),
      Int32Array.from(imageOf),
      margin,
      maxViolation,
    ).dataSync()[0] as number;
  });
}

describe('contrastiveLoss', () => {
  it('sums every violated hinge in both directions (hand-computed: 1.0 + 0.8)', () => {
    expect(loss([0, 1, 2], 0.2, false)).toBeCloseTo(1.8, 5);
  });

  it('keeps only the hardest contrastive term per item with maxViolation (0.8 + 0.8)', () => {
    expect(loss([0, 1, 2], 0.2, true)).toBeCloseTo(1.6, 5);
  });

  it('does not count two captions of one image as contrastive for each other', () => {
    // Pairs 0 and 1 show the same image: the four 0.4 terms between them drop out, leaving
    // image 0 against caption 2 (0.2); the hardest-term loss keeps that same 0.2.
    expect(loss([0, 0, 1], 0.2, false)).toBeCloseTo(0.2, 5);
    expect(loss([0, 0, 1], 0.2, true)).toBeCloseTo(0.2, 5);
    // One picture for the whole batch: nothing is contrastive.
    expect(loss([4, 4, 4], 0.2, false)).toBe(0);
    expect(loss([4, 4, 4], 0.2, true)).toBe(0);
  });

  it('grows with the margin exactly as the hinges say', () => {
    // a = 0.3: each of the five active terms gains 0.1; the inactive ones stay inactive (the
    // closest, caption 2 against image 0, is 0.3 - 1 + 0.6 = -0.1). So 1.8 + 5 * 0.1.
    expect(loss([0, 1, 2], 0.3, false)).toBeCloseTo(2.3, 5);
  });

  it('is zero with margin 0 for perfectly separated pairs, and not with a larger margin', () => {
    // x_i = v_i = e_i: s_ii = 1, s_ik = 0.
    const eye = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    expect(loss([0, 1, 2], 0, false, eye, eye, 3)).toBe(0);
    expect(loss([0, 1, 2], 0, true, eye, eye, 3)).toBe(0);
    // Margin 1.5: each of the 12 terms is 1.5 - 1 + 0 = 0.5; the hardest per item: 6 x 0.5.
    expect(loss([0, 1, 2], 1.5, false, eye, eye, 3)).toBeCloseTo(6, 5);
    expect(loss([0, 1, 2], 1.5, true, eye, eye, 3)).toBeCloseTo(3, 5);
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    loss([0, 1, 2], 0.2, false);
    loss([0, 1, 2], 0.2, true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
