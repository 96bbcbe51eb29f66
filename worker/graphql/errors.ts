/**
 * What a client sees of an error. A QueryError (an expected refusal) keeps its message and gains
 * `extensions: { code, details }`; GraphQL's own errors (syntax, validation, HTTP parsing) pass
 * as yoga makes them (error-plugin.ts gives them their codes); anything else is masked as
 * "Unexpected error." with code INTERNAL_SERVER_ERROR, because its message may say more about
 * the server than a client should read. The original is kept aside for error-plugin.ts, which
 * logs it once with the request's id.
 */

import { GraphQLError } from 'graphql';
import type { YogaLogger } from 'graphql-yoga';
import { QueryError } from '../query-error.ts';

export const UNEXPECTED_ERROR_MESSAGE = 'Unexpected error.';
export const INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR';

/** The QueryError behind an error, through GraphQL's wrapping (`originalError`) and `cause`. */
export function findQueryError(error: unknown): QueryError | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; depth++) {
    if (e instanceof QueryError) return e;
    e = e instanceof GraphQLError && e.originalError !== undefined ? e.originalError : e.cause;
  }
  return undefined;
}

/** A GraphQLError that wraps no other error: one GraphQL itself (or yoga) made on purpose. */
function isOwnGraphQLError(error: unknown): error is GraphQLError {
  if (!(error instanceof GraphQLError)) return false;
  return error.originalError == null || isOwnGraphQLError(error.originalError);
}

/**
 * The error each masked error stands for. Not the masked error's `originalError`: yoga answers
 * HTTP 500 for a result without data whose errors wrap a non-GraphQL error, and a masked error
 * is a GraphQL answer (200, or the status of the request's own fault).
 */
const originals = new WeakMap<GraphQLError, unknown>();

export function maskedOriginal(error: GraphQLError): unknown {
  return originals.get(error);
}

/** yoga's `maskedErrors.maskError`: called for every error of every response. */
export function maskError(error: unknown, message: string): Error {
  const located = error instanceof GraphQLError ? error : undefined;
  // Keep where the error happened (path, locations) whatever the message becomes.
  const place = {
    nodes: located?.nodes,
    source: located?.source,
    positions: located?.positions,
    path: located?.path,
  };
  const queryError = findQueryError(error);
  if (queryError !== undefined) {
    return new GraphQLError(queryError.message, {
      ...place,
      extensions: { code: queryError.code, details: queryError.details },
    });
  }
  if (isOwnGraphQLError(error)) return error;
  // No `unexpected: true` extension: yoga would answer a request whose only errors are such with
  // HTTP 500; GraphQL over HTTP answers 200 with `errors`, and the code says what happened.
  const masked = new GraphQLError(message, {
    ...place,
    extensions: { code: INTERNAL_SERVER_ERROR },
  });
  originals.set(masked, error);
  return masked;
}

/**
 * yoga logs every error that maskError changed; error-plugin.ts logs the unexpected ones itself,
 * once, with the request's id, and a QueryError is a refusal the client was told about, not a
 * fault. So errors are not logged here; yoga's other warnings and errors are.
 */
export const graphqlLogger: YogaLogger = {
  debug: () => {},
  info: () => {},
  warn: (...args: unknown[]) => console.warn('[graphql]', ...args),
  error: (...args: unknown[]) => {
    const other = args.filter((arg) => !(arg instanceof Error));
    if (other.length > 0) console.error('[graphql]', ...other);
  },
};
