/**
 * How much of a request body the endpoint reads, by kind (yoga's own `maxRequestBodySize` is one
 * number for every kind):
 *
 *   - a JSON (or GET, or form) request: MAX_REQUEST_BYTES. The biggest honest one is an annotate
 *     with a raw feature vector: 4096 floats (VGG) written out in full take about 90 kB.
 *   - a multipart request (the GraphQL multipart request spec: an upload): MAX_MULTIPART_BYTES,
 *     one picture at its limit (UPLOAD_LIMITS.maxBytes) plus as much again as a JSON request for
 *     the `operations` and `map` parts and the multipart framing. At most MAX_UPLOADS file per
 *     request: a page that wants captions and similar images for one picture sends it once and
 *     names its variable in both fields.
 *
 * A body is refused with 413 REQUEST_TOO_LARGE before a byte is read when its Content-Length
 * says it is too big, and otherwise as soon as the bytes read pass the limit: a client that
 * streams an endless body (chunked, no length) is cut off there, never buffered whole.
 */

import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';
import { UPLOAD_LIMITS } from '../../core/picture-pixels.ts';

export const MAX_REQUEST_BYTES = 256 * 1024;
export const MAX_MULTIPART_BYTES = UPLOAD_LIMITS.maxBytes + MAX_REQUEST_BYTES;
export const MAX_UPLOADS = 1;

export function isMultipart(request: Request): boolean {
  return (request.headers.get('content-type') ?? '')
    .toLowerCase()
    .startsWith('multipart/form-data');
}

/** The body limit of a request, by its content type. */
export function bodyLimitOf(request: Request): number {
  return isMultipart(request) ? MAX_MULTIPART_BYTES : MAX_REQUEST_BYTES;
}

function tooLarge(limit: number): Error {
  return createGraphQLError(`Request body too large: at most ${limit} bytes are read`, {
    extensions: { http: { status: 413 }, code: 'REQUEST_TOO_LARGE' },
  });
}

function badRequest(message: string): Error {
  return createGraphQLError(message, {
    extensions: { http: { status: 400 }, code: 'BAD_REQUEST' },
  });
}

/**
 * The request with its body cut off past `limit` bytes: the stream errors there, and `passed()`
 * says so (a parser reports a stream error in its own words; the caller answers 413 instead).
 */
function limitedRequest(request: Request, limit: number): { request: Request; passed(): boolean } {
  let read = 0;
  let over = false;
  const body = request.body!.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        if (read > limit) {
          over = true;
          controller.error(tooLarge(limit));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  return {
    request: new Request(request.url, {
      method: request.method,
      headers: request.headers,
      signal: request.signal,
      body,
    }),
    passed: () => over,
  };
}

/** The distinct files (Blobs) in a request's parameters, counted without recursion. */
export function filesIn(params: unknown): number {
  const files = new Set<Blob>();
  const stack: unknown[] = [params];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value instanceof Blob) files.add(value);
    else if (typeof value === 'object' && value !== null) {
      for (const inner of Object.values(value)) stack.push(inner);
    }
  }
  return files.size;
}

/** Refuses params that carry more files than MAX_UPLOADS (anywhere: yoga maps them by path). */
function checkUploads(params: GraphQLParams | GraphQLParams[] | Response): void {
  if (params instanceof Response) return;
  const count = filesIn(params);
  if (count > MAX_UPLOADS) {
    throw badRequest(
      `The request uploads ${count} files; at most ${MAX_UPLOADS} is read per request (to use one picture in several fields, name its variable in each)`,
    );
  }
}

export const bodyLimitsPlugin: Plugin = {
  onRequestParse({ request, requestParser, setRequestParser }) {
    const limit = bodyLimitOf(request);
    const declared = request.headers.get('content-length');
    if (declared !== null) {
      // One non-negative integer; anything else (a list, as in request smuggling) is refused.
      if (!/^\d+$/.test(declared)) throw badRequest('Content-Length header is invalid.');
      if (Number(declared) > limit) throw tooLarge(limit);
    }
    if (requestParser === undefined || request.body === null) return;
    setRequestParser(async (incoming) => {
      const limited = limitedRequest(incoming, limit);
      let params: Awaited<ReturnType<typeof requestParser>>;
      try {
        params = await requestParser(limited.request);
      } catch (e) {
        throw limited.passed() ? tooLarge(limit) : e;
      }
      if (limited.passed()) throw tooLarge(limit);
      checkUploads(params);
      return params;
    });
  },
};
