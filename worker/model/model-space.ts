import { sha256Hex } from '../../core/hash.ts';
import { type ModelManifest, parseManifest } from '../../core/manifest.ts';
import { MODEL_FILES, type VectorKind } from '../../core/model-files.ts';
import { modelFileKey } from '../../core/r2-layout.ts';
import type { CaptionMetadata, ImageMetadata } from '../../core/vector-records.ts';
import { fileProblem, indexProblem } from '../../core/version-check.ts';
import { Vocabulary, type VocabularyJSON } from '../../core/vocabulary.ts';
import { createSession, type InferenceSession } from '../onnx/ort-runtime.ts';
import type { VectorIndex } from '../vector-index/vector-index.ts';

/**
 * One model version, loaded and checked: its manifest, vocabulary, ONNX sessions and vector
 * indexes. Loading refuses files that do not belong together (a manifest of another version,
 * a vocabulary or ONNX file whose SHA-256 is not the manifest's, a graph without the contract's
 * inputs and outputs, an index of another dimension or size) and any failure to read or start
 * them, with a ModelLoadError that says why. That reason is for the operator's log: the caller
 * (api/served-models.ts) tells the client only that the model is unavailable.
 */

/** Why a model version could not be loaded (internal: storage keys, file names, runtime text). */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
}

export interface ModelSpace {
  manifest: ModelManifest;
  vocabulary: Vocabulary;
  sentenceEncoder: InferenceSession;
  /** Only loaded where needed (annotation by raw features, in the retrieval space). */
  imageProjection: InferenceSession | null;
  images: VectorIndex<ImageMetadata>;
  /** Only loaded where needed (annotation, in the retrieval space). */
  captions: VectorIndex<CaptionMetadata> | null;
}

/** Opens the vector index of one kind for a manifest (flat from R2, or Vectorize). */
export type IndexOpener = <K extends VectorKind>(
  manifest: ModelManifest,
  kind: K,
) => Promise<VectorIndex<K extends 'images' ? ImageMetadata : CaptionMetadata>>;

export interface LoadOptions {
  bucket: R2Bucket;
  version: string;
  openIndex: IndexOpener;
  withCaptions: boolean;
  withImageProjection: boolean;
}

function fail(version: string, why: string): never {
  throw new ModelLoadError(`model version ${version}: ${why}`);
}

/** An object's bytes; a missing object, or one R2 cannot read whole, is a ModelLoadError. */
async function readBytes(bucket: R2Bucket, version: string, file: string): Promise<Uint8Array> {
  const key = modelFileKey(version, file);
  let object: R2ObjectBody | null;
  try {
    object = await bucket.get(key);
    if (object === null) fail(version, `${key} is not in the bucket`);
    return new Uint8Array(await object.arrayBuffer());
  } catch (e) {
    if (e instanceof ModelLoadError) throw e;
    fail(version, `${key} could not be read: ${(e as Error).message}`);
  }
}

/** A file of the version, read and checked against the manifest's size and SHA-256. */
async function checkedFile(
  bucket: R2Bucket,
  manifest: ModelManifest,
  file: string,
): Promise<Uint8Array> {
  const bytes = await readBytes(bucket, manifest.version, file);
  const problem = fileProblem(manifest, file, {
    bytes: bytes.length,
    sha256: await sha256Hex(bytes),
  });
  if (problem !== null) fail(manifest.version, problem);
  return bytes;
}

/** An ONNX session of the version, with the inputs and outputs the manifest names. */
async function session(
  bucket: R2Bucket,
  manifest: ModelManifest,
  graph: { file: string; input: string; output: string },
): Promise<InferenceSession> {
  const bytes = await checkedFile(bucket, manifest, graph.file);
  let created: InferenceSession;
  try {
    created = await createSession(bytes);
  } catch (e) {
    fail(manifest.version, `${graph.file} does not start in ONNX Runtime: ${(e as Error).message}`);
  }
  if (!created.inputNames.includes(graph.input) || !created.outputNames.includes(graph.output)) {
    fail(
      manifest.version,
      `${graph.file} has inputs [${created.inputNames.join(', ')}] and outputs [${created.outputNames.join(', ')}]; the manifest names ${graph.input} -> ${graph.output}`,
    );
  }
  return created;
}

