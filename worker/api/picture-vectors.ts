/**
 * The joint-space vectors of a request's uploaded pictures, each made once: a query may use one
 * file variable in `annotate` and `similar`, and both get the same promise. Per request (the
 * services of a request hold one), so nothing of a picture outlives it.
 *
 * A picture is checked and decoded before the image encoder is asked for: a bad upload costs no
 * model load. The stages go to Server-Timing as `decode` (checks, decode, fit) and `cnn` (the
 * image encoder's run: CNN and projection).
 */
import type { ModelManifest } from '../../core/manifest.ts';
import { encodePictures } from '../onnx/encode.ts';
import type { InferenceSession } from '../onnx/ort-runtime.ts';
import { picturePixels } from '../pictures/picture-input.ts';
import { QueryError } from '../query-error.ts';
import type { ServerTiming } from './server-timing.ts';

/** The image encoder session of a model version (loaded once per isolate: served-models.ts). */
export type ImageEncoderGetter = (manifest: ModelManifest) => Promise<InferenceSession>;

/** NO_IMAGE_ENCODER for a version without one. details: { version, extractor } */
export function noImageEncoder(manifest: ModelManifest): QueryError {
  const extractor = manifest.model.extractor ?? null;
  const from = extractor === null ? 'features made elsewhere' : `features of ${extractor}`;
  return new QueryError(
    'NO_IMAGE_ENCODER',
    `model version ${manifest.version} takes no pictures: it was trained on ${from}, and has no image encoder (annotate by id or by features instead)`,
    { version: manifest.version, extractor },
  );
}

export class PictureVectors {
  private readonly made = new Map<Blob, Promise<Float32Array>>();

  constructor(
    private readonly encoderOf: ImageEncoderGetter,
    private readonly timing: ServerTiming,
  ) {}

  /** The picture's unit vector in the space of `manifest` (one space per request: retrieval). */
  of(picture: Blob, manifest: ModelManifest): Promise<Float32Array> {
    let vector = this.made.get(picture);
    if (vector === undefined) {
      vector = this.make(picture, manifest);
      this.made.set(picture, vector);
    }
    return vector;
  }

  private async make(picture: Blob, manifest: ModelManifest): Promise<Float32Array> {
    if (!manifest.onnx.imageEncoder) throw noImageEncoder(manifest);
    const pixels = await this.timing.time('decode', () => picturePixels(picture));
    const encoder = await this.encoderOf(manifest);
    const vector = await this.timing.time('cnn', () => encodePictures(encoder, pixels));
    if (vector.length !== manifest.model.dimension || !vector.every(Number.isFinite)) {
      throw new QueryError(
        'MODEL_UNAVAILABLE',
        `the image encoder of model version ${manifest.version} gave no usable vector`,
        { space: manifest.space, version: manifest.version },
      );
    }
    return vector;
  }
}
