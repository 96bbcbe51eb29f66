/**
 * The values resolvers pass down as the parent of each schema type (codegen's `mappers`, see
 * codegen.ts): the services' records as they are, and, for payloads that can show an image, the
 * image's id, so that a query that does not ask for the image costs no lookup.
 */
import type { CaptionRecord, EncodedQuery, ImageRecord } from '../api/services.ts';

export type { ModelManifest as ModelParent } from '../../core/manifest.ts';
export type {
  CaptionRecord as CaptionParent,
  ImageRecord as ImageParent,
} from '../api/services.ts';

/** `models`: nothing yet; each space's field asks the services for its own manifest. */
export type ServedModelsParent = Record<string, never>;

export interface PageInfoParent {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface EdgeParent<T> {
  cursor: string;
  node: T;
  score: number;
}

export interface ConnectionParent<T> {
  edges: EdgeParent<T>[];
  pageInfo: PageInfoParent;
}

export interface AnnotationConnectionParent extends ConnectionParent<CaptionRecord> {
  /** The id the image was given by; null when it was given by features or a picture. */
  imageId: string | null;
}

export interface AnalogyMatchParent {
  rank: number;
  score: number;
  node: ImageRecord;
}

export interface AnalogyResultParent {
  imageId: string;
  minus: EncodedQuery;
  plus: EncodedQuery;
  matches: AnalogyMatchParent[];
}

export interface SimilarConnectionParent extends ConnectionParent<ImageRecord> {
  /** The id of the stored image the list started from; null when it started from a picture. */
  imageId: string | null;
}
