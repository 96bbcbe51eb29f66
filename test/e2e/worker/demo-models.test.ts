import { exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { seedDemoModels } from '../../support/seed-models.ts';

/**
 * The deployed shape end to end inside workerd: the worker's own fetch handler, its GraphQL
 * schema, the real services over the demo models that the global setup trained and exported,
 * ONNX Runtime and the flat index. Every query, and every way a query is refused.
 */

const models = inject('demoModels');
const id = models.sample.imageId;

interface ErrorJSON {
  message: string;
  extensions?: { code?: string; details?: Record<string, unknown> };
}
interface Body {
  // biome-ignore lint/suspicious/noExplicitAny: each test reads the shape its query selected.
  data?: any;
  errors?: ErrorJSON[];
}

async function gql(
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ status: number; body: Body }> {
  const res = await exports.default.fetch(
    new Request('http://jointspace.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
    }),
  );
  return { status: res.status, body: (await res.json()) as Body };
}

async function refused(query: string, variables?: Record<string, unknown>): Promise<ErrorJSON> {
  const { status, body } = await gql(query, variables);
  expect(status).toBe(200);
  expect(body.errors, JSON.stringify(body)).toHaveLength(1);
  return body.errors?.[0] as ErrorJSON;
}

beforeAll(async () => {
  await seedDemoModels();
});

