/**
 * Every `extensions.code` the API answers with, and the one place where an error that has none
 * gets its code. A client branches on the code; the message is for people.
 */

import { GraphQLError } from 'graphql';
import { QUERY_ERROR_CODES, type QueryErrorCode } from '../query-error.ts';

/** Codes of the request itself (its transport, document or limits), and of the unexpected. */
export const REQUEST_ERROR_CODES = [
  /** The document is not GraphQL. */
  'GRAPHQL_PARSE_FAILED',
  /** The document is GraphQL but not valid against the schema (an unknown field, a wrong type). */
  'GRAPHQL_VALIDATION_FAILED',
  /** A variable is missing, of the wrong type, out of a type's range, or a OneOf with two keys. */
  'BAD_USER_INPUT',
  /** The HTTP request cannot be read: a body that is not JSON, GET parameters that are not. */
  'BAD_REQUEST',
  /** A method other than GET, POST or OPTIONS (or a mutation over GET). */
  'METHOD_NOT_ALLOWED',
  /** A POST body of a type the endpoint does not read. */
  'UNSUPPORTED_MEDIA_TYPE',
  /** A response type the client accepts that the endpoint cannot give. */
  'NOT_ACCEPTABLE',
  /** A body over the endpoint's limit. */
  'REQUEST_TOO_LARGE',
  /** A mutation or subscription: the API has queries only. */
  'OPERATION_NOT_SUPPORTED',
  /** Over a limit on the document or operation: tokens, nesting, depth, fields, cost, model queries. */
  'QUERY_TOO_COMPLEX',
  /** A request the production posture refuses: a cross-site request without the CSRF header. */
  'FORBIDDEN',
  /** Too many requests from one client in the rate limit's window. */
  'RATE_LIMITED',
  /** The answer took longer than the request deadline. */
  'TIMEOUT',
  /** A fault of the server: the log has it under the error's requestId. */
  'INTERNAL_SERVER_ERROR',
] as const;
export type RequestErrorCode = (typeof REQUEST_ERROR_CODES)[number];
export type ErrorCode = QueryErrorCode | RequestErrorCode;

export const ERROR_CODES: readonly ErrorCode[] = [...QUERY_ERROR_CODES, ...REQUEST_ERROR_CODES];

/** A GraphQLError like `error` (message, place, extensions) with `code` added. */
export function withCode(error: GraphQLError, code: ErrorCode): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

const CODE_BY_STATUS: Record<number, RequestErrorCode> = {
  400: 'BAD_REQUEST',
  403: 'FORBIDDEN',
  404: 'BAD_REQUEST',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  413: 'REQUEST_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/**
 * The code of an error that carries none, from what GraphQL and yoga tell about it: an HTTP
 * status yoga attached (the transport), a syntax error (the parser), or else the unexpected.
 * Errors of validation and of variables get their codes where they arise (errorCodesPlugin);
 * this is the last word for everything else.
 */
export function codeFor(error: GraphQLError): ErrorCode {
  const status = (error.extensions.http as { status?: number } | undefined)?.status;
  if (status !== undefined) {
    return CODE_BY_STATUS[status] ?? (status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR');
  }
  if (error.message.startsWith('Syntax Error')) return 'GRAPHQL_PARSE_FAILED';
  if (UNSUPPORTED_OPERATION.test(error.message)) return 'OPERATION_NOT_SUPPORTED';
  if (INVALID_ARGUMENT.test(error.message)) return 'BAD_USER_INPUT';
  return 'INTERNAL_SERVER_ERROR';
}

/** A mutation or subscription (graphql-js says so at execution, yoga for a GET). */
const UNSUPPORTED_OPERATION =
  /^Schema is not configured to execute|^Can only perform a .* operation from a POST request/;
/** An argument built from variables that do not fit it (graphql-js, when it coerces a field's arguments). */
const INVALID_ARGUMENT = /^Argument "[^"]+" (has invalid value|of (required|non-null) type)/;

/** Errors of an execution that never started: its variables, or an operation type we lack. */
export function executionErrorCode(error: GraphQLError): ErrorCode {
  return UNSUPPORTED_OPERATION.test(error.message) ? 'OPERATION_NOT_SUPPORTED' : 'BAD_USER_INPUT';
}

/**
 * Codes yoga and graphql-tools give that this API names otherwise: a request that names no
 * operation it can run is the client's mistake in the request (BAD_REQUEST).
 */
export const RENAMED_CODES: Readonly<Record<string, ErrorCode>> = {
  REQUEST_ENTITY_TOO_LARGE: 'REQUEST_TOO_LARGE',
  OPERATION_RESOLUTION_FAILURE: 'BAD_REQUEST',
};
