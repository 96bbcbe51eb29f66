import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../trainer/tf/backend.ts';
import { registerScatterAddKernels, scatterAdd } from '../../../trainer/tf/scatter-add-kernel.ts';

beforeAll(async () => {
  // Starts both backends once (and registers the kernels); tests switch with tf.setBackend.
  await selectBackend('wasm');
  await selectBackend('cpu');
});

describe('scatterAdd', () => {
  it('adds each value into its id, accumulating repeated ids', () => {
    const out = new Float32Array(4);
    scatterAdd([1, 2, 3, 4, 5], [2, 0, 2, 3, 2], 4, out);
    expect(Array.from(out)).toEqual([2, 0, 1 + 3 + 5, 4]);
  });

  it('adds onto what the output already holds', () => {
    const out = Float32Array.from([10, 20]);
    scatterAdd([1, 2], [1, 1], 2, out);
    expect(Array.from(out)).toEqual([10, 23]);
  });

  it('drops ids outside [0, numSegments), as TensorFlow does', () => {
    const out = new Float32Array(3);
    scatterAdd([1, 2, 4, 8, 16], [-1, 0, 3, 2, 99], 3, out);
    expect(Array.from(out)).toEqual([2, 0, 8]);
  });

  it('moves whole rows of a 2-D input', () => {
    // Three rows of width 2 into three segments.
    const x = [1, 2, 10, 20, 100, 200];
    const out = new Float32Array(6);
    scatterAdd(x, [1, 1, 0], 3, out);
    expect(Array.from(out)).toEqual([100, 200, 11, 22, 0, 0]);
  });

  it('does nothing for no ids', () => {
    const out = Float32Array.from([7]);
    scatterAdd([], [], 1, out);
    expect(Array.from(out)).toEqual([7]);
  });
});

/** The reference: d/dT sum(gather(T, ids) * W) = onehot(ids)^T W, written out in JS. */
function oneHotGradient(ids: number[], w: Float32Array, vocab: number, dim: number): number[] {
  const grad = new Array<number>(vocab * dim).fill(0);
  ids.forEach((id, j) => {
    for (let k = 0; k < dim; k++) grad[id * dim + k]! += w[j * dim + k]!;
  });
  return grad;
}

function gatherGradient(
  table: tf.Tensor2D,
  ids: tf.Tensor,
  weights: tf.Tensor,
): { grad: Float32Array; leaked: number } {
  const before = tf.memory().numTensors;
  const grad = tf.tidy(() => {
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), weights)));
    return g(table);
  });
  const values = grad.dataSync() as Float32Array;
  grad.dispose();
  return { grad: values, leaked: tf.memory().numTensors - before };
}

describe.each(['cpu', 'wasm'])('the gradient of tf.gather on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('runs the project kernel: one pass over the input, not one per segment', () => {
    expect(tf.getBackend()).toBe(backend);
    // tfjs-backend-cpu's own kernel does a pass per segment: about 4 s for 100,000 segments
    // (a Flickr-sized vocabulary); wasm has none. The scatter-add takes a millisecond.
    const started = performance.now();
    const out = tf.tidy(() =>
      tf.unsortedSegmentSum(
        tf.ones([8, 4]),
        tf.tensor1d([0, 9, 9, 99_999, 5, 6, 7, 8], 'int32'),
        100_000,
      ),
    );
    const values = out.dataSync();
    out.dispose();
    expect(performance.now() - started).toBeLessThan(500);
    expect(values[9 * 4]).toBe(2);
    expect(values[99_999 * 4 + 3]).toBe(1);
  });

  it('equals the one-hot product gradient, repeated ids included', () => {
    const vocab = 7;
    const dim = 3;
    const ids = [3, 1, 3, 0, 3, 6, 1, 2];
    const w = Float32Array.from({ length: ids.length * dim }, (_, i) => ((i * 37) % 11) - 5);
    const table = tf.tensor2d(
      Float32Array.from({ length: vocab * dim }, (_, i) => i / 10),
      [vocab, dim],
    );
    const idTensor = tf.tensor1d(ids, 'int32');
    const wTensor = tf.tensor2d(w, [ids.length, dim]);
    const { grad, leaked } = gatherGradient(table, idTensor, wTensor);
    expect(Array.from(grad)).toEqual(oneHotGradient(ids, w, vocab, dim));
    // Word 4 and 5 are never looked up: zero rows, even though wasm's output is not zeroed.
    expect(Array.from(grad.subarray(4 * dim, 6 * dim))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(leaked).toBe(0);
    tf.dispose([table, idTensor, wTensor]);
  });

  it('handles ids given as a matrix (time-major token batches)', () => {
    const vocab = 5;
    const dim = 2;
    const ids = [4, 4, 0, 1, 4, 2];
    const w = Float32Array.from({ length: ids.length * dim }, (_, i) => i + 1);
    const table = tf.zeros([vocab, dim]) as tf.Tensor2D;
    const idTensor = tf.tensor2d(ids, [2, 3], 'int32');
    const wTensor = tf.tensor3d(w, [2, 3, dim]);
    const { grad } = gatherGradient(table, idTensor, wTensor);
    expect(Array.from(grad)).toEqual(oneHotGradient(ids, w, vocab, dim));
    tf.dispose([table, idTensor, wTensor]);
  });

  it('gives garbage-free output on repeated calls (the wasm heap is reused)', () => {
    // Fill the heap with non-zero values, free them, then scatter into a fresh output.
    for (let round = 0; round < 3; round++) {
      tf.tidy(() => tf.fill([64, 8], 123).dataSync());
      const out = tf.tidy(() =>
        tf.unsortedSegmentSum(tf.ones([2, 8]), tf.tensor1d([63, 63], 'int32'), 64),
      );
      const values = out.dataSync();
      out.dispose();
      expect(values.slice(0, 63 * 8).every((v) => v === 0)).toBe(true);
      expect(Array.from(values.slice(63 * 8))).toEqual(new Array(8).fill(2));
    }
  });

  it('drops out-of-range segment ids', () => {
    const out = tf.tidy(() =>
      tf.unsortedSegmentSum(
        tf.tensor2d([1, 1, 2, 2, 4, 4, 8, 8], [4, 2]),
        tf.tensor1d([-1, 1, 3, 1], 'int32'),
        3,
      ),
    );
    expect(Array.from(out.dataSync())).toEqual([0, 0, 10, 10, 0, 0]);
    out.dispose();
  });
});

describe('registerScatterAddKernels', () => {
  it('replaces the cpu backend’s own kernel and is idempotent', () => {
    const cpu = tf.getKernel('UnsortedSegmentSum', 'cpu')?.kernelFunc;
    const wasm = tf.getKernel('UnsortedSegmentSum', 'wasm')?.kernelFunc;
    expect(cpu).toBeDefined();
    expect(wasm).toBeDefined();
    registerScatterAddKernels();
    registerScatterAddKernels();
    expect(tf.getKernel('UnsortedSegmentSum', 'cpu')?.kernelFunc).toBe(cpu);
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')?.kernelFunc).toBe(wasm);
    // The same kernel computes the cpu and wasm results above; after a foreign kernel is
    // registered in its place, registering again restores the project's one.
    const foreign: tf.KernelFunc = () => {
      throw new Error('foreign kernel');
    };
    tf.unregisterKernel('UnsortedSegmentSum', 'cpu');
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName: 'cpu',
      kernelFunc: foreign,
    });
    registerScatterAddKernels();
    expect(tf.getKernel('UnsortedSegmentSum', 'cpu')?.kernelFunc).toBe(cpu);
  });
});
