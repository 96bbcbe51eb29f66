/**
 * What a client sees of an error. A QueryError (an expected refusal) keeps its message and gains
 * `extensions: { code, details }`; GraphQL's own errors (syntax, validation, HTTP parsing) pass
 * as yoga makes them; anything else is masked as "Unexpected error." with code
 * INTERNAL_SERVER_ERROR, because its message may say more about the server than a client should
 * read, and is logged, because nobody else will see it.
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
  return new GraphQLError(message, { ...place, extensions: { code: INTERNAL_SERVER_ERROR } });
}

function describeError(error: unknown): unknown {
  if (!(error instanceof GraphQLError)) return error;
  const where = error.path === undefined ? '' : ` at ${error.path.join('.')}`;
  return `${error.message}${where}\n${error.originalError?.stack ?? error.stack ?? ''}`;
}

/**
 * yoga logs every error that maskError changed. A QueryError is a refusal the client was told
 * about, not a fault, so it is not logged; the rest goes to console.error (the Workers log).
 */
export const graphqlLogger: YogaLogger = {
  debug: () => {},
  info: () => {},
  warn: (...args: unknown[]) => console.warn('[graphql]', ...args),
  error: (...args: unknown[]) => {
    const faults = args.filter((arg) => findQueryError(arg) === undefined);
    if (faults.length > 0)
      console.error('[graphql] unexpected error:', ...faults.map(describeError));
  },
};
