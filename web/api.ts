/**
 * The page's GraphQL client: POST /graphql with an operation typed by codegen, and either its
 * data or an ApiError that carries the server's message and code. Every way a request can fail
 * (no connection, a refusal such as HTTP 429, GraphQL errors, an answer that is not GraphQL)
 * ends as an ApiError, so the page can always say what happened. Variables that hold a File (a
 * picture to search with) go as a multipart request (multipart.ts), the rest as JSON.
 */
import type { TypedDocumentString } from './generated/operations.ts';
import { extractFiles, multipartBody } from './multipart.ts';

export const GRAPHQL_ENDPOINT = '/graphql';

/** Codes the page gives failures that the server did not name itself. */
export const CLIENT_ERROR_CODES = {
  network: 'NETWORK_ERROR',
  badResponse: 'BAD_RESPONSE',
} as const;

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    message: string,
    /** The server's `extensions.code`, `HTTP_<status>`, or one of CLIENT_ERROR_CODES. */
    readonly code: string,
    /** The server's `extensions.details`, when it sent them. */
    readonly details?: unknown,
    /** The HTTP status, when an answer came. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** A GraphQL query function: the operation's data, or an ApiError (or the AbortError). */
export type Query = <Result, Variables>(
  operation: TypedDocumentString<Result, Variables>,
  variables: Variables,
  signal?: AbortSignal,
) => Promise<Result>;

interface GraphQLBody {
  data?: unknown;
  errors?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first of a body's `errors`, as an ApiError; null when there are none. */
function firstError(body: GraphQLBody, status: number): ApiError | null {
  if (!Array.isArray(body.errors) || body.errors.length === 0) return null;
  const error: unknown = body.errors[0];
  const message =
    isRecord(error) && typeof error.message === 'string' ? error.message : 'Unknown error.';
  const extensions = isRecord(error) && isRecord(error.extensions) ? error.extensions : {};
  const code = typeof extensions.code === 'string' ? extensions.code : `HTTP_${status}`;
  return new ApiError(message, code, extensions.details, status);
}

async function readBody(response: Response): Promise<GraphQLBody | null> {
  try {
    const body: unknown = JSON.parse(await response.text());
    return isRecord(body) ? body : null;
  } catch {
    return null;
  }
}

/** The request's headers and body: JSON, or multipart when the variables hold files. */
function requestOf(query: string, variables: unknown): { headers: HeadersInit; body: BodyInit } {
  const headers: Record<string, string> = {
    accept: 'application/graphql-response+json, application/json',
    // The server's CSRF prevention lets a request through only with this header (a multipart
    // one too: a plain HTML form could send that without it).
    'x-graphql-csrf': '1',
  };
  const { clean, files } = extractFiles(variables);
  if (files.length > 0) return { headers, body: multipartBody(query, clean, files) };
  headers['content-type'] = 'application/json';
  return { headers, body: JSON.stringify({ query, variables }) };
}

/** A query function that sends through `fetchFn` (the browser's fetch; a stub in tests). */
export function createQuery(fetchFn: typeof fetch, endpoint = GRAPHQL_ENDPOINT): Query {
  return async function query<Result, Variables>(
    operation: TypedDocumentString<Result, Variables>,
    variables: Variables,
    signal?: AbortSignal,
  ): Promise<Result> {
    const request = requestOf(operation.toString(), variables);
    let response: Response;
    try {
      response = await fetchFn(endpoint, { method: 'POST', ...request, signal: signal ?? null });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError(
        'The server could not be reached; check the connection and try again.',
        CLIENT_ERROR_CODES.network,
      );
    }
    const body = await readBody(response);
    if (!body) {
      throw new ApiError(
        `The server answered ${response.status} without a GraphQL result.`,
        response.ok ? CLIENT_ERROR_CODES.badResponse : `HTTP_${response.status}`,
        undefined,
        response.status,
      );
    }
    const error = firstError(body, response.status);
    if (error) throw error;
    if (!response.ok || !isRecord(body.data)) {
      throw new ApiError(
        `The server answered ${response.status} without data.`,
        response.ok ? CLIENT_ERROR_CODES.badResponse : `HTTP_${response.status}`,
        undefined,
        response.status,
      );
    }
    // The server checks results against the schema the types were generated from.
    return body.data as Result;
  };
}
