/**
 * The picture route: GET or HEAD `/images/<version>/<file>` answers with a model version's
 * picture from R2 (`images/<version>/<file>`, core/r2-layout.ts), cacheable for a week and
 * revalidated by ETag. The path is read still percent-encoded and each segment decoded once, so
 * an encoded slash or backslash stays inside its segment, where the file name check refuses it;
 * nothing outside `images/<version>/` can be named. The content type comes from the file's
 * extension, never from what was stored with it. Pictures are not counted against the GraphQL
 * rate limit: one results page shows up to 100 of them.
 */
import { MODEL_VERSION_PATTERN } from '../../core/model-files.ts';
import { pictureContentType, pictureFileProblem } from '../../core/pictures.ts';
import { PICTURES_PREFIX, pictureKey } from '../../core/r2-layout.ts';

/** Every picture's path starts with this (the worker routes such paths here). */
export const PICTURE_ROUTE_PREFIX = `/${PICTURES_PREFIX}/`;

/** A version's pictures never change in place (a new export is a new version): a week. */
export const PICTURE_CACHE_CONTROL = 'public, max-age=604800';

/** An SVG opened on its own is a document on our origin: no script, no fetches, sandboxed. */
export const SVG_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

const ALLOWED_METHODS = 'GET, HEAD';

/** A picture a path names: its version, its file name and the type it is served as. */
export interface PictureAddress {
  version: string;
  file: string;
  contentType: string;
}

function errorJSON(
  status: number,
  error: string,
  message: string,
  headers?: HeadersInit,
): Response {
  return Response.json({ error, message }, { status, ...(headers ? { headers } : {}) });
}

/** One path segment, percent-decoded once; null for a malformed escape (decoding would throw). */
function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * The picture a raw (still percent-encoded) URL path names, or the reason it names none. The
 * reasons never repeat the path: it is the client's, and may be long.
 */
export function parsePicturePath(rawPath: string): PictureAddress | { problem: string } {
  if (!rawPath.startsWith(PICTURE_ROUTE_PREFIX)) {
    return { problem: `a picture's path starts with ${PICTURE_ROUTE_PREFIX}` };
  }
  const segments = rawPath.slice(PICTURE_ROUTE_PREFIX.length).split('/');
  if (segments.length !== 2) {
    return { problem: `a picture's path is ${PICTURE_ROUTE_PREFIX}<version>/<file>` };
  }
  const [version, file] = segments.map(decodeSegment);
  if (version == null || file == null) {
    return { problem: 'the path holds a malformed percent-escape' };
  }
  if (!MODEL_VERSION_PATTERN.test(version)) {
    return { problem: `the version must match ${MODEL_VERSION_PATTERN}` };
  }
  const fileProblem = pictureFileProblem(file);
  const contentType = pictureContentType(file);
  if (fileProblem !== null || contentType === null) {
    return { problem: fileProblem ?? 'the file is not a picture' };
  }
  return { version, file, contentType };
}

/**
 * The request's cache validators, for R2's conditional read. Only these two: when R2 then
 * returns no body, the answer is always 304 Not Modified. If-Match and If-Unmodified-Since guard
 * writes; a picture is only ever read, and is not replaced in place.
 */
function cacheValidators(request: Request): Headers {
  const validators = new Headers();
  for (const name of ['if-none-match', 'if-modified-since']) {
    const value = request.headers.get(name);
    if (value !== null) validators.set(name, value);
  }
  return validators;
}

/** The headers of a 200 and a 304 alike (a 304 repeats the caching headers, RFC 9110 15.4.5). */
function pictureHeaders(object: R2Object, contentType: string): Headers {
  const headers = new Headers({
    'content-type': contentType,
    etag: object.httpEtag,
    'last-modified': object.uploaded.toUTCString(),
    'cache-control': PICTURE_CACHE_CONTROL,
    'x-content-type-options': 'nosniff',
  });
  if (contentType === 'image/svg+xml') {
    headers.set('content-security-policy', SVG_CONTENT_SECURITY_POLICY);
  }
  return headers;
}

/** The bucket's methods the route uses. */
export type PictureBucket = Pick<R2Bucket, 'get' | 'head'>;

/** GET: R2's conditional read; an object without a body means a validator matched. */
async function getPicture(
  bucket: PictureBucket,
  key: string,
  request: Request,
  contentType: string,
): Promise<Response | null> {
  const object = await bucket.get(key, { onlyIf: cacheValidators(request) });
  if (object === null) return null;
  const headers = pictureHeaders(object, contentType);
  if (!('body' in object)) return new Response(null, { status: 304, headers });
  headers.set('content-length', String(object.size));
  return new Response(object.body, { headers });
}

/** Whether an If-None-Match value is `*` or names the ETag (weak comparison, RFC 9110 13.1.2). */
export function noneMatchHolds(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

/**
 * HEAD: the object's metadata only, so that no body is opened just to be dropped; If-None-Match
 * is checked here, as R2 would for a GET (If-Modified-Since is not: a 200 is always a right
 * answer, and browsers revalidate with GET).
 */
async function headPicture(
  bucket: PictureBucket,
  key: string,
  request: Request,
  contentType: string,
): Promise<Response | null> {
  const object = await bucket.head(key);
  if (object === null) return null;
  const headers = pictureHeaders(object, contentType);
  if (noneMatchHolds(request.headers.get('if-none-match'), object.httpEtag)) {
    return new Response(null, { status: 304, headers });
  }
  headers.set('content-length', String(object.size));
  return new Response(null, { headers });
}

/** The picture route's answer to a request whose path starts with PICTURE_ROUTE_PREFIX. */
export async function servePicture(request: Request, bucket: PictureBucket): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return errorJSON(
      405,
      'method_not_allowed',
      `Pictures are read with ${ALLOWED_METHODS}, not ${request.method}.`,
      { allow: ALLOWED_METHODS },
    );
  }
  const address = parsePicturePath(new URL(request.url).pathname);
  if ('problem' in address) {
    return errorJSON(400, 'bad_picture_path', `Not a picture's path: ${address.problem}.`);
  }
  const key = pictureKey(address.version, address.file);
  let answer: Response | null;
  try {
    const read = request.method === 'HEAD' ? headPicture : getPicture;
    answer = await read(bucket, key, request, address.contentType);
  } catch (e) {
    console.error(
      `[pictures] reading ${key} failed: ${e instanceof Error ? e.message : String(e)}`,
    );
    return errorJSON(
      503,
      'pictures_unavailable',
      'The picture cannot be read now; try again shortly.',
      { 'retry-after': '5' },
    );
  }
  return (
    answer ??
    errorJSON(
      404,
      'picture_not_found',
      `Model version ${address.version} has no picture ${JSON.stringify(address.file)}.`,
    )
  );
}
