import { env, exports } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { pictureKey } from '../../../core/r2-layout.ts';
import {
  noneMatchHolds,
  PICTURE_CACHE_CONTROL,
  type PictureBucket,
  parsePicturePath,
  SVG_CONTENT_SECURITY_POLICY,
  servePicture,
} from '../../../worker/http/pictures.ts';

const VERSION = 'test-retrieval';
const BASE = 'http://jointspace.test';

// The first bytes of each format: enough to be the file, and distinct from each other.
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4" fill="red"/></svg>';

beforeAll(async () => {
  // Stored with a misleading type: the route must serve the type of the extension.
  await env.MODELS.put(pictureKey(VERSION, 'img 06.jpg'), JPEG, {
    httpMetadata: { contentType: 'text/html' },
  });
  await env.MODELS.put(pictureKey(VERSION, 'img_07.png'), PNG);
  await env.MODELS.put(pictureKey(VERSION, 'demo_000001.svg'), SVG);
  // Outside the pictures: no path of the route may reach it.
  await env.MODELS.put(`models/${VERSION}/secret.png`, PNG);
});

afterEach(() => {
  vi.restoreAllMocks();
});

function get(path: string, init?: RequestInit): Promise<Response> {
  return servePicture(new Request(`${BASE}${path}`, init), env.MODELS);
}

async function errorOf(res: Response): Promise<{ error: string; message: string }> {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as { error: string; message: string };
}

describe('servePicture: a stored picture', () => {
  it('is served with the content type of its extension, its size and its bytes', async () => {
    const jpeg = await get('/images/test-retrieval/img%2006.jpg');
    expect(jpeg.status).toBe(200);
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    expect(jpeg.headers.get('content-length')).toBe(String(JPEG.length));
    expect(new Uint8Array(await jpeg.arrayBuffer())).toEqual(JPEG);

    const png = await get('/images/test-retrieval/img_07.png');
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await png.arrayBuffer())).toEqual(PNG);

    const svg = await get('/images/test-retrieval/demo_000001.svg');
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(await svg.text()).toBe(SVG);
  });

  it('is cacheable for a week, with its ETag and Last-Modified, and never sniffed', async () => {
    const res = await get('/images/test-retrieval/img_07.png');
    const stored = await env.MODELS.head(pictureKey(VERSION, 'img_07.png'));
    expect(res.headers.get('cache-control')).toBe(PICTURE_CACHE_CONTROL);
    expect(PICTURE_CACHE_CONTROL).toBe('public, max-age=604800');
    expect(res.headers.get('etag')).toBe(stored?.httpEtag);
    expect(res.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect(res.headers.get('last-modified')).toBe(stored?.uploaded.toUTCString());
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBeNull();
    await res.arrayBuffer();
  });

  it('is, as an SVG, sandboxed without script by its Content-Security-Policy', async () => {
    const res = await get('/images/test-retrieval/demo_000001.svg');
    expect(res.headers.get('content-security-policy')).toBe(SVG_CONTENT_SECURITY_POLICY);
    expect(SVG_CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    );
    await res.text();
  });

  it('answers 304 without a body when If-None-Match holds its ETag, 200 for another', async () => {
    const first = await get('/images/test-retrieval/img_07.png');
    const etag = first.headers.get('etag') ?? '';
    await first.arrayBuffer();

    const same = await get('/images/test-retrieval/img_07.png', {
      headers: { 'if-none-match': etag },
    });
    expect(same.status).toBe(304);
    expect(same.body).toBeNull();
    expect(same.headers.get('etag')).toBe(etag);
    expect(same.headers.get('cache-control')).toBe(PICTURE_CACHE_CONTROL);

    const other = await get('/images/test-retrieval/img_07.png', {
      headers: { 'if-none-match': '"not-this-one"' },
    });
    expect(other.status).toBe(200);
    expect(new Uint8Array(await other.arrayBuffer())).toEqual(PNG);
  });

  it('answers 304 to If-Modified-Since after its upload, and ignores If-Match', async () => {
    const later = new Date(Date.now() + 3_600_000).toUTCString();
    const res = await get('/images/test-retrieval/img_07.png', {
      headers: { 'if-modified-since': later },
    });
    expect(res.status).toBe(304);

    const ifMatch = await get('/images/test-retrieval/img_07.png', {
      headers: { 'if-match': '"not-this-one"' },
    });
    expect(ifMatch.status).toBe(200);
    await ifMatch.arrayBuffer();
  });

  it('answers HEAD with the headers of GET and no body, and 304 on a matching ETag', async () => {
    const res = await get('/images/test-retrieval/img%2006.jpg', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.body).toBeNull();
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('content-length')).toBe(String(JPEG.length));
    expect(res.headers.get('cache-control')).toBe(PICTURE_CACHE_CONTROL);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = res.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[^"]+"$/);

    const same = await get('/images/test-retrieval/img%2006.jpg', {
      method: 'HEAD',
      headers: { 'if-none-match': `"other", W/${etag}` },
    });
    expect(same.status).toBe(304);
    expect(same.headers.get('etag')).toBe(etag);
    const other = await get('/images/test-retrieval/img%2006.jpg', {
      method: 'HEAD',
      headers: { 'if-none-match': '"other"' },
    });
    expect(other.status).toBe(200);

    const missing = await get('/images/test-retrieval/nope.jpg', { method: 'HEAD' });
    expect(missing.status).toBe(404);
  });
});

