import { describe, expect, it } from 'vitest';
import type {
  ManifestEvaluation,
  ManifestFile,
  ManifestImageEncoder,
} from '../../../core/manifest.ts';
import { parseManifest } from '../../../core/manifest.ts';
import { MODEL_FILES } from '../../../core/model-files.ts';
import { PICTURE_RESIZE } from '../../../core/picture-pixels.ts';
import type { SplitName } from '../../../trainer/data/dataset.ts';
import { manifestOf } from '../../../trainer/export/manifest-of.ts';
import { fileEntryOf } from '../../../trainer/export/model-version.ts';
import { ONNX_IR_VERSION, ONNX_OPSET } from '../../../trainer/export/onnx/graph-builder.ts';
import {
  SAMPLE_VOCABULARY,
  sampleFileContents,
  sampleManifestFacts,
} from '../../support/manifest-facts.ts';

function sampleFiles(): Record<string, ManifestFile> {
  return Object.fromEntries(
    Object.entries(sampleFileContents()).map(([name, bytes]) => [name, fileEntryOf(bytes)]),
  );
}

const EVALUATION: ManifestEvaluation = {
  split: 'test',
  images: 7,
  captions: 35,
  annotation: { r1: 42.5, r5: 71, r10: 85.25, medianRank: 2, meanRank: 6.5 },
  search: { r1: 30, r5: 60.5, r10: 77, medianRank: 4, meanRank: 9.75 },
  rsum: 366.25,
};

describe('manifestOf', () => {
  it('records what the model is, from the checkpoint header and the export', () => {
    const facts = sampleManifestFacts(sampleFiles());
    const m = manifestOf(facts);
    expect(m).toMatchObject({
      format: 'jointspace-model',
      formatVersion: 1,
      version: 'lstm20-jointspace-demo-f16-0123abcd',
      space: 'retrieval',
      // dimension is the joint space's; maxTokens is the training cut; weights the precision.
      model: {
        encoder: 'lstm',
        dimension: 20,
        wordDim: 12,
        featureDim: 9,
        vocabSize: SAMPLE_VOCABULARY.size,
        maxTokens: 40,
        weights: 'float16',
      },
      vocabulary: {
        file: MODEL_FILES.vocabulary,
        hash: SAMPLE_VOCABULARY.toJSON().hash,
        tokenizer: 'unicode-words-v1',
        size: SAMPLE_VOCABULARY.size,
        minCount: 1,
      },
      training: { update: 120, bestDevRsum: 345.5, seconds: 61.25 },
      evaluation: null,
    });
    expect(m.training.config).toEqual(facts.header.train);
    expect(m.files).toEqual(facts.files);
  });

  it('names the ONNX files with the opset, IR version, inputs and outputs they are built with', () => {
    const m = manifestOf(sampleManifestFacts(sampleFiles()));
    expect(m.onnx).toEqual({
      opset: ONNX_OPSET,
      irVersion: ONNX_IR_VERSION,
      sentenceEncoder: {
        file: MODEL_FILES.sentenceEncoder,
        input: 'token_ids',
        output: 'sentence_vector',
      },
      imageProjection: {
        file: MODEL_FILES.imageProjection,
        input: 'image_features',
        output: 'image_vector',
      },
      imageEncoder: null,
    });
    expect(m.model.extractor).toBeNull();
  });

  it('records the extractor and the image encoder of a version that takes pictures', () => {
    const files = {
      ...sampleFiles(),
      [MODEL_FILES.imageEncoder]: fileEntryOf(new TextEncoder().encode('an encoder')),
    };
    const imageEncoder: ManifestImageEncoder = {
      file: MODEL_FILES.imageEncoder,
      input: 'pixels',
      output: 'image_vector',
      extractor: 'nsfwjs-mobilenetv2-mid',
      height: 224,
      width: 224,
      resize: PICTURE_RESIZE,
      weights: 'float16',
      parity: { pictures: 6, maxAbsDifference: 8.9e-4, minCosine: 0.99999 },
    };
    const m = manifestOf({
      ...sampleManifestFacts(files),
      extractor: 'nsfwjs-mobilenetv2-mid',
      imageEncoder,
    });
    expect(m.model.extractor).toBe('nsfwjs-mobilenetv2-mid');
    expect(m.onnx.imageEncoder).toEqual(imageEncoder);
    expect(parseManifest(JSON.parse(JSON.stringify(m)))).toEqual(m);
  });

  it('lists the vector files with their counts, flat index files and splits', () => {
    const m = manifestOf(sampleManifestFacts(sampleFiles()));
    expect(m.vectors).toEqual({
      images: {
        file: MODEL_FILES.images,
        count: 7,
        flat: { float32: 'flat/images.float32.bin', int8: 'flat/images.int8.bin' },
      },
      captions: {
        file: MODEL_FILES.captions,
        count: 35,
        flat: { float32: 'flat/captions.float32.bin', int8: 'flat/captions.int8.bin' },
      },
      splits: ['val', 'test'],
    });
  });

  it('passes the manifest check of core/ (what the worker and deploy read)', () => {
    const m = manifestOf({ ...sampleManifestFacts(sampleFiles()), evaluation: EVALUATION });
    expect(parseManifest(JSON.parse(JSON.stringify(m)))).toEqual(m);
    expect(m.evaluation).toEqual(EVALUATION);
  });

  it('keeps only the name of the data folder, never a local path', () => {
    const facts = sampleManifestFacts(sampleFiles());
    expect(manifestOf(facts).data).toEqual({
      name: 'jointspace-demo',
      format: 'demo',
      source: 'jointspace-demo-v2',
    });
    const trailingSlash = { ...facts.dataset, source: '/srv/datasets/flickr8k/' };
    expect(manifestOf({ ...facts, dataset: trailingSlash }).data.source).toBe('flickr8k');
    expect(JSON.stringify(manifestOf(facts))).not.toContain('/home/someone');
  });

  it('stamps the time it was made, as an ISO date', () => {
    const before = Date.now();
    const { createdAt } = manifestOf(sampleManifestFacts(sampleFiles()));
    const after = Date.now();
    expect(createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(createdAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(createdAt)).toBeLessThanOrEqual(after);
  });

  it('copies the splits and the training config: later changes to the facts do not reach it', () => {
    const splits: SplitName[] = ['val', 'test'];
    const facts = { ...sampleManifestFacts(sampleFiles()), splits };
    const m = manifestOf(facts);
    splits.push('train');
    facts.header.train.epochs = 99;
    expect(m.vectors.splits).toEqual(['val', 'test']);
    expect(m.training.config.epochs).toBe(3);
  });
});
