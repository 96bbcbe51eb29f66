/**
 * Gives every error of every answer a code (error-codes.ts), where the error arises when that is
 * where its kind is known (the parser's, validation's, the variables'), and in a last pass over
 * the result for the rest. The last pass also logs each unexpected error once, under a request
 * id that the client gets in the error (`extensions.requestId`) and in the `x-request-id` header:
 * the message a client reads says nothing of the server, the log says everything.
 */

import { GraphQLError } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { isMultipart } from './body-limits.ts';
import { codeFor, executionErrorCode, RENAMED_CODES, withCode } from './error-codes.ts';
import { errorResponse } from './error-response.ts';
import { maskedOriginal } from './errors.ts';

const requestIds = new WeakMap<Request, string>();

/** The request's id: Cloudflare's ray id when there is one, else a random one. */
export function requestIdOf(request: Request): string {
  let id = requestIds.get(request);
  if (id === undefined) {
    id = request.headers.get('cf-ray') ?? crypto.randomUUID();
    requestIds.set(request, id);
  }
  return id;
}

function hasCode(error: GraphQLError): boolean {
  return typeof error.extensions.code === 'string';
}

/**
 * The code an error ends with: its own, unless it is yoga's catch-all BAD_REQUEST and its HTTP
 * status says more (405: METHOD_NOT_ALLOWED).
 */
function finalCode(error: GraphQLError): string {
  const own = error.extensions.code;
  if (typeof own !== 'string') return codeFor(error);
  if (own in RENAMED_CODES) return RENAMED_CODES[own] as string;
  return own === 'BAD_REQUEST' && error.extensions.http !== undefined ? codeFor(error) : own;
}

/** The error with a code, and for the unexpected a request id and one log line. */
function finished(error: GraphQLError, request: Request): GraphQLError {
  const code = finalCode(error);
  // yoga copies the error behind a bad body into `originalError`: runtime text, not for clients.
  const { originalError: _, http, ...extensions } = error.extensions;
  // A request that cannot be read is not a well-formed GraphQL request: its status (400) holds
  // whatever the response type. yoga marks its own as `spec`, which answers 200 over JSON.
  const status =
    code === 'BAD_REQUEST' && http !== undefined
      ? { http: { ...(http as object), spec: false } }
      : http !== undefined
        ? { http }
        : {};
  const coded =
    code === error.extensions.code && _ === undefined && code !== 'BAD_REQUEST'
      ? error
      : new GraphQLError(error.message, {
          nodes: error.nodes,
          source: error.source,
          positions: error.positions,
          path: error.path,
          extensions: { ...extensions, ...status, code },
        });
  if (coded.extensions.code !== 'INTERNAL_SERVER_ERROR') return coded;
  const requestId = requestIdOf(request);
  const original = maskedOriginal(error);
  const where = error.path ? ` at ${error.path.join('.')}` : '';
  const detail = original instanceof Error ? (original.stack ?? original.message) : original;
  console.error(`[graphql] request ${requestId}: ${error.message}${where}`, detail ?? '');
  return new GraphQLError(coded.message, {
    nodes: coded.nodes,
    source: coded.source,
    positions: coded.positions,
    path: coded.path,
    extensions: { ...coded.extensions, requestId },
  });
}

interface Result {
  errors?: readonly GraphQLError[];
}

function finishResult<T extends Result>(result: T, request: Request): T {
  if (!result.errors?.length) return result;
  return { ...result, errors: result.errors.map((e) => finished(e, request)) };
}

/** A request's parameters that are not JSON where JSON is due: the client's fault, said so. */
function badRequest(message: string): GraphQLError {
  return createGraphQLError(message, {
    extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
  });
}

export const errorCodesPlugin: Plugin = {
  onRequestParse({ request, requestParser, setRequestParser, endResponse }) {
    if (requestParser === undefined) {
      // No parser for this method or body type: yoga would answer an empty 415.
      if (request.method === 'POST') {
        endResponse(
          errorResponse(
            415,
            'UNSUPPORTED_MEDIA_TYPE',
            `POST bodies of type ${JSON.stringify(request.headers.get('content-type') ?? '')} are not read: send application/json (or application/graphql, or a form; multipart/form-data to upload a picture)`,
          ),
        );
      }
      return;
    }
    const multipart = isMultipart(request);
    setRequestParser(async (req) => {
      try {
        return await requestParser(req);
      } catch (e) {
        // yoga parses GET's variables and extensions with JSON.parse, unguarded.
        if (e instanceof SyntaxError) {
          throw badRequest(`The request's parameters are not valid JSON: ${e.message}`);
        }
        // yoga's multipart parser says which part is missing or malformed, without a status:
        // the request's fault all the same.
        if (multipart && e instanceof GraphQLError && e.extensions.http === undefined) {
          throw badRequest(e.message);
        }
        throw e;
      }
    });
  },
  onParse() {
    return ({ result, replaceParseResult }) => {
      if (result instanceof GraphQLError && !hasCode(result)) {
        replaceParseResult(withCode(result, 'GRAPHQL_PARSE_FAILED'));
      }
    };
  },
  onValidate() {
    return ({ result, setResult }) => {
      if (result.some((e) => !hasCode(e))) {
        setResult(result.map((e) => (hasCode(e) ? e : withCode(e, 'GRAPHQL_VALIDATION_FAILED'))));
      }
    };
  },
  onExecute() {
    return {
      onExecuteDone({ result, setResult }) {
        // An execution that never ran a field (no path) failed on its variables or its type.
        if (!('errors' in result) || !result.errors?.length) return;
        const errors = result.errors.map((e) =>
          hasCode(e) || e.path !== undefined ? e : withCode(e, executionErrorCode(e)),
        );
        setResult({ ...result, errors });
      },
    };
  },
  onResultProcess({ request, result, setResult }) {
    if (Array.isArray(result)) {
      setResult(result.map((r) => finishResult(r, request)));
    } else if (!(Symbol.asyncIterator in result)) {
      setResult(finishResult(result, request));
    }
  },
  onResponse({ request, response }) {
    response.headers.set('x-request-id', requestIdOf(request));
  },
};
