import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../../trainer/random.ts';
import { selectBackend } from '../../../trainer/tf/backend.ts';
import { l2NormalizeRows, matMul } from '../../../trainer/tf/ops.ts';

beforeAll(async () => {
  await selectBackend('wasm');
  await selectBackend('cpu');
});

function randomMatrix(rng: Random, rows: number, cols: number, std = 1): tf.Tensor2D {
  return tf.tensor2d(rng.gaussians(rows * cols, std), [rows, cols]);
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    worst = Math.max(worst, Math.abs(a - e) / Math.max(1, Math.abs(e)));
  }
  expect(worst).toBeLessThanOrEqual(tol);
}

describe.each(['cpu', 'wasm'])('matMul on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('computes the same product as tf.matMul', () => {
    const rng = new Random(1);
    tf.tidy(() => {
      const a = randomMatrix(rng, 5, 7);
      const b = randomMatrix(rng, 7, 3);
      const ours = matMul(a, b);
      expect(ours.shape).toEqual([5, 3]);
      expectClose(ours.dataSync(), tf.matMul(a, b).dataSync(), 1e-6);
    });
  });

  it('has the gradients of tf.matMul, for both inputs', () => {
    const rng = new Random(2);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const a = randomMatrix(rng, 4, 6);
      const b = randomMatrix(rng, 6, 5);
      // A non-uniform upstream gradient: d/dy of sum(y * w).
      const w = randomMatrix(rng, 4, 5);
      const f = (mm: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Tensor2D) =>
        tf.grads((x: tf.Tensor, y: tf.Tensor) =>
          tf.sum(tf.mul(mm(x as tf.Tensor2D, y as tf.Tensor2D), w)),
        );
      const [oursA, oursB] = f(matMul)([a, b]) as [tf.Tensor, tf.Tensor];
      const [stockA, stockB] = f((x, y) => tf.matMul(x, y))([a, b]) as [tf.Tensor, tf.Tensor];
      expect(oursA.shape).toEqual([4, 6]);
      expect(oursB.shape).toEqual([6, 5]);
      expectClose(oursA.dataSync(), stockA.dataSync(), 1e-5);
      expectClose(oursB.dataSync(), stockB.dataSync(), 1e-5);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('agrees with central finite differences', () => {
    const rng = new Random(3);
    const a = rng.gaussians(3 * 4, 0.5);
    const b = rng.gaussians(4 * 2, 0.5);
    const w = rng.gaussians(3 * 2, 1);
    // A non-linear function of the product, so that second-order terms exist.
    const loss = (av: Float32Array, bv: Float32Array): number =>
      tf.tidy(() => {
        const y = matMul(tf.tensor2d(av, [3, 4]), tf.tensor2d(bv, [4, 2]));
        return tf.sum(tf.mul(tf.tanh(y), tf.tensor2d(w, [3, 2]))).dataSync()[0] as number;
      });
    const [ga, gb] = tf.tidy(() =>
      tf
        .grads((x: tf.Tensor, y: tf.Tensor) =>
          tf.sum(
            tf.mul(tf.tanh(matMul(x as tf.Tensor2D, y as tf.Tensor2D)), tf.tensor2d(w, [3, 2])),
          ),
        )([tf.tensor2d(a, [3, 4]), tf.tensor2d(b, [4, 2])])
        .map((g) => g.dataSync()),
    ) as [Float32Array, Float32Array];
    const eps = 1e-2;
    const check = (values: Float32Array, grad: Float32Array, which: 'a' | 'b') => {
      for (let i = 0; i < values.length; i++) {
        const plus = Float32Array.from(values);
        const minus = Float32Array.from(values);
        plus[i]! += eps;
        minus[i]! -= eps;
        const fd =
          which === 'a'
            ? (loss(plus, b) - loss(minus, b)) / (2 * eps)
            : (loss(a, plus) - loss(a, minus)) / (2 * eps);
        const g = grad[i] as number;
        expect(Math.abs(fd - g)).toBeLessThanOrEqual(
          1e-2 * Math.max(Math.abs(fd), Math.abs(g)) + 1e-3,
        );
      }
    };
    check(a, ga, 'a');
    check(b, gb, 'b');
  });
});

describe.each(['cpu', 'wasm'])('l2NormalizeRows on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('scales every row to unit length and keeps its direction', () => {
    const x = [3, 4, 0, -1, 1, 1, 0, 0, 0.5];
    const out = tf.tidy(() => l2NormalizeRows(tf.tensor2d(x, [3, 3])).dataSync());
    const r = 1 / Math.sqrt(3);
    expectClose(out, [0.6, 0.8, 0, -r, r, r, 0, 0, 1], 1e-6);
  });

  it('keeps an all-zero row finite (zero), gradient included', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([0, 0, 0, 1, 2, 2], [2, 3]);
      const out = l2NormalizeRows(x).dataSync();
      expect(Array.from(out.subarray(0, 3))).toEqual([0, 0, 0]);
      expectClose(out.subarray(3), [1 / 3, 2 / 3, 2 / 3], 1e-6);
      const g = tf
        .grad((t: tf.Tensor) => tf.sum(l2NormalizeRows(t as tf.Tensor2D)))(x)
        .dataSync();
      expect(Array.from(g).every(Number.isFinite)).toBe(true);
    });
  });
});
