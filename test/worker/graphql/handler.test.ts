import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES } from '../../../worker/graphql/body-limits.ts';
import { MAX_MODEL_QUERIES } from '../../../worker/graphql/operation-limits.ts';
import { createFakeServices } from '../../support/fake-services.ts';
import { type GraphQLResponseJSON, graphqlClient, URL_BASE } from '../../support/graphql-client.ts';

// The endpoint as HTTP: GraphiQL for browsers, GET queries, yoga's answers to malformed
// requests, the request limits, and the worker's routing to it.

const post = (body: string, headers: Record<string, string> = {}) =>
  new Request(URL_BASE, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body,
  });

describe('GraphiQL', () => {
  it('is served to a browser GET, opening on an example of each query', async () => {
    const res = await graphqlClient(createFakeServices()).send(
      new Request(URL_BASE, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<title>jointspace</title>');
    for (const example of ['query Search', 'query Annotate', 'query Analogy', 'query Models']) {
      expect(html).toContain(example);
    }
  });
});

describe('requests', () => {
  it('answers a query sent by GET', async () => {
    const url = `${URL_BASE}?query=${encodeURIComponent('{ image(id: "img_02.jpg") { id } }')}`;
    const res = await graphqlClient(createFakeServices()).send(
      new Request(url, { headers: { accept: 'application/json' } }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { image: { id: 'img_02.jpg' } } });
  });

  it('answers malformed JSON with 400 and a message', async () => {
    const res = await graphqlClient(createFakeServices()).send(post('{"query": '));
    expect(res.status).toBe(400);
    const body = (await res.json()) as GraphQLResponseJSON;
    expect(body.errors?.[0]?.message).toMatch(/POST body sent invalid JSON/);
  });

  it('answers a request without a query with 400 and a message', async () => {
    const res = await graphqlClient(createFakeServices()).send(
      post('{"variables": {}}', { accept: 'application/graphql-response+json' }),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as GraphQLResponseJSON;
    expect(body.errors?.[0]?.message).toMatch(/Must provide query string/);
  });

  it('answers a syntax error with a message and its location', async () => {
    const { body } = await graphqlClient(createFakeServices()).query('{ search(text: ) }');
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^Syntax Error/),
      locations: [{ line: 1, column: 16 }],
    });
  });

  it('answers an unknown field with a suggestion: 400 under GraphQL over HTTP, 200 for application/json', async () => {
    const query = JSON.stringify({ query: '{ serch(text: "red") { edges { score } } }' });
    const client = graphqlClient(createFakeServices());
    const strict = await client.send(post(query, { accept: 'application/graphql-response+json' }));
    expect(strict.status).toBe(400);
    const body = (await strict.json()) as GraphQLResponseJSON;
    expect(body.errors?.[0]?.message).toBe(
      'Cannot query field "serch" on type "Query". Did you mean "search"?',
    );
    const legacy = await client.send(post(query));
    expect(legacy.status).toBe(200);
    expect(((await legacy.json()) as GraphQLResponseJSON).errors).toHaveLength(1);
  });

  it(`refuses a body over ${MAX_REQUEST_BYTES} bytes with 413`, async () => {
    const padding = ' '.repeat(MAX_REQUEST_BYTES);
    const res = await graphqlClient(createFakeServices()).send(
      post(`{"query": "{ __typename }"${padding}}`),
    );
    expect(res.status).toBe(413);
  });

  it('takes a 4096-d feature vector written out in full (the largest honest request)', async () => {
    const features = Array.from({ length: 4096 }, (_, i) => Math.sin(i) / 3);
    const body = JSON.stringify({
      query: 'query ($f: [Float!]!) { annotate(image: { features: $f }) { edges { score } } }',
      variables: { f: features },
    });
    expect(body.length).toBeLessThan(MAX_REQUEST_BYTES);
    const res = await graphqlClient(createFakeServices()).send(post(body));
    expect(res.status).toBe(200);
    // The fake model takes 4 features: the services refuse, the endpoint did not.
    const answer = (await res.json()) as GraphQLResponseJSON;
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_FEATURES');
  });
});

describe('model queries per operation', () => {
  const aliased = (n: number) =>
    `{ ${Array.from({ length: n }, (_, i) => `q${i}: search(text: "red") { edges { score } }`).join(' ')} }`;

  it(`answers up to ${MAX_MODEL_QUERIES}`, async () => {
    const { body } = await graphqlClient(createFakeServices()).query(aliased(MAX_MODEL_QUERIES));
    expect(body.errors).toBeUndefined();
    expect(Object.keys(body.data)).toHaveLength(MAX_MODEL_QUERIES);
  });

  it('refuses more, counting aliases and fragments, before running any', async () => {
    const services = createFakeServices();
    const client = graphqlClient(services);
    const { body } = await client.query(aliased(MAX_MODEL_QUERIES + 1));
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.message).toBe(
      `The operation asks for ${MAX_MODEL_QUERIES + 1} model queries (search, annotate, similar, analogy); at most ${MAX_MODEL_QUERIES} are answered per operation.`,
    );
    const viaFragments = await client.query(`
      query { ...A ... on Query { c: analogy(imageId: "img_00.jpg") { matches { score } } } }
      fragment A on Query { a: search(text: "red") { edges { score } } ...B }
      fragment B on Query {
        b1: annotate(image: { id: "img_00.jpg" }) { edges { score } }
        b2: annotate(image: { id: "img_01.jpg" }) { edges { score } }
        b3: annotate(image: { id: "img_02.jpg" }) { edges { score } }
        b4: annotate(image: { id: "img_03.jpg" }) { edges { score } }
      }`);
    expect(viaFragments.body.errors?.[0]?.message).toMatch(/asks for 6 model queries/);
    expect(services.calls).toEqual([]);
  });
});

describe('the worker', () => {
  // These checks need no model: they are about routing, not about what the services answer.
  it('routes /graphql to the GraphQL endpoint', async () => {
    const res = await exports.default.fetch('http://local/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('answers introspection without a model', async () => {
    const res = await exports.default.fetch('http://local/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: '{ __type(name: "Image") { name } }' }),
    });
    expect(await res.json()).toEqual({ data: { __type: { name: 'Image' } } });
  });

  it('serves GraphiQL at /graphql to browsers', async () => {
    const res = await exports.default.fetch('http://local/graphql', {
      headers: { accept: 'text/html' },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>jointspace</title>');
  });

  it('no longer redirects / to /graphql: / is the web page (test/worker/index.test.ts)', async () => {
    const res = await exports.default.fetch('http://local/', { redirect: 'manual' });
    expect(res.status).toBe(404);
    expect(res.headers.get('location')).toBeNull();
  });

  it('still answers other paths with a JSON 404', async () => {
    const res = await exports.default.fetch('http://local/graphql/extra');
    expect(res.status).toBe(404);
  });
});