describe('GraphQL over the demo models', () => {
  it('models: the two versions served, with their evaluation', async () => {
    const { body } = await gql(
      '{ models { retrieval { version space encoder dimension evaluation { rsum } } regularities { version space encoder } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.models.retrieval).toMatchObject({
      version: 'test-retrieval',
      space: 'RETRIEVAL',
      encoder: 'LSTM',
      dimension: 64,
    });
    expect(body.data.models.retrieval.evaluation.rsum).toBeGreaterThan(100);
    expect(body.data.models.regularities).toMatchObject({
      version: 'test-regularities',
      space: 'REGULARITIES',
      encoder: 'BOW',
    });
  });

  it('search: scored images, pages that continue where the last one ended', async () => {
    const q =
      'query($after: String) { search(text: "a blue bicycle in the park", first: 3, after: $after) { query { unknownWords } edges { cursor score node { id file split } } pageInfo { hasNextPage endCursor } } }';
    const first = await gql(q);
    expect(first.body.errors).toBeUndefined();
    const page1 = first.body.data.search;
    expect(page1.edges).toHaveLength(3);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await gql(q, { after: page1.pageInfo.endCursor });
    const page2 = second.body.data.search;
    const all = await gql(
      '{ search(text: "a blue bicycle in the park", first: 6) { edges { score node { id } } } }',
    );
    expect(
      [...page1.edges, ...page2.edges].map((e: { node: { id: string } }) => e.node.id),
    ).toEqual(all.body.data.search.edges.map((e: { node: { id: string } }) => e.node.id));
    const hits = all.body.data.search.edges.filter((e: { node: { id: string } }) => {
      const a = models.attributes[e.node.id];
      return a?.colour === 'blue' || a?.object === 'bicycle';
    });
    expect(hits.length).toBeGreaterThanOrEqual(4);
  });

  it('says where a search spent its time, in a Server-Timing header', async () => {
    const res = await exports.default.fetch(
      new Request('http://jointspace.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: '{ search(text: "a red car", first: 2) { edges { score } } }',
        }),
      }),
    );
    expect(res.headers.get('Server-Timing')).toMatch(/^encode;dur=[\d.]+, index;dur=[\d.]+$/);
  });

  it('annotate: by id and by raw features, the same captions', async () => {
    const byId = await gql(
      'query($id: ID!) { annotate(image: { id: $id }, first: 3) { image { id } edges { score node { text imageId } } } }',
      { id },
    );
    expect(byId.body.errors).toBeUndefined();
    expect(byId.body.data.annotate.image.id).toBe(id);
    const byFeatures = await gql(
      'query($f: [Float!]) { annotate(image: { features: $f }, first: 3) { image { id } edges { score node { text } } } }',
      { f: models.sample.features },
    );
    expect(byFeatures.body.errors).toBeUndefined();
    expect(byFeatures.body.data.annotate.image).toBeNull();
    expect(
      byFeatures.body.data.annotate.edges.map((e: { node: { text: string } }) => e.node.text),
    ).toEqual(byId.body.data.annotate.edges.map((e: { node: { text: string } }) => e.node.text));
  });

  it('similar: images of the same kind as a demo image, pages without the image itself', async () => {
    const q =
      'query($id: ID!, $after: String) { similar(imageId: $id, first: 5, after: $after) { image { id } edges { score node { id } } pageInfo { hasNextPage endCursor } } }';
    const first = await gql(q, { id });
    expect(first.body.errors).toBeUndefined();
    const page1 = first.body.data.similar;
    expect(page1.image).toEqual({ id });
    expect(page1.edges).toHaveLength(5);
    const second = (await gql(q, { id, after: page1.pageInfo.endCursor })).body.data.similar;
    const ids = [...page1.edges, ...second.edges].map((e: { node: { id: string } }) => e.node.id);
    expect(ids).not.toContain(id);
    expect(new Set(ids).size).toBe(10);
    const a = models.attributes[id]!;
    const alike = ids.filter((other) => {
      const b = models.attributes[other];
      return b?.object === a.object || b?.colour === a.colour;
    });
    expect(alike.length).toBeGreaterThanOrEqual(7);
  });

  it('split: search, annotate and similar answer only that split', async () => {
    const { body } = await gql(
      `query($id: ID!) {
        search(text: "a red car", first: 20, split: "val") { edges { node { id split } } }
        annotate(image: { id: $id }, first: 20, split: "val") { edges { node { split } } }
        similar(imageId: $id, first: 20, split: "val") { edges { node { split } } } }`,
      { id },
    );
    expect(body.errors).toBeUndefined();
    for (const field of ['search', 'annotate', 'similar']) {
      const splits = body.data[field].edges.map((e: { node: { split: string } }) => e.node.split);
      expect(splits, field).toHaveLength(20);
      expect(new Set(splits), field).toEqual(new Set(['val']));
    }
    const unknown = await refused(
      '{ search(text: "a red car", split: "dev") { edges { score } } }',
    );
    expect(unknown.extensions).toMatchObject({
      code: 'UNKNOWN_SPLIT',
      details: { split: 'dev', splits: expect.arrayContaining(['train', 'val', 'test']) },
    });
  });

  it('analogy: k re-ranked images for image - words + words', async () => {
    const c = models.analogies.find((x) => x.attribute === 'colour' && x.matches >= 4);
    if (!c) throw new Error('no colour analogy in the test world');
    const { body } = await gql(
      'query($id: ID!, $minus: [String!]!, $plus: [String!]!) { analogy(imageId: $id, minus: $minus, plus: $plus) { image { id } minus { tokens } plus { tokens } matches { rank score node { id } } } }',
      {
        id: c.imageId,
        minus: c.minus,
        plus: c.plus,
      },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.analogy.matches.map((m: { rank: number }) => m.rank)).toEqual([1, 2, 3, 4]);
    expect(body.data.analogy.plus.tokens).toEqual(c.plus);
    const withPlus = body.data.analogy.matches.filter(
      (m: { node: { id: string } }) => models.attributes[m.node.id]?.colour === c.plus[0],
    );
    expect(withPlus.length).toBeGreaterThanOrEqual(2);
  });

  it('image: one by id with its captions, or null', async () => {
    const { body } = await gql(
      'query($id: ID!) { image(id: $id) { id split captions { text } } missing: image(id: "nope.svg") { id } }',
      { id },
    );
    expect(body.data.image).toMatchObject({ id, split: 'test' });
    expect(body.data.image.captions[0].text).toBe(models.sample.caption);
    expect(body.data.missing).toBeNull();
  });

  it('refuses bad input with a code, details and a message that says what to do', async () => {
    expect((await refused('{ search(text: "") { edges { score } } }')).extensions?.code).toBe(
      'EMPTY_TEXT',
    );
    const long = await refused('query($t: String!) { search(text: $t) { edges { score } } }', {
      t: 'red car '.repeat(30),
    });
    expect(long.extensions).toMatchObject({ code: 'TEXT_TOO_LONG', details: { maxTokens: 50 } });
    const unknown = await refused('{ search(text: "zorblax flibber") { edges { score } } }');
    expect(unknown.extensions).toMatchObject({
      code: 'NO_KNOWN_WORDS',
      details: { unknownWords: ['zorblax', 'flibber'] },
    });
    expect(unknown.message).toContain('zorblax');
    expect(
      (await refused('{ annotate(image: { id: "nope.svg" }) { edges { score } } }')).extensions,
    ).toMatchObject({ code: 'UNKNOWN_IMAGE', details: { imageId: 'nope.svg' } });
    expect(
      (await refused('{ annotate(image: { features: [1, 2, 3] }) { edges { score } } }'))
        .extensions,
    ).toMatchObject({ code: 'BAD_FEATURES', details: { expected: 512, got: 3 } });
    expect(
      (
        await refused(
          '{ analogy(imageId: "nope.svg", minus: ["red"], plus: ["blue"]) { matches { score } } }',
        )
      ).extensions?.code,
    ).toBe('UNKNOWN_IMAGE');
    expect(
      (await refused(`{ analogy(imageId: "${id}", minus: ["zorblax"]) { matches { score } } }`))
        .extensions?.code,
    ).toBe('NO_KNOWN_WORDS');
    expect(
      (await refused(`{ analogy(imageId: "${id}", pool: 101) { matches { score } } }`)).extensions,
    ).toMatchObject({ code: 'OUT_OF_RANGE', details: { argument: 'pool' } });
    expect(
      (await refused(`{ analogy(imageId: "${id}", pool: 5, k: 6) { matches { score } } }`))
        .extensions,
    ).toMatchObject({ code: 'OUT_OF_RANGE', details: { argument: 'k' } });
    expect(
      (await refused('{ search(text: "red car", first: 0) { edges { score } } }')).extensions?.code,
    ).toBe('OUT_OF_RANGE');
    // JSON's 1e400 is Infinity: GraphQL's Float refuses it before any resolver runs.
    const res = await exports.default.fetch(
      new Request('http://jointspace.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: '{"query":"query($f: [Float!]) { annotate(image: { features: $f }) { edges { score } } }","variables":{"f":[1e400]}}',
      }),
    );
    const body = (await res.json()) as Body;
    expect(body.errors?.[0]?.message).toMatch(/Float cannot represent/);
  });
});
