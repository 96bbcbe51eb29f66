import { describe, expect, it, vi } from 'vitest';
import { ApiError, createQuery, GRAPHQL_ENDPOINT } from '../../web/api.ts';
import {
  ImageDetailsDocument,
  PictureSearchDocument,
  SearchDocument,
} from '../../web/generated/operations.ts';

const variables = { text: 'two dogs', first: 24, after: null, split: null };

function answer(body: unknown, init: ResponseInit = {}): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status: 200,
    headers: { 'content-type': 'application/graphql-response+json' },
    ...init,
  });
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('the API client', () => {
  it('POSTs the operation and its variables as JSON, with the CSRF header', async () => {
    const fetchFn = vi.fn<typeof fetch>(async () => answer({ data: { image: null } }));
    await createQuery(fetchFn)(ImageDetailsDocument, { id: 'a.svg' });
    expect(fetchFn).toHaveBeenCalledOnce();
    const [url, init] = fetchFn.mock.calls[0]!;
    expect(url).toBe(GRAPHQL_ENDPOINT);
    expect(init?.method).toBe('POST');
    const headers = new Headers(init?.headers);
    expect(headers.get('content-type')).toBe('application/json');
    expect(headers.get('x-graphql-csrf')).toBe('1');
    const body = JSON.parse(String(init?.body));
    expect(body.variables).toEqual({ id: 'a.svg' });
    expect(body.query).toContain('query ImageDetails($id: ID!)');
    // The fragment travels with the operation that spreads it.
    expect(body.query).toContain('fragment Picture on Image');
  });

  it('sends a picture as one multipart request (operations, map, file) with the CSRF header', async () => {
    const fetchFn = vi.fn<typeof fetch>(async () =>
      answer({ data: { annotate: { edges: [] }, similar: { edges: [] } } }),
    );
    const picture = new File(['jpeg bytes'], 'dog.jpg', { type: 'image/jpeg' });
    const variables = { picture, captions: 5, first: 24, split: null };
    await createQuery(fetchFn)(PictureSearchDocument, variables);
    expect(fetchFn).toHaveBeenCalledOnce();
    const [url, init] = fetchFn.mock.calls[0]!;
    expect(url).toBe(GRAPHQL_ENDPOINT);
    expect(init?.method).toBe('POST');
    const headers = new Headers(init?.headers);
    expect(headers.get('x-graphql-csrf')).toBe('1');
    // The browser writes the multipart Content-Type with its boundary; a set one would lack it.
    expect(headers.get('content-type')).toBeNull();
    expect(init?.body).toBeInstanceOf(FormData);
    const form = init?.body as FormData;
    expect([...form.keys()]).toEqual(['operations', 'map', '0']);
    const operations = JSON.parse(String(form.get('operations')));
    expect(operations.query).toContain('annotate(image: {picture: $picture}');
    expect(operations.query).toContain('similar(picture: $picture');
    expect(operations.variables).toEqual({ picture: null, captions: 5, first: 24, split: null });
    expect(JSON.parse(String(form.get('map')))).toEqual({ '0': ['variables.picture'] });
    const part = form.get('0') as File;
    expect([part.name, part.type, part.size]).toEqual(['dog.jpg', 'image/jpeg', picture.size]);
  });

  it('resolves with the data', async () => {
    const search = {
      query: { unknownWords: [] },
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    };
    const query = createQuery(async () => answer({ data: { search } }));
    expect(await query(SearchDocument, variables)).toEqual({ search });
  });

  it('rejects with the first GraphQL error: message, code and details', async () => {
    const query = createQuery(async () =>
      answer({
        errors: [
          {
            message: 'no word of the text is in the vocabulary: "zzz"',
            extensions: { code: 'NO_KNOWN_WORDS', details: { unknownWords: ['zzz'] } },
          },
          { message: 'second', extensions: { code: 'OTHER' } },
        ],
        data: null,
      }),
    );
    const error = await failure(query(SearchDocument, variables));
    expect(error.message).toBe('no word of the text is in the vocabulary: "zzz"');
    expect(error.code).toBe('NO_KNOWN_WORDS');
    expect(error.details).toEqual({ unknownWords: ['zzz'] });
    expect(error.status).toBe(200);
  });

  it('rejects even when errors come with partial data', async () => {
    const query = createQuery(async () =>
      answer({
        data: { image: null },
        errors: [{ message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
      }),
    );
    expect((await failure(query(ImageDetailsDocument, { id: 'a' }))).code).toBe(
      'INTERNAL_SERVER_ERROR',
    );
  });

  it('reads HTTP 429 (the rate limit) as RATE_LIMITED with its message', async () => {
    const query = createQuery(async () =>
      answer(
        {
          errors: [
            {
              message: 'Too many requests from this client; try again in 60 s.',
              extensions: { code: 'RATE_LIMITED' },
            },
          ],
        },
        { status: 429, headers: { 'retry-after': '60' } },
      ),
    );
    const error = await failure(query(SearchDocument, variables));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.status).toBe(429);
    expect(error.message).toContain('try again in 60 s');
  });

  it('names an HTTP failure without a GraphQL body by its status', async () => {
    const query = createQuery(async () => answer('<h1>Bad gateway</h1>', { status: 502 }));
    const error = await failure(query(SearchDocument, variables));
    expect(error.code).toBe('HTTP_502');
    expect(error.message).toContain('502');
  });

  it('names an error without a code by the HTTP status', async () => {
    const query = createQuery(async () =>
      answer({ errors: [{ message: 'Must provide query string.' }] }, { status: 400 }),
    );
    const error = await failure(query(SearchDocument, variables));
    expect(error).toMatchObject({ code: 'HTTP_400', message: 'Must provide query string.' });
  });

  it('reads a 200 answer that is not GraphQL, or has no data, as BAD_RESPONSE', async () => {
    for (const body of ['not json', '[1, 2]', JSON.stringify({ data: null }), '{}']) {
      const query = createQuery(async () => answer(body));
      expect((await failure(query(SearchDocument, variables))).code, body).toBe('BAD_RESPONSE');
    }
  });

  it('reads a network failure as NETWORK_ERROR', async () => {
    const query = createQuery(async () => {
      throw new TypeError('Failed to fetch');
    });
    const error = await failure(query(SearchDocument, variables));
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toMatch(/could not be reached/);
    expect(error.status).toBeUndefined();
  });

  it('passes the abort through as it is, not as a network failure', async () => {
    const controller = new AbortController();
    const query = createQuery(async (_url, init) => {
      controller.abort();
      init?.signal?.throwIfAborted();
      return answer({ data: {} });
    });
    const error = await query(SearchDocument, variables, controller.signal).catch((e) => e);
    expect(error).not.toBeInstanceOf(ApiError);
    expect((error as Error).name).toBe('AbortError');
  });
});
