import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-web';
import { IMAGE_PROJECTION_IO, SENTENCE_ENCODER_IO } from '../../core/model-files.ts';

/**
 * Runs the exported ONNX files in onnxruntime-web, the worker's runtime, on a sample of the
 * exported captions and images, one at a time as the worker will, and compares the results with
 * the vectors the export wrote. An export whose files would answer differently from its vectors
 * fails here instead of in production.
 */

/** The largest difference allowed between a written vector and the runtime's (float32 noise is ~1e-7). */
export const PARITY_TOLERANCE = 1e-4;

export interface ParitySample {
  /** Token ids of each sampled caption, as the encoder takes them. */
  captions: Int32Array[];
  /** Their written vectors, one row each. */
  captionVectors: Float32Array[];
  /** CNN features of each sampled image, and its written vector. */
  features: Float32Array[];
  imageVectors: Float32Array[];
}

export interface ParityReport {
  captions: number;
  images: number;
  /** Largest absolute difference over every sampled value. */
  sentenceMaxDiff: number;
  imageMaxDiff: number;
}

let configured = false;

/** One thread and no proxy worker: a CLI process must not be kept alive by ORT's pool. */
export function configureOnnxRuntimeWeb(): void {
  if (configured) return;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  // Name ORT's runtime files explicitly: it finds them from its own module URL, which bundlers
  // (vitest's module runner, for one) rewrite; the package exports both paths.
  const require = createRequire(import.meta.url);
  ort.env.wasm.wasmPaths = {
    mjs: pathToFileURL(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.mjs')).href,
    wasm: pathToFileURL(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm')).href,
  };
  configured = true;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

export async function runSentenceEncoder(
  session: ort.InferenceSession,
  ids: Int32Array,
): Promise<Float32Array> {
  const input = new ort.Tensor(
    'int64',
    BigInt64Array.from(ids, (x) => BigInt(x)),
    [1, ids.length],
  );
  const out = await session.run({ [SENTENCE_ENCODER_IO.input]: input });
  return (out[SENTENCE_ENCODER_IO.output] as ort.Tensor).data as Float32Array;
}

export async function runImageProjection(
  session: ort.InferenceSession,
  features: Float32Array,
): Promise<Float32Array> {
  const input = new ort.Tensor('float32', features, [1, features.length]);
  const out = await session.run({ [IMAGE_PROJECTION_IO.input]: input });
  return (out[IMAGE_PROJECTION_IO.output] as ort.Tensor).data as Float32Array;
}

export async function checkParity(
  sentenceEncoder: Uint8Array,
  imageProjection: Uint8Array,
  sample: ParitySample,
): Promise<ParityReport> {
  configureOnnxRuntimeWeb();
  const sentences = await ort.InferenceSession.create(sentenceEncoder);
  const images = await ort.InferenceSession.create(imageProjection);
  try {
    let sentenceMaxDiff = 0;
    for (const [k, ids] of sample.captions.entries()) {
      const got = await runSentenceEncoder(sentences, ids);
      sentenceMaxDiff = Math.max(
        sentenceMaxDiff,
        maxDiff(got, sample.captionVectors[k] as Float32Array),
      );
    }
    let imageMaxDiff = 0;
    for (const [k, features] of sample.features.entries()) {
      const got = await runImageProjection(images, features);
      imageMaxDiff = Math.max(imageMaxDiff, maxDiff(got, sample.imageVectors[k] as Float32Array));
    }
    const report = {
      captions: sample.captions.length,
      images: sample.features.length,
      sentenceMaxDiff,
      imageMaxDiff,
    };
    if (!(sentenceMaxDiff <= PARITY_TOLERANCE && imageMaxDiff <= PARITY_TOLERANCE)) {
      throw new Error(
        `the exported ONNX files disagree with the exported vectors in onnxruntime-web: max |difference| ${sentenceMaxDiff.toExponential(2)} (sentences), ${imageMaxDiff.toExponential(2)} (images), allowed ${PARITY_TOLERANCE}`,
      );
    }
    return report;
  } finally {
    await sentences.release();
    await images.release();
  }
}
