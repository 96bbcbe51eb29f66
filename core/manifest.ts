/**
 * A model version: the folder `export` writes and the worker serves (DESIGN.md). manifest.json
 * says what the model is and lists every other file with its size and SHA-256, so that the
 * worker (and the deploy) can refuse files that do not belong together. The file names are in
 * model-files.ts; the check of files against a manifest is version-check.ts.
 */

import { JointspaceFormatError } from './errors.ts';
import {
  FLAT_INDEX_ENCODINGS,
  type FlatIndexEncoding,
  MODEL_VERSION_PATTERN,
  SPACES,
  type Space,
  VECTOR_KINDS,
} from './model-files.ts';

export const MANIFEST_FORMAT = 'jointspace-model';
export const MANIFEST_FORMAT_VERSION = 1;

export const SENTENCE_ENCODERS = ['lstm', 'gru', 'bow', 'mean'] as const;
export type SentenceEncoderKind = (typeof SENTENCE_ENCODERS)[number];

/** How the ONNX files store weight matrices (float16 and int8 make them 2x and 4x smaller). */
export const WEIGHT_PRECISIONS = ['float32', 'float16', 'int8'] as const;
export type WeightPrecision = (typeof WEIGHT_PRECISIONS)[number];

export interface ManifestDirection {
  r1: number;
  r5: number;
  r10: number;
  medianRank: number;
  meanRank: number;
}

/** The paper's table for one split, as computed from the exported vectors. */
export interface ManifestEvaluation {
  split: string;
  images: number;
  captions: number;
  annotation: ManifestDirection;
  search: ManifestDirection;
  rsum: number;
}

/** One kind of vectors: the NDJSON (Vectorize's format) and the flat index files made from it. */
export interface ManifestVectors {
  file: string;
  count: number;
  /**
   * The flat index file of each encoding (core/flat-index.ts). Absent in versions exported
   * before the flat index was part of the version: those can be served from Vectorize only.
   */
  flat?: Record<FlatIndexEncoding, string>;
}

export interface ManifestFile {
  bytes: number;
  sha256: string;
}

/**
 * The picture-to-vector graph of a version (MODEL_FILES.imageEncoder): the CNN that made the
 * training features followed by the image projection, so that a picture gives the vector its
 * features would. Present only when the features came from the project's own extractor.
 */
export interface ManifestImageEncoder {
  file: string;
  input: string;
  output: string;
  /** The extractor whose CNN it holds (trainer/pictures/extractor-id.ts), e.g. "nsfwjs-mobilenetv2-mid". */
  extractor: string;
  /** Its input: uint8 RGB pixels [batch, height, width, 3], made by core's fitPicture. */
  height: number;
  width: number;
  /** How a picture of another size is brought to height x width (core/picture-pixels.ts). */
  resize: string;
  /** How its CNN weights are stored (the projection follows model.weights). */
  weights: WeightPrecision;
  /** Its agreement with the trainer's TensorFlow.js extractor + projection, checked at export. */
  parity: { pictures: number; maxAbsDifference: number; minCosine: number };
}

export interface ModelManifest {
  format: typeof MANIFEST_FORMAT;
  formatVersion: typeof MANIFEST_FORMAT_VERSION;
  version: string;
  space: Space;
  createdAt: string;
  model: {
    encoder: SentenceEncoderKind;
    /** The joint space's dimension: every vector's length. */
    dimension: number;
    wordDim: number;
    /** CNN feature width the image projection takes. */
    featureDim: number;
    /**
     * The extractor the training features came from, when known (the `features` command records
     * it); null for features made elsewhere. Absent in versions exported before it existed.
     */
    extractor?: string | null;
    vocabSize: number;
    /** Sentences were cut to this many tokens in training; queries should be too. */
    maxTokens: number;
    weights: WeightPrecision;
  };
  onnx: {
    opset: number;
    irVersion: number;
    sentenceEncoder: { file: string; input: string; output: string };
    imageProjection: { file: string; input: string; output: string };
    /** Null (or absent, in versions exported before it existed): the version takes no pictures. */
    imageEncoder?: ManifestImageEncoder | null;
  };
  vocabulary: { file: string; hash: string; tokenizer: string; size: number; minCount: number };
  vectors: {
    images: ManifestVectors;
    captions: ManifestVectors;
    splits: string[];
  };
  /** What it was trained on; `source` is the folder's name only (no local paths leak). */
  data: { name: string; format: string; source: string };
  training: {
    /** The update the exported weights come from, and the best dev rsum seen by then. */
    update: number;
    bestDevRsum: number;
    seconds: number;
    config: Record<string, number | boolean | string>;
  };
  evaluation: ManifestEvaluation | null;
  /** Every other file of the version, by name. */
  files: Record<string, ManifestFile>;
}

