import { describe, expect, it } from 'vitest';
import { UPLOAD_LIMITS } from '../../../core/picture-pixels.ts';
import {
  bodyLimitOf,
  filesIn,
  MAX_MULTIPART_BYTES,
  MAX_REQUEST_BYTES,
  MAX_UPLOADS,
} from '../../../worker/graphql/body-limits.ts';
import { createFakeServices } from '../../support/fake-services.ts';
import {
  type GraphQLResponseJSON,
  graphqlClient,
  LOCAL_POSTURE,
  URL_BASE,
} from '../../support/graphql-client.ts';
import { multipartRequest, pictureRequest, uploadForm } from '../../support/multipart.ts';

// How much of a body the endpoint reads, by kind, and the shapes of an upload it takes.

const ANNOTATE =
  'query ($picture: File!) { annotate(image: { picture: $picture }, first: 1) { edges { node { text } } } }';

/** A file the fake services take for the stored image of that name. */
const upload = (bytes: number, name = 'img_05.jpg') => new File([new Uint8Array(bytes)], name);

async function answer(request: Request, env = LOCAL_POSTURE) {
  const res = await graphqlClient(createFakeServices(), env).send(request);
  return { status: res.status, body: (await res.json()) as GraphQLResponseJSON };
}

/**
 * A body that streams `chunk`-byte pieces for ever (no length), counting what was pulled: a
 * client that claims nothing and sends without end.
 */
function endless(chunk = 64 * 1024): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += chunk;
      controller.enqueue(new Uint8Array(chunk).fill(0x20));
    },
  });
  return { stream, pulled: () => pulled };
}

describe('bodyLimitOf', () => {
  it('is 256 KiB for JSON and every other kind, one picture and as much again for multipart', () => {
    const typed = (type: string) => new Request(URL_BASE, { headers: { 'content-type': type } });
    expect(bodyLimitOf(typed('application/json'))).toBe(MAX_REQUEST_BYTES);
    expect(bodyLimitOf(new Request(URL_BASE))).toBe(MAX_REQUEST_BYTES);
    expect(bodyLimitOf(typed('Multipart/Form-Data; boundary=x'))).toBe(MAX_MULTIPART_BYTES);
    expect(MAX_MULTIPART_BYTES).toBe(UPLOAD_LIMITS.maxBytes + 256 * 1024);
  });
});

describe('filesIn', () => {
  it('counts the distinct files anywhere in the variables', () => {
    const a = upload(1);
    const b = upload(1);
    expect(filesIn(undefined)).toBe(0);
    expect(filesIn({ text: 'a', n: 3, list: [1, null] })).toBe(0);
    expect(filesIn({ picture: a })).toBe(1);
    expect(filesIn({ picture: a, again: a, deep: { list: [a] } })).toBe(1);
    expect(filesIn({ picture: a, other: { list: [null, b] } })).toBe(2);
  });

  it('walks any depth of nesting without recursion', () => {
    let deep: unknown = upload(1);
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(filesIn({ deep })).toBe(1);
  });
});

