import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';

/**
 * The two ONNX Runtimes an exported graph must run in: onnxruntime-node (native) and
 * onnxruntime-web (wasm, the worker's runtime), and a one-call way to run a model in either.
 */

export type OnnxRuntime = typeof ortNode | typeof ortWeb;

export const ONNX_RUNTIMES: [string, OnnxRuntime][] = [
  ['onnxruntime-node', ortNode],
  ['onnxruntime-web', ortWeb],
];

// One thread: no worker pool to keep alive, and the 2 cores stay with the other test files.
ortWeb.env.wasm.numThreads = 1;

/** An input: float32 or int64 values and their dims. */
export interface OnnxInput {
  data: Float32Array | BigInt64Array;
  dims: readonly number[];
}

/** Runs `model` once on `inputs` and returns the float32 values and dims of `output`. */
export async function runOnnx(
  ort: OnnxRuntime,
  model: Uint8Array,
  inputs: Record<string, OnnxInput>,
  output: string,
): Promise<{ data: Float32Array; dims: number[] }> {
  const feeds: Record<string, ortNode.Tensor> = {};
  for (const [name, { data, dims }] of Object.entries(inputs)) {
    const type = data instanceof Float32Array ? 'float32' : 'int64';
    feeds[name] = new ort.Tensor(type, data, [...dims]) as ortNode.Tensor;
  }
  const session = await ort.InferenceSession.create(model);
  try {
    const out = (await session.run(feeds as never))[output] as ortNode.Tensor | undefined;
    if (!out) throw new Error(`the model has no output ${output}`);
    return { data: out.data as Float32Array, dims: [...out.dims] };
  } finally {
    await session.release();
  }
}

/** The largest absolute difference between two equally long arrays (Infinity if they are not). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}
