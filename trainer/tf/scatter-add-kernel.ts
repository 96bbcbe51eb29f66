import {
  getKernel,
  type KernelConfig,
  type KernelFunc,
  registerKernel,
  type TensorInfo,
  UnsortedSegmentSum,
  unregisterKernel,
} from '@tensorflow/tfjs-core';

/**
 * UnsortedSegmentSum as one scatter-add pass. It is the gradient of tf.gather, i.e. of every
 * embedding lookup. The wasm backend has no such kernel at all, and the cpu backend's does one
 * full pass over the input per segment (per vocabulary word: minutes per training step with a
 * Flickr vocabulary). Here: out[ids[j]] += x[j], O(input size). Native TensorFlow backends keep
 * their own.
 */

/** The minimal backend surface the kernel needs; cpu and wasm both provide these. */
interface ReadableBackend {
  readSync(dataId: object): ArrayLike<number>;
}
interface CpuLikeBackend extends ReadableBackend {
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}
interface WasmLikeBackend extends ReadableBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

/** The computation, separate from tfjs for direct testing. ids outside [0, n) are dropped, as TF does. */
export function scatterAdd(
  x: ArrayLike<number>,
  ids: ArrayLike<number>,
  numSegments: number,
  out: Float32Array,
): void {
  const inner = ids.length === 0 ? 0 : x.length / ids.length;
  for (let j = 0; j < ids.length; j++) {
    const seg = ids[j] as number;
    if (seg < 0 || seg >= numSegments) continue;
    const src = j * inner;
    const dst = seg * inner;
    for (let k = 0; k < inner; k++)
      out[dst + k] = (out[dst + k] as number) + (x[src + k] as number);
  }
}

function outputShape(x: TensorInfo, segmentIds: TensorInfo, numSegments: number): number[] {
  return [numSegments, ...x.shape.slice(segmentIds.shape.length)];
}

const cpuKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const b = backend as unknown as CpuLikeBackend;
  const shape = outputShape(x, segmentIds, numSegments);
  const out = new Float32Array(shape.reduce((p, d) => p * d, 1));
  scatterAdd(b.readSync(x.dataId), b.readSync(segmentIds.dataId), numSegments, out);
  return b.makeTensorInfo(shape, 'float32', out);
};

const wasmKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const b = backend as unknown as WasmLikeBackend;
  const output = b.makeOutput(outputShape(x, segmentIds, numSegments), 'float32');
  // The output lives in the wasm heap; it is not guaranteed to be zeroed.
  const out = b.typedArrayFromHeap(output);
  out.fill(0);
  scatterAdd(b.typedArrayFromHeap(x), b.readSync(segmentIds.dataId), numSegments, out);
  return output;
};

/**
 * Registers the kernel for the cpu and wasm backends (replacing cpu's own). Idempotent.
 * Call before training on either backend.
 */
export function registerScatterAddKernels(): void {
  for (const [backendName, kernelFunc] of [
    ['cpu', cpuKernel],
    ['wasm', wasmKernel],
  ] as const) {
    const existing = getKernel(UnsortedSegmentSum, backendName);
    if (existing?.kernelFunc === kernelFunc) continue;
    if (existing) unregisterKernel(UnsortedSegmentSum, backendName);
    const config: KernelConfig = { kernelName: UnsortedSegmentSum, backendName, kernelFunc };
    registerKernel(config);
  }
}
