import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { ManifestFile, ManifestImageEncoder } from '../../core/manifest.ts';
import { IMAGE_ENCODER_IO, MODEL_FILES } from '../../core/model-files.ts';
import { PICTURE_INPUT, PICTURE_RESIZE } from '../../core/picture-pixels.ts';
import type { Dataset } from '../data/dataset.ts';
import type { JointModel } from '../model/model.ts';
import { DEFAULT_EXTRACTOR, extractFeatures, loadCnn } from '../pictures/cnn.ts';
import { fileEntryOf } from './model-version.ts';
import { buildImageEncoder } from './onnx/image-encoder.ts';
import { datasetPictures, madePictures, type ParityPicture } from './parity-pictures.ts';
import type { StoredWeights } from './stored-weights.ts';
import { checkImageEncoderParity, measureImageEncoder } from './verify-image-encoder.ts';

/**
 * image_encoder.onnx of an export: the extractor's CNN converted from its tfjs graph, then the
 * model's image projection, at the export's precision. Before it is kept it is run in
 * onnxruntime-web on the check pictures and compared with what the trainer computes from the
 * same pixels (the tfjs CNN, then the model's own projection with the stored weights); beyond
 * the precision's tolerance the export fails.
 */

/** Dataset photos used in the check when their files are there (each costs ~0.25 s). */
export const DATASET_CHECK_PICTURES = 3;

export interface ImageEncoderRequest {
  dir: string;
  /** The trainer's model, loaded with the stored (effective) weights. */
  model: JointModel;
  stored: StoredWeights;
  dataset: Dataset;
  /** The extractor the features came from; only the default one is convertible. */
  extractor: string;
  /** The ONNX metadata the other graphs carry. */
  metadata: Record<string, string>;
}

export interface WrittenImageEncoder {
  file: ManifestFile;
  entry: ManifestImageEncoder;
  /** How many of the check pictures were the dataset's own photos. */
  photos: number;
}

export async function writeImageEncoder(
  request: ImageEncoderRequest,
): Promise<WrittenImageEncoder> {
  const { model, stored, extractor } = request;
  if (extractor !== DEFAULT_EXTRACTOR.id) {
    throw new Error(`no image encoder can be written for the extractor ${extractor}`);
  }
  const cnn = await loadCnn();
  const bytes = buildImageEncoder(
    model.config,
    stored,
    { ...DEFAULT_EXTRACTOR, artifacts: cnn.artifacts },
    request.metadata,
  );
  const photos = await datasetPictures(request.dataset, DATASET_CHECK_PICTURES);
  const pictures: ParityPicture[] = [...madePictures(), ...photos];
  const pixels = pictures.map((p) => p.pixels);
  const parity = await measureImageEncoder(bytes, pixels, await trainerVectors(request, pixels));
  checkImageEncoderParity(parity, stored.precision);
  await writeFile(join(request.dir, MODEL_FILES.imageEncoder), bytes);
  const { height, width } = PICTURE_INPUT;
  return {
    file: fileEntryOf(bytes),
    entry: {
      file: MODEL_FILES.imageEncoder,
      ...IMAGE_ENCODER_IO,
      extractor,
      height,
      width,
      resize: PICTURE_RESIZE,
      weights: stored.precision,
      parity,
    },
    photos: photos.length,
  };
}

/** The trainer's unit vectors for the pictures: tfjs CNN features, then the model's projection. */
async function trainerVectors(
  request: ImageEncoderRequest,
  pixels: readonly Uint8Array[],
): Promise<Float32Array> {
  const features = await extractFeatures(await loadCnn(), pixels);
  const { featureDim } = request.model.config;
  const vectors = tf.tidy(() =>
    request.model.encodeImages(tf.tensor2d(features, [pixels.length, featureDim])),
  );
  try {
    return (await vectors.data()) as Float32Array;
  } finally {
    vectors.dispose();
  }
}
