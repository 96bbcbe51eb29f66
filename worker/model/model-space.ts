import { sha256Hex } from '../../core/hash.ts';
import { type ModelManifest, parseManifest } from '../../core/manifest.ts';
import { MODEL_FILES, type VectorKind } from '../../core/model-files.ts';
import { modelFileKey } from '../../core/r2-layout.ts';
import type { CaptionMetadata, ImageMetadata } from '../../core/vector-records.ts';
import { fileProblem, indexProblem } from '../../core/version-check.ts';
import { Vocabulary, type VocabularyJSON } from '../../core/vocabulary.ts';
import { createSession, type InferenceSession } from '../onnx/ort-runtime.ts';
import { QueryError } from '../query-error.ts';
import type { VectorIndex } from '../vector-index/vector-index.ts';

/**
 * One model version, loaded and checked: its manifest, vocabulary, ONNX sessions and vector
 * indexes. Loading refuses files that do not belong together (a manifest of another version,
 * a vocabulary or ONNX file whose SHA-256 is not the manifest's, an index of another dimension
 * or size) with MODEL_UNAVAILABLE and the reason, instead of answering with wrong vectors.
 */

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

function unavailable(version: string, why: string): QueryError {
  return new QueryError('MODEL_UNAVAILABLE', `model version ${version}: ${why}`, { version });
}

async function readBytes(bucket: R2Bucket, version: string, file: string): Promise<Uint8Array> {
  const object = await bucket.get(modelFileKey(version, file));
  if (object === null)
    throw unavailable(version, `${modelFileKey(version, file)} is not in the bucket`);
  return new Uint8Array(await object.arrayBuffer());
}

/** Checks a file against the manifest's size and SHA-256 (core's one check). */
async function checked(
  manifest: ModelManifest,
  file: string,
  bytes: Uint8Array,
): Promise<Uint8Array> {
  const problem = fileProblem(manifest, file, {
    bytes: bytes.length,
    sha256: await sha256Hex(bytes),
  });
  if (problem !== null) throw unavailable(manifest.version, problem);
  return bytes;
}

export async function loadModelSpace(options: LoadOptions): Promise<ModelSpace> {
  const { bucket, version } = options;
  let manifest: ModelManifest;
  try {
    manifest = parseManifest(
      JSON.parse(new TextDecoder().decode(await readBytes(bucket, version, MODEL_FILES.manifest))),
    );
  } catch (e) {
    if (e instanceof QueryError) throw e;
    throw unavailable(version, `its manifest is unreadable: ${(e as Error).message}`);
  }
  if (manifest.version !== version) {
    throw unavailable(version, `the manifest stored under it is for version ${manifest.version}`);
  }

  const vocabBytes = await checked(
    manifest,
    manifest.vocabulary.file,
    await readBytes(bucket, version, manifest.vocabulary.file),
  );
  const vocabulary = Vocabulary.fromJSON(
    JSON.parse(new TextDecoder().decode(vocabBytes)) as VocabularyJSON,
  );
  const vocabHash = vocabulary.toJSON().hash;
  if (vocabHash !== manifest.vocabulary.hash) {
    throw unavailable(
      version,
      `the vocabulary's hash ${vocabHash.slice(0, 12)}... is not the manifest's ${manifest.vocabulary.hash.slice(0, 12)}...`,
    );
  }

  const sentenceBytes = await checked(
    manifest,
    manifest.onnx.sentenceEncoder.file,
    await readBytes(bucket, version, manifest.onnx.sentenceEncoder.file),
  );
  const sentenceEncoder = await createSession(sentenceBytes);
  let imageProjection: InferenceSession | null = null;
  if (options.withImageProjection) {
    const bytes = await checked(
      manifest,
      manifest.onnx.imageProjection.file,
      await readBytes(bucket, version, manifest.onnx.imageProjection.file),
    );
    imageProjection = await createSession(bytes);
  }

  const images = await options.openIndex(manifest, 'images');
  await requireMatchingIndex(manifest, 'images', images);
  let captions: VectorIndex<CaptionMetadata> | null = null;
  if (options.withCaptions) {
    captions = await options.openIndex(manifest, 'captions');
    await requireMatchingIndex(manifest, 'captions', captions);
  }
  return { manifest, vocabulary, sentenceEncoder, imageProjection, images, captions };
}

async function requireMatchingIndex(
  manifest: ModelManifest,
  kind: VectorKind,
  index: VectorIndex<unknown>,
): Promise<void> {
  const problem = indexProblem(manifest, kind, await index.describe());
  if (problem !== null) throw unavailable(manifest.version, problem);
}