function parseJson(version: string, file: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    fail(version, `${file} is not valid JSON: ${(e as Error).message}`);
  }
}

async function readManifest(bucket: R2Bucket, version: string): Promise<ModelManifest> {
  const json = parseJson(
    version,
    MODEL_FILES.manifest,
    await readBytes(bucket, version, MODEL_FILES.manifest),
  );
  let manifest: ModelManifest;
  try {
    manifest = parseManifest(json);
  } catch (e) {
    fail(version, `its manifest is not valid: ${(e as Error).message}`);
  }
  if (manifest.version !== version) {
    fail(version, `the manifest stored under it is for version ${manifest.version}`);
  }
  return manifest;
}

async function readVocabulary(bucket: R2Bucket, manifest: ModelManifest): Promise<Vocabulary> {
  const { file } = manifest.vocabulary;
  const json = parseJson(manifest.version, file, await checkedFile(bucket, manifest, file));
  let vocabulary: Vocabulary;
  try {
    vocabulary = Vocabulary.fromJSON(json as VocabularyJSON);
  } catch (e) {
    fail(manifest.version, `${file} is not a vocabulary: ${(e as Error).message}`);
  }
  const hash = vocabulary.toJSON().hash;
  if (hash !== manifest.vocabulary.hash) {
    fail(
      manifest.version,
      `the vocabulary's hash ${hash.slice(0, 12)}... is not the manifest's ${manifest.vocabulary.hash.slice(0, 12)}...`,
    );
  }
  return vocabulary;
}

export async function loadModelSpace(options: LoadOptions): Promise<ModelSpace> {
  const { bucket, version } = options;
  const manifest = await readManifest(bucket, version);
  const vocabulary = await readVocabulary(bucket, manifest);
  const sentenceEncoder = await session(bucket, manifest, manifest.onnx.sentenceEncoder);
  const imageProjection = options.withImageProjection
    ? await session(bucket, manifest, manifest.onnx.imageProjection)
    : null;
  const images = await openChecked(options, manifest, 'images');
  const captions = options.withCaptions ? await openChecked(options, manifest, 'captions') : null;
  return { manifest, vocabulary, sentenceEncoder, imageProjection, images, captions };
}

/**
 * The image encoder of a version (pixels -> image vector), checked like the other files. Loaded
 * apart from the space, when the first picture comes (api/served-models.ts): it is the biggest
 * graph of a version, and the search path never needs it.
 */
export async function loadImageEncoder(
  bucket: R2Bucket,
  manifest: ModelManifest,
): Promise<InferenceSession> {
  const encoder = manifest.onnx.imageEncoder;
  if (!encoder) fail(manifest.version, 'it has no image encoder');
  return session(bucket, manifest, encoder);
}

/** A vector index of the version, holding as many vectors of its dimension as the export wrote. */
async function openChecked<K extends VectorKind>(
  options: LoadOptions,
  manifest: ModelManifest,
  kind: K,
): Promise<VectorIndex<K extends 'images' ? ImageMetadata : CaptionMetadata>> {
  let index: VectorIndex<K extends 'images' ? ImageMetadata : CaptionMetadata>;
  let description: { dimension: number; count: number };
  try {
    index = await options.openIndex(manifest, kind);
    description = await index.describe();
  } catch (e) {
    if (e instanceof ModelLoadError) throw e;
    fail(manifest.version, `its ${kind} index could not be opened: ${(e as Error).message}`);
  }
  const problem = indexProblem(manifest, kind, description);
  if (problem !== null) fail(manifest.version, problem);
  return index;
}