describe('multipart requests', () => {
  it(`take a picture of ${UPLOAD_LIMITS.maxBytes} bytes (the upload limit) with its operations`, async () => {
    const { status, body } = await answer(pictureRequest(ANNOTATE, upload(UPLOAD_LIMITS.maxBytes)));
    expect(status).toBe(200);
    expect(body).toEqual({ data: { annotate: { edges: [{ node: { text: 'a blue dog' } }] } } });
  });

  it('refuses a declared Content-Length over the limit with 413, reading none of the body', async () => {
    const { stream, pulled } = endless();
    const request = new Request(URL_BASE, {
      method: 'POST',
      headers: {
        'content-type': 'multipart/form-data; boundary=x',
        'content-length': String(MAX_MULTIPART_BYTES + 1),
      },
      body: stream,
    });
    const { status, body } = await answer(request);
    expect(status).toBe(413);
    expect(body.errors?.[0]?.extensions?.code).toBe('REQUEST_TOO_LARGE');
    expect(body.errors?.[0]?.message).toBe(
      `Request body too large: at most ${MAX_MULTIPART_BYTES} bytes are read`,
    );
    // A ReadableStream pulls once to fill its queue when it is made; nothing is read after.
    expect(pulled()).toBeLessThanOrEqual(64 * 1024);
  });

  it('cuts off a body without a length at the limit, with 413, never buffering the rest', async () => {
    const { stream, pulled } = endless();
    const request = new Request(URL_BASE, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: stream,
    });
    const { status, body } = await answer(request);
    expect(status).toBe(413);
    expect(body.errors?.[0]?.extensions?.code).toBe('REQUEST_TOO_LARGE');
    expect(pulled()).toBeGreaterThan(MAX_MULTIPART_BYTES);
    expect(pulled()).toBeLessThan(MAX_MULTIPART_BYTES + 4 * 64 * 1024);
  });

  it('cuts off a JSON body without a length at its own, smaller limit', async () => {
    const { stream, pulled } = endless();
    const request = new Request(URL_BASE, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
    });
    const { status } = await answer(request);
    expect(status).toBe(413);
    expect(pulled()).toBeLessThan(MAX_REQUEST_BYTES + 4 * 64 * 1024);
  });

  it('refuses a Content-Length that is not one number with 400', async () => {
    const request = new Request(URL_BASE, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '12, 12' },
      body: '{"query":"{ __typename }"}',
    });
    const { status, body } = await answer(request);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it(`refuses more than ${MAX_UPLOADS} file per request with 400, naming the way to share one`, async () => {
    const form = uploadForm(
      'query ($a: File, $b: File) { a: similar(picture: $a) { edges { score } } b: similar(picture: $b) { edges { score } } }',
      { a: null, b: null },
      [
        { paths: ['variables.a'], file: upload(3, 'img_01.jpg') },
        { paths: ['variables.b'], file: upload(3, 'img_02.jpg') },
      ],
    );
    const { status, body } = await answer(multipartRequest(form));
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(body.errors?.[0]?.message).toBe(
      'The request uploads 2 files; at most 1 is read per request (to use one picture in several fields, name its variable in each)',
    );
  });

  it('takes one file mapped to two variables', async () => {
    const form = uploadForm(
      'query ($a: File, $b: File) { a: similar(picture: $a, first: 1) { edges { node { id } } } b: similar(picture: $b, first: 1) { edges { node { id } } } }',
      { a: null, b: null },
      [{ paths: ['variables.a', 'variables.b'], file: upload(3, 'img_01.jpg') }],
    );
    const { status, body } = await answer(multipartRequest(form));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.a).toEqual(body.data.b);
  });
});

describe('the shapes of an upload', () => {
  const form = (parts: Record<string, string | File>) => {
    const f = new FormData();
    for (const [name, value] of Object.entries(parts)) f.set(name, value);
    return f;
  };
  const operations = JSON.stringify({ query: ANNOTATE, variables: { picture: null } });

  it.each([
    [
      'no operations part',
      form({ map: '{}', '0': upload(3) }),
      /Missing multipart form field "operations"/,
    ],
    [
      'operations that are not JSON',
      form({ operations: '{query', map: '{}' }),
      /"operations" must be a valid JSON string/,
    ],
    [
      'a map that is not JSON',
      form({ operations, map: '[0:' }),
      /"map" must be a valid JSON string/,
    ],
  ])('refuses %s with 400 BAD_REQUEST', async (_what, body, message) => {
    const answered = await answer(multipartRequest(body));
    expect(answered.status).toBe(400);
    expect(answered.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(answered.body.errors?.[0]?.message).toMatch(message);
  });

  it.each([
    [
      'a map that names a part that is not there',
      form({ operations, map: '{"0":["variables.picture"]}' }),
    ],
    [
      'a text part where the file should be',
      form({ operations, map: '{"0":["variables.picture"]}', '0': 'not a file' }),
    ],
    ['no map: the variable stays null', form({ operations })],
  ])('refuses %s with BAD_USER_INPUT', async (_what, body) => {
    const answered = await answer(multipartRequest(body));
    expect(answered.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('CSRF prevention (deployed)', () => {
  const closed = { ...LOCAL_POSTURE, CSRF_PREVENTION: 'on' };

  it('refuses a multipart request without the x-graphql-csrf header: a form can send one cross-site', async () => {
    const request = pictureRequest(ANNOTATE, upload(3));
    request.headers.delete('x-graphql-csrf');
    const { status, body } = await answer(request, closed);
    expect(status).toBe(403);
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('takes it with the header', async () => {
    const { status, body } = await answer(pictureRequest(ANNOTATE, upload(3)), closed);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });
});