describe('noneMatchHolds', () => {
  it('compares weakly, across a list, and holds for *', () => {
    expect(noneMatchHolds('"a1"', '"a1"')).toBe(true);
    expect(noneMatchHolds('W/"a1"', '"a1"')).toBe(true);
    expect(noneMatchHolds('"b2" , "a1"', '"a1"')).toBe(true);
    expect(noneMatchHolds('*', '"a1"')).toBe(true);
    expect(noneMatchHolds('"a"', '"a1"')).toBe(false);
    expect(noneMatchHolds('a1', '"a1"')).toBe(false);
    expect(noneMatchHolds(null, '"a1"')).toBe(false);
  });
});

describe('servePicture: what it does not serve', () => {
  it('answers 404 JSON for an unknown file and for an unknown version', async () => {
    const file = await get('/images/test-retrieval/nope.jpg');
    expect(file.status).toBe(404);
    expect(await errorOf(file)).toEqual({
      error: 'picture_not_found',
      message: 'Model version test-retrieval has no picture "nope.jpg".',
    });
    const version = await get('/images/other-version/img_07.png');
    expect(version.status).toBe(404);
    expect((await errorOf(version)).error).toBe('picture_not_found');
  });

  it.each([
    ['a dot-dot segment, encoded', '/images/test-retrieval/%2e%2e'],
    ['a dot-dot and an encoded slash', '/images/test-retrieval/..%2Fsecret.png'],
    ['a traversal in the version', '/images/..%2Fmodels%2Ftest-retrieval/secret.png'],
    ['an encoded slash', '/images/test-retrieval/a%2Fimg_07.png'],
    ['an encoded slash, lower case', '/images/test-retrieval/a%2fimg_07.png'],
    ['an encoded backslash', '/images/test-retrieval/a%5Cimg_07.png'],
    ['a double-encoded slash', '/images/test-retrieval/a%252Fimg_07.png'],
    ['a NUL', '/images/test-retrieval/img_07%00.png'],
    ['a name over 255 bytes', `/images/test-retrieval/${'a'.repeat(296)}.png`],
    ['a malformed escape', '/images/test-retrieval/%E0%A4%A.png'],
    ['three segments', '/images/test-retrieval/extra/img_07.png'],
    ['one segment', '/images/test-retrieval'],
    ['an empty file name', '/images/test-retrieval/'],
    ['a file that is not a picture', '/images/test-retrieval/run.exe'],
    ['a version the exports never make', '/images/Test_Retrieval/img_07.png'],
  ])('refuses %s with 400 bad_picture_path', async (_what, path) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body.error).toBe('bad_picture_path');
    expect(body.message).toMatch(/^Not a picture's path: /);
  });

  it('answers other methods with 405 and Allow', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await get('/images/test-retrieval/img_07.png', { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
      expect((await errorOf(res)).error).toBe('method_not_allowed');
    }
  });

  it('answers 503 JSON, and logs why, when R2 cannot be read (GET and HEAD)', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const down = async (): Promise<never> => {
      throw new Error('R2 is down');
    };
    const broken: PictureBucket = { get: down, head: down };
    for (const method of ['GET', 'HEAD']) {
      const res = await servePicture(
        new Request(`${BASE}/images/test-retrieval/img_07.png`, { method }),
        broken,
      );
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await errorOf(res)).toEqual({
        error: 'pictures_unavailable',
        message: 'The picture cannot be read now; try again shortly.',
      });
    }
    expect(log).toHaveBeenCalledTimes(2);
    expect(log).toHaveBeenCalledWith(
      '[pictures] reading images/test-retrieval/img_07.png failed: R2 is down',
    );
  });
});

describe('parsePicturePath', () => {
  it('decodes each segment once and names the content type', () => {
    expect(parsePicturePath('/images/v1/caf%C3%A9%20au%20lait.JPG')).toEqual({
      version: 'v1',
      file: 'café au lait.JPG',
      contentType: 'image/jpeg',
    });
  });

  it('refuses literal dot-dot segments, which a URL parser would have resolved already', () => {
    for (const path of ['/images/v1/..', '/images/../a.png', '/images/v1/../a.png']) {
      expect(parsePicturePath(path), path).toHaveProperty('problem');
    }
  });

  it('refuses a path outside the route', () => {
    expect(parsePicturePath('/models/v1/a.png')).toEqual({
      problem: "a picture's path starts with /images/",
    });
  });
});

describe('the worker routes pictures', () => {
  it('serves /images/<version>/<file> through its fetch handler', async () => {
    const res = await exports.default.fetch(`${BASE}/images/test-retrieval/demo_000001.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(await res.text()).toBe(SVG);
  });

  it('reaches nothing outside the pictures through dot segments', async () => {
    const res = await exports.default.fetch(
      `${BASE}/images/test-retrieval/../../models/test-retrieval/secret.png`,
    );
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toBe('not_found');
  });

  it('refuses a bad picture path with 400, not 500', async () => {
    const res = await exports.default.fetch(`${BASE}/images/test-retrieval/%E0%A4%A.png`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('bad_picture_path');
  });
});
