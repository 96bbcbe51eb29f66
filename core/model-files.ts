/**
 * The names in a model version's contract (DESIGN.md): the files `export` writes, the inputs and
 * outputs of its ONNX graphs, the two spaces and what each one serves. Export, local serving,
 * deploy and the worker all take these names from here; the manifest (manifest.ts) records them
 * for each version, and version-check.ts holds the one check of files against it.
 */

export const MODEL_FILES = {
  manifest: 'manifest.json',
  vocabulary: 'vocab.json',
  sentenceEncoder: 'sentence_encoder.onnx',
  imageProjection: 'image_projection.onnx',
  /** Pixels -> image vector (CNN + projection); only when the features came from our extractor. */
  imageEncoder: 'image_encoder.onnx',
  images: 'images.ndjson',
  captions: 'captions.ndjson',
} as const;

/** Graph input and output names of the ONNX files. */
export const SENTENCE_ENCODER_IO = { input: 'token_ids', output: 'sentence_vector' } as const;
export const IMAGE_PROJECTION_IO = { input: 'image_features', output: 'image_vector' } as const;
/** The image encoder takes uint8 RGB pixels [batch, height, width, 3] (core/picture-pixels.ts). */
export const IMAGE_ENCODER_IO = { input: 'pixels', output: 'image_vector' } as const;

/** The two spaces: `retrieval` serves search and annotation, `regularities` analogy. */
export const SPACES = ['retrieval', 'regularities'] as const;
export type Space = (typeof SPACES)[number];

/** A version's vectors come in two kinds, each in a vector index of its own. */
export const VECTOR_KINDS = ['images', 'captions'] as const;
export type VectorKind = (typeof VECTOR_KINDS)[number];

/**
 * What a server of each space reads: analogy needs only the images of the bag-of-words space;
 * retrieval needs captions (annotation), the image projection (annotation by raw features) and
 * the image encoder when the version has one (annotate and similar by an uploaded picture).
 */
export const SPACE_SERVES: Record<
  Space,
  { kinds: readonly VectorKind[]; imageProjection: boolean; imageEncoder: boolean }
> = {
  retrieval: { kinds: ['images', 'captions'], imageProjection: true, imageEncoder: true },
  regularities: { kinds: ['images'], imageProjection: false, imageEncoder: false },
};

/** How a flat index file stores its vectors (core/flat-index.ts). */
export const FLAT_INDEX_ENCODINGS = ['float32', 'int8'] as const;
export type FlatIndexEncoding = (typeof FLAT_INDEX_ENCODINGS)[number];

/** The flat index file of one kind and encoding, inside the version folder. */
export function flatIndexFile(kind: VectorKind, encoding: FlatIndexEncoding): string {
  return `flat/${kind}.${encoding}.bin`;
}

/** A version name: lowercase letters, digits and dashes, usable in R2 keys and index names. */
export const MODEL_VERSION_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62})$/;
