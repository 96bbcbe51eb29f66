import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PICTURE_RESIZE } from '../../../core/picture-pixels.ts';
import type { Dataset, SplitData } from '../../../trainer/data/dataset.ts';
import { writeImageEncoder } from '../../../trainer/export/image-encoder-file.ts';
import { fileEntryOf } from '../../../trainer/export/model-version.ts';
import { effectiveWeights, storeWeights } from '../../../trainer/export/stored-weights.ts';
import { IMAGE_ENCODER_TOLERANCE } from '../../../trainer/export/verify-image-encoder.ts';
import type { ModelConfig } from '../../../trainer/model/config.ts';
import { JointModel } from '../../../trainer/model/model.ts';
import { DEFAULT_EXTRACTOR } from '../../../trainer/pictures/cnn.ts';
import { selectBackend } from '../../../trainer/tf/backend.ts';
import { tempDir } from '../../support/datasets.ts';
import { writePicture } from '../../support/test-pictures.ts';
import { tinyWeights } from '../../support/tiny-model.ts';

/**
 * image_encoder.onnx as an export writes it: checked against the trainer's extractor and
 * projection on made pictures and the dataset's own photos, written only when it agrees.
 */

const CONFIG: ModelConfig = {
  encoder: 'bow',
  vocabSize: 12,
  wordDim: 16,
  jointDim: 16,
  featureDim: DEFAULT_EXTRACTOR.featureDim,
};
const WEIGHTS = tinyWeights(CONFIG, 9, 0.05);

let photos: Dataset;
beforeAll(async () => {
  await selectBackend('wasm', { threads: 1 });
  const dir = await tempDir();
  await writePicture(join(dir, 'one.jpg'), { width: 320, height: 240, format: 'jpeg' });
  photos = {
    name: 'photos',
    format: 'folder',
    source: dir,
    splits: { train: { name: 'train', imageIds: ['one.jpg', 'absent.jpg'] } as SplitData },
  };
});

describe('writeImageEncoder', () => {
  it('writes the encoder once it agrees with the trainer, and describes it', async () => {
    const dir = await tempDir();
    const stored = storeWeights(CONFIG, WEIGHTS, 'int8');
    const model = new JointModel(CONFIG, effectiveWeights(stored));
    const written = await writeImageEncoder({
      dir,
      model,
      stored,
      dataset: photos,
      extractor: DEFAULT_EXTRACTOR.id,
      metadata: {},
    });
    model.dispose();
    const bytes = await readFile(join(dir, 'image_encoder.onnx'));
    expect(written.file).toEqual(fileEntryOf(bytes));
    // Three made pictures and the dataset's one readable photo.
    expect(written.photos).toBe(1);
    expect(written.entry).toEqual({
      file: 'image_encoder.onnx',
      input: 'pixels',
      output: 'image_vector',
      extractor: DEFAULT_EXTRACTOR.id,
      height: 224,
      width: 224,
      resize: PICTURE_RESIZE,
      weights: 'int8',
      parity: { pictures: 4, maxAbsDifference: expect.any(Number), minCosine: expect.any(Number) },
    });
    const { parity } = written.entry;
    expect(parity.maxAbsDifference).toBeLessThanOrEqual(
      IMAGE_ENCODER_TOLERANCE.int8.maxAbsDifference,
    );
    expect(parity.minCosine).toBeGreaterThanOrEqual(IMAGE_ENCODER_TOLERANCE.int8.minCosine);
  });

  it('fails, writing nothing, when the encoder disagrees with the trainer', async () => {
    const dir = await tempDir();
    const stored = storeWeights(CONFIG, WEIGHTS, 'float32');
    // A model with other projection weights than the file stores: its vectors differ.
    const other = new JointModel(CONFIG, tinyWeights(CONFIG, 10, 0.05));
    await expect(
      writeImageEncoder({
        dir,
        model: other,
        stored,
        dataset: { ...photos, format: 'demo' },
        extractor: DEFAULT_EXTRACTOR.id,
        metadata: {},
      }),
    ).rejects.toThrow(
      /the exported image encoder \(float32 weights\) disagrees with the trainer's extractor and projection on 3 pictures/,
    );
    other.dispose();
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses an extractor it cannot convert', async () => {
    const dir = await tempDir();
    const stored = storeWeights(CONFIG, WEIGHTS, 'float32');
    const model = new JointModel(CONFIG, effectiveWeights(stored));
    await expect(
      writeImageEncoder({ dir, model, stored, dataset: photos, extractor: 'vgg19', metadata: {} }),
    ).rejects.toThrow('no image encoder can be written for the extractor vgg19');
    model.dispose();
    expect(existsSync(join(dir, 'image_encoder.onnx'))).toBe(false);
  });
});
