import { basename } from 'node:path';
import {
  MANIFEST_FORMAT,
  MANIFEST_FORMAT_VERSION,
  type ManifestEvaluation,
  type ManifestFile,
  type ManifestImageEncoder,
  type ModelManifest,
  type WeightPrecision,
} from '../../core/manifest.ts';
import {
  type FlatIndexEncoding,
  IMAGE_PROJECTION_IO,
  MODEL_FILES,
  SENTENCE_ENCODER_IO,
  type Space,
  type VectorKind,
} from '../../core/model-files.ts';
import type { Dataset, SplitName } from '../data/dataset.ts';
import type { CheckpointHeader } from '../train/checkpoint.ts';
import { ONNX_IR_VERSION, ONNX_OPSET } from './onnx/graph-builder.ts';

/** What an export knows once its files are written: everything manifest.json records. */
export interface ManifestFacts {
  version: string;
  space: Space;
  precision: WeightPrecision;
  header: CheckpointHeader;
  dataset: Dataset;
  splits: readonly SplitName[];
  counts: Record<VectorKind, number>;
  flat: Record<VectorKind, Record<FlatIndexEncoding, string>>;
  evaluation: ManifestEvaluation | null;
  /** The extractor the features came from, when known (extractor-choice.ts). */
  extractor: string | null;
  /** The image encoder's entry, or null when the version has none. */
  imageEncoder: ManifestImageEncoder | null;
  files: Record<string, ManifestFile>;
}

/** The manifest of an exported model version (core/manifest.ts defines and checks its shape). */
export function manifestOf(facts: ManifestFacts): ModelManifest {
  const { model: config, train, vocabulary, progress } = facts.header;
  return {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_FORMAT_VERSION,
    version: facts.version,
    space: facts.space,
    createdAt: new Date().toISOString(),
    model: {
      encoder: config.encoder,
      dimension: config.jointDim,
      wordDim: config.wordDim,
      featureDim: config.featureDim,
      extractor: facts.extractor,
      vocabSize: config.vocabSize,
      maxTokens: train.maxLength,
      weights: facts.precision,
    },
    onnx: {
      opset: ONNX_OPSET,
      irVersion: ONNX_IR_VERSION,
      sentenceEncoder: { file: MODEL_FILES.sentenceEncoder, ...SENTENCE_ENCODER_IO },
      imageProjection: { file: MODEL_FILES.imageProjection, ...IMAGE_PROJECTION_IO },
      imageEncoder: facts.imageEncoder,
    },
    vocabulary: {
      file: MODEL_FILES.vocabulary,
      hash: vocabulary.hash,
      tokenizer: vocabulary.tokenizer,
      size: config.vocabSize,
      minCount: vocabulary.minCount,
    },
    vectors: {
      images: { file: MODEL_FILES.images, count: facts.counts.images, flat: facts.flat.images },
      captions: {
        file: MODEL_FILES.captions,
        count: facts.counts.captions,
        flat: facts.flat.captions,
      },
      splits: [...facts.splits],
    },
    // The folder's name only: no local paths leak into a published manifest.
    data: {
      name: facts.dataset.name,
      format: facts.dataset.format,
      source: basename(facts.dataset.source),
    },
    training: {
      update: progress.update,
      bestDevRsum: progress.bestRsum,
      seconds: progress.seconds,
      config: { ...train },
    },
    evaluation: facts.evaluation,
    files: facts.files,
  };
}
