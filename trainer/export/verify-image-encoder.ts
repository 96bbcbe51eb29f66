import * as ort from 'onnxruntime-web';
import type { WeightPrecision } from '../../core/manifest.ts';
import { IMAGE_ENCODER_IO } from '../../core/model-files.ts';
import { PICTURE_INPUT } from '../../core/picture-pixels.ts';
import { configureOnnxRuntimeWeb } from './verify-onnx.ts';

/**
 * Runs an exported image encoder in onnxruntime-web (the worker's runtime), one picture at a
 * time as the worker will, and compares its unit vectors with the trainer's: the tfjs extractor
 * and the trainer's own image projection on the same pixels. An encoder whose vectors would sit
 * elsewhere than the stored image vectors of the same photos fails the export here.
 */

export interface ImageEncoderParity {
  pictures: number;
  /** Largest absolute difference over every value of every picture's vector. */
  maxAbsDifference: number;
  /** Smallest cosine between a picture's two vectors. */
  minCosine: number;
}

/**
 * What each precision must reach. Measured in onnxruntime-web on 300 Flickr8k dev photos
 * against their stored features (feats_mobilenetv2_1792.npy, which tfjs-wasm reproduces bit for
 * bit) through a random 1792 x 256 projection: float32 7.1e-7 max |difference|, int8 7.9e-7
 * (both hold the source's exact weights, int8 its own 8-bit codes: only float32 rounding in the
 * two runtimes differs), cosines 1 - 6e-12; float16, which rounds every CNN weight to 11
 * significant bits, 1.1e-3 and 0.999987. The bounds leave a margin of about ten for other
 * projections, pictures and tfjs backends.
 */
export const IMAGE_ENCODER_TOLERANCE: Record<
  WeightPrecision,
  { maxAbsDifference: number; minCosine: number }
> = {
  float32: { maxAbsDifference: 1e-5, minCosine: 0.999999 },
  int8: { maxAbsDifference: 1e-5, minCosine: 0.999999 },
  float16: { maxAbsDifference: 1e-2, minCosine: 0.9999 },
};

export async function runImageEncoder(
  session: ort.InferenceSession,
  pixels: Uint8Array,
): Promise<Float32Array> {
  const { height, width, channels } = PICTURE_INPUT;
  const input = new ort.Tensor('uint8', pixels, [1, height, width, channels]);
  const out = await session.run({ [IMAGE_ENCODER_IO.input]: input });
  return (out[IMAGE_ENCODER_IO.output] as ort.Tensor).data as Float32Array;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    aa += x * x;
    bb += y * y;
  }
  return dot / Math.sqrt(aa * bb);
}

/** The encoder on each picture against `expected` (one row of `dim` per picture). */
export async function measureImageEncoder(
  encoder: Uint8Array,
  pictures: readonly Uint8Array[],
  expected: Float32Array,
): Promise<ImageEncoderParity> {
  configureOnnxRuntimeWeb();
  const dim = expected.length / pictures.length;
  const session = await ort.InferenceSession.create(encoder);
  try {
    let maxAbsDifference = 0;
    let minCosine = 1;
    for (const [k, pixels] of pictures.entries()) {
      const got = await runImageEncoder(session, pixels);
      const want = expected.subarray(k * dim, (k + 1) * dim);
      if (got.length !== dim)
        throw new Error(`the image encoder gave ${got.length} values, not ${dim}`);
      for (let i = 0; i < dim; i++) {
        maxAbsDifference = Math.max(
          maxAbsDifference,
          Math.abs((got[i] as number) - (want[i] as number)),
        );
      }
      minCosine = Math.min(minCosine, cosine(got, want));
    }
    return { pictures: pictures.length, maxAbsDifference, minCosine };
  } finally {
    await session.release();
  }
}

/** Throws when the parity is outside the precision's tolerance (NaN included). */
export function checkImageEncoderParity(
  parity: ImageEncoderParity,
  precision: WeightPrecision,
): void {
  const allowed = IMAGE_ENCODER_TOLERANCE[precision];
  if (
    !(parity.maxAbsDifference <= allowed.maxAbsDifference && parity.minCosine >= allowed.minCosine)
  ) {
    throw new Error(
      `the exported image encoder (${precision} weights) disagrees with the trainer's extractor and projection on ${parity.pictures} pictures: max |difference| ${parity.maxAbsDifference.toExponential(2)}, min cosine ${parity.minCosine.toFixed(6)}; allowed ${allowed.maxAbsDifference} and ${allowed.minCosine}`,
    );
  }
}