function fail(why: string): never {
  throw new JointspaceFormatError(`manifest.json: ${why}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function record(v: unknown, path: string): Record<string, unknown> {
  if (!isRecord(v)) fail(`${path} must be an object`);
  return v;
}

function positiveInt(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    fail(`${path} must be a positive integer`);
  return v;
}

function oneOf<T extends string>(v: unknown, options: readonly T[], path: string): T {
  if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) {
    fail(`${path} must be one of ${options.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

function hex64(v: unknown, path: string): string {
  if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v)) fail(`${path} must be a SHA-256 in hex`);
  return v;
}

/**
 * Checks the parts of a manifest that a server relies on (format, version, space, dimensions,
 * files and hashes) and returns it typed. Unknown extra fields are allowed: newer exporters may
 * add some.
 */
export function parseManifest(json: unknown): ModelManifest {
  const m = record(json, 'the manifest');
  if (m.format !== MANIFEST_FORMAT) fail(`format must be ${JSON.stringify(MANIFEST_FORMAT)}`);
  if (m.formatVersion !== MANIFEST_FORMAT_VERSION) {
    fail(
      `formatVersion ${JSON.stringify(m.formatVersion)} is not supported (this reader knows ${MANIFEST_FORMAT_VERSION})`,
    );
  }
  if (typeof m.version !== 'string' || !MODEL_VERSION_PATTERN.test(m.version)) {
    fail(`version ${JSON.stringify(m.version)} must match ${MODEL_VERSION_PATTERN}`);
  }
  oneOf(m.space, SPACES, 'space');
  const model = record(m.model, 'model');
  oneOf(model.encoder, SENTENCE_ENCODERS, 'model.encoder');
  oneOf(model.weights, WEIGHT_PRECISIONS, 'model.weights');
  for (const k of ['dimension', 'wordDim', 'featureDim', 'vocabSize', 'maxTokens'])
    positiveInt(model[k], `model.${k}`);
  const onnx = record(m.onnx, 'onnx');
  for (const k of ['sentenceEncoder', 'imageProjection']) {
    const io = record(onnx[k], `onnx.${k}`);
    for (const f of ['file', 'input', 'output']) {
      if (typeof io[f] !== 'string') fail(`onnx.${k}.${f} must be a string`);
    }
  }
  if (onnx.imageEncoder !== undefined && onnx.imageEncoder !== null) {
    const enc = record(onnx.imageEncoder, 'onnx.imageEncoder');
    for (const f of ['file', 'input', 'output', 'extractor', 'resize']) {
      if (typeof enc[f] !== 'string') fail(`onnx.imageEncoder.${f} must be a string`);
    }
    positiveInt(enc.height, 'onnx.imageEncoder.height');
    positiveInt(enc.width, 'onnx.imageEncoder.width');
    oneOf(enc.weights, WEIGHT_PRECISIONS, 'onnx.imageEncoder.weights');
  }
  const vocabulary = record(m.vocabulary, 'vocabulary');
  hex64(vocabulary.hash, 'vocabulary.hash');
  positiveInt(vocabulary.size, 'vocabulary.size');
  if (vocabulary.size !== model.vocabSize)
    fail(`vocabulary.size ${vocabulary.size} differs from model.vocabSize ${model.vocabSize}`);
  const vectors = record(m.vectors, 'vectors');
  const named: unknown[] = [
    vocabulary.file,
    (onnx.sentenceEncoder as Record<string, unknown>).file,
    (onnx.imageProjection as Record<string, unknown>).file,
  ];
  if (isRecord(onnx.imageEncoder)) named.push(onnx.imageEncoder.file);
  for (const k of VECTOR_KINDS) {
    const v = record(vectors[k], `vectors.${k}`);
    if (typeof v.file !== 'string') fail(`vectors.${k}.file must be a string`);
    if (typeof v.count !== 'number' || !Number.isInteger(v.count) || v.count < 0)
      fail(`vectors.${k}.count must be a count`);
    named.push(v.file);
    if (v.flat !== undefined) {
      const flat = record(v.flat, `vectors.${k}.flat`);
      for (const encoding of FLAT_INDEX_ENCODINGS) {
        if (typeof flat[encoding] !== 'string')
          fail(`vectors.${k}.flat.${encoding} must be a file name`);
        named.push(flat[encoding]);
      }
    }
  }
  const files = record(m.files, 'files');
  for (const [name, entry] of Object.entries(files)) {
    const e = record(entry, `files[${JSON.stringify(name)}]`);
    if (typeof e.bytes !== 'number' || !Number.isInteger(e.bytes) || e.bytes < 0)
      fail(`files[${JSON.stringify(name)}].bytes must be a size`);
    hex64(e.sha256, `files[${JSON.stringify(name)}].sha256`);
  }
  for (const file of named) {
    if (typeof file !== 'string' || !(file in files))
      fail(`${JSON.stringify(file)} is named but not listed in files`);
  }
  return m as unknown as ModelManifest;
}
