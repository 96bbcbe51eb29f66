import type { ModelManifest } from '../../core/manifest.ts';
import type { Space } from '../../core/model-files.ts';

/**
 * What the GraphQL resolvers need from the rest of the worker. The resolvers validate paging
 * arguments and shape answers; everything that touches models and vectors is behind this
 * interface (worker/api/jointspace-services.ts implements it over R2, ONNX Runtime and a
 * VectorIndex). Expected failures are thrown as QueryError (query-error.ts).
 *
 * A `split` argument keeps only results of that dataset split (the filter is applied before the
 * top k are taken); it must be one of the model's `vectors.splits`, QueryError UNKNOWN_SPLIT
 * otherwise. Omitted: every split.
 */

export interface ImageRecord {
  /** The vector id: the image's file name, or "h:<hash>" for long names. */
  id: string;
  /** The file name in the dataset. */
  file: string;
  split: string;
  url?: string;
}

export interface CaptionRecord {
  /** The vector id: "<image id>#<k>". */
  id: string;
  text: string;
  imageId: string;
  split: string;
}

/** A result with its cosine similarity to the query (higher is better). */
export interface Scored<T> {
  item: T;
  score: number;
}

/** The query text as the model saw it. */
export interface EncodedQuery {
  tokens: string[];
  /** Distinct words of the text that are not in the vocabulary (they were ignored / <unk>). */
  unknownWords: string[];
}

export interface JointspaceServices {
  /** The manifest of the model version a space serves (each space loads, and fails, alone). */
  model(space: Space): Promise<ModelManifest>;
  /** Images for a sentence, best first, `topK` at most (retrieval space). */
  search(
    text: string,
    topK: number,
    split?: string,
  ): Promise<{ query: EncodedQuery; results: Scored<ImageRecord>[] }>;
  /** Captions for a stored image, best first (retrieval space). Unknown id: QueryError UNKNOWN_IMAGE. */
  annotateImage(imageId: string, topK: number, split?: string): Promise<Scored<CaptionRecord>[]>;
  /** Captions for a raw CNN feature vector of the model's input dimension. */
  annotateFeatures(
    features: readonly number[],
    topK: number,
    split?: string,
  ): Promise<Scored<CaptionRecord>[]>;
  /**
   * Captions for an uploaded picture, best first (retrieval space): decoded, brought to the image
   * encoder's input and encoded by the model's image encoder. NO_IMAGE_ENCODER when the model has
   * none; NOT_A_PICTURE, UNSUPPORTED_PICTURE, PICTURE_TOO_LARGE for the upload
   * (worker/pictures/picture-input.ts). One picture is decoded and encoded once per request,
   * however many fields use it.
   */
  annotatePicture(picture: Blob, topK: number, split?: string): Promise<Scored<CaptionRecord>[]>;
  /** Images nearest an uploaded picture, best first, `topK` at most (as annotatePicture). */
  similarToPicture(picture: Blob, topK: number, split?: string): Promise<Scored<ImageRecord>[]>;
  /**
   * Images nearest a stored image, best first, the image itself left out wherever it ranks
   * (retrieval space): `topK` at most, and at most QUERY_LIMITS.maxResults - 1, so that the
   * list is the same whether or not the image is among the nearest. Unknown id: UNKNOWN_IMAGE.
   */
  similar(imageId: string, topK: number, split?: string): Promise<Scored<ImageRecord>[]>;
  /**
   * Images for image - minus words + plus words (regularities space): the top `pool` by cosine,
   * re-ranked by distance to their centroid, first `k` kept.
   */
  analogy(
    imageId: string,
    minus: readonly string[],
    plus: readonly string[],
    pool: number,
    k: number,
  ): Promise<{ minus: EncodedQuery; plus: EncodedQuery; results: Scored<ImageRecord>[] }>;
  /** One image by id, or null. */
  image(id: string): Promise<ImageRecord | null>;
  /** Captions of one image (its own, from the dataset), in order. */
  captionsOf(imageId: string): Promise<CaptionRecord[]>;
}
