/**
 * The ways a query can be refused, each with a code a client can branch on. Resolvers and the
 * services behind them throw QueryError; the GraphQL layer turns it into an error whose
 * `extensions` carry `code` and `details`, never a masked "Unexpected error".
 */

export const QUERY_ERROR_CODES = [
  /** The text is empty or only punctuation. */
  'EMPTY_TEXT',
  /** More characters or tokens than the model takes. details: { maxCharacters, maxTokens, characters?, tokens? } */
  'TEXT_TOO_LONG',
  /** No word of the text is in the vocabulary. details: { unknownWords } */
  'NO_KNOWN_WORDS',
  /** No image has this id. details: { imageId } */
  'UNKNOWN_IMAGE',
  /** A split the model does not have (a filter on search, annotate, similar). details: { split, splits } */
  'UNKNOWN_SPLIT',
  /** A feature vector of the wrong length, or with NaN/Infinity. details: { expected, got } or { index } */
  'BAD_FEATURES',
  /** A numeric argument outside its range, or a bad cursor. details: { argument, min, max, got } */
  'OUT_OF_RANGE',
  /** An upload that is not a picture, or does not decode. details: { reason } */
  'NOT_A_PICTURE',
  /** A picture of a format the decoders do not read (GIF, AVIF, HEIC, ...). details: { format, formats } */
  'UNSUPPORTED_PICTURE',
  /** A picture over a limit. details: { limit: 'bytes' | 'pixels' | 'side', max, got } */
  'PICTURE_TOO_LARGE',
  /** The model has no image encoder (trained on features from another extractor). details: { version, extractor } */
  'NO_IMAGE_ENCODER',
  /** The model files and the vector index do not belong together, or cannot be loaded. */
  'MODEL_UNAVAILABLE',
] as const;
export type QueryErrorCode = (typeof QUERY_ERROR_CODES)[number];

export class QueryError extends Error {
  override readonly name = 'QueryError';
  constructor(
    readonly code: QueryErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
