import { afterEach, describe, expect, it, vi } from 'vitest';
import { requestIdOf } from '../../../worker/graphql/error-plugin.ts';
import { createFakeServices } from '../../support/fake-services.ts';
import { graphqlClient, URL_BASE } from '../../support/graphql-client.ts';

// Every error of every answer has a code (errorCodesPlugin, through the real handler): each
// kind of request below used to be answered with an error without one, or as a server error.

afterEach(() => {
  vi.restoreAllMocks();
});

const client = () => graphqlClient(createFakeServices());

async function codes(request: Request): Promise<{ status: number; codes: unknown[] }> {
  const res = await client().send(request);
  const body = (await res.json()) as { errors?: { extensions?: { code?: unknown } }[] };
  return { status: res.status, codes: (body.errors ?? []).map((e) => e.extensions?.code) };
}

const post = (body: string, type = 'application/json') =>
  new Request(URL_BASE, {
    method: 'POST',
    headers: { 'content-type': type, accept: 'application/json' },
    body,
  });

describe('every error has a code', () => {
  it.each<[string, Request, number, string]>([
    ['a syntax error', post(JSON.stringify({ query: '{ search(' })), 200, 'GRAPHQL_PARSE_FAILED'],
    [
      'an unknown field',
      post(JSON.stringify({ query: '{ nope }' })),
      200,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'a missing required variable',
      post(
        JSON.stringify({ query: 'query ($t: String!) { search(text: $t) { edges { score } } }' }),
      ),
      400,
      'BAD_USER_INPUT',
    ],
    [
      'an Int out of 32-bit range',
      post(
        JSON.stringify({
          query: 'query ($n: Int) { search(text: "red", first: $n) { edges { score } } }',
          variables: { n: 9_999_999_999 },
        }),
      ),
      400,
      'BAD_USER_INPUT',
    ],
    [
      'a OneOf input with two keys',
      post(
        JSON.stringify({
          query: 'query ($i: ImageInput!) { annotate(image: $i) { edges { score } } }',
          variables: { i: { id: 'x', features: [1] } },
        }),
      ),
      400,
      'BAD_USER_INPUT',
    ],
    [
      'a mutation',
      post(JSON.stringify({ query: 'mutation { x }' })),
      200,
      'OPERATION_NOT_SUPPORTED',
    ],
    ['a body that is not JSON', post('{"query": '), 400, 'BAD_REQUEST'],
    [
      'GET with variables that are not JSON',
      new Request(`${URL_BASE}?query=%7B__typename%7D&variables=%7Bnope`, {
        headers: { accept: 'application/json' },
      }),
      400,
      'BAD_REQUEST',
    ],
    [
      'GET with extensions that are not JSON',
      new Request(`${URL_BASE}?query=%7B__typename%7D&extensions=%5B`, {
        headers: { accept: 'application/json' },
      }),
      400,
      'BAD_REQUEST',
    ],
    ['a PUT', new Request(URL_BASE, { method: 'PUT', body: '{}' }), 405, 'METHOD_NOT_ALLOWED'],
    [
      'a subscription',
      post(JSON.stringify({ query: 'subscription { search(text: "red") { edges { score } } }' })),
      200,
      'OPERATION_NOT_SUPPORTED',
    ],
    [
      'a OneOf input built from a null variable',
      post(
        JSON.stringify({
          query: 'query ($f: [Float!]) { annotate(image: { features: $f }) { edges { score } } }',
          variables: { f: null },
        }),
      ),
      200,
      'BAD_USER_INPUT',
    ],
    [
      'two operations and no operation name',
      post(JSON.stringify({ query: 'query A { __typename } query B { __typename }' })),
      400,
      'BAD_REQUEST',
    ],
    [
      'a body over 256 KiB',
      post(JSON.stringify({ query: `{ __typename } # ${'x'.repeat(300 * 1024)}` })),
      413,
      'REQUEST_TOO_LARGE',
    ],
    [
      "a multipart body without the spec's operations part",
      new Request(URL_BASE, {
        method: 'POST',
        body: (() => {
          const form = new FormData();
          form.set('query', '{ __typename }');
          return form;
        })(),
      }),
      400,
      'BAD_REQUEST',
    ],
    ['a body of another type', post('<q/>', 'application/xml'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('%s', async (_what, request, status, code) => {
    const answer = await codes(request);
    expect(answer.codes).toEqual([code]);
    expect(answer.status).toBe(status);
  });

  it('gives an unexpected error a request id, in the answer and the header, and logs it once', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const services = {
      ...createFakeServices(),
      image: async () => {
        throw new Error('R2 said: key models/x/flat/images.bin is corrupt');
      },
    };
    const res = await graphqlClient(services).send(
      new Request(URL_BASE, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'cf-ray': 'ray-123' },
        body: JSON.stringify({ query: '{ image(id: "x") { id } }' }),
      }),
    );
    const body = (await res.json()) as { errors: { message: string; extensions: unknown }[] };
    expect(res.headers.get('x-request-id')).toBe('ray-123');
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: 'Unexpected error.',
        extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'ray-123' },
      }),
    ]);
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0]?.[0])).toContain('request ray-123');
    expect(String(log.mock.calls[0]?.[1])).toContain('models/x/flat/images.bin is corrupt');
  });
});

describe('requestIdOf', () => {
  it("is Cloudflare's ray id when there is one, else a random id, the same for one request", () => {
    expect(requestIdOf(new Request(URL_BASE, { headers: { 'cf-ray': 'abc' } }))).toBe('abc');
    const request = new Request(URL_BASE);
    const id = requestIdOf(request);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdOf(request)).toBe(id);
    expect(requestIdOf(new Request(URL_BASE))).not.toBe(id);
  });
});
