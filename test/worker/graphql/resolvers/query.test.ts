import { describe, expect, it } from 'vitest';
import { encodeCursor } from '../../../../worker/graphql/cursor.ts';
import { createFakeServices, IMAGES } from '../../../support/fake-services.ts';
import { type GraphQLResponseJSON, graphqlClient } from '../../../support/graphql-client.ts';
import { pictureRequest } from '../../../support/multipart.ts';

// Every query of the schema, end to end through createGraphQLHandler, against the fake services.

describe('search', () => {
  it('answers images for a sentence, best first, with scores on the edges and the query text', async () => {
    const services = createFakeServices();
    const { status, body } = await graphqlClient(services).query(
      `{ search(text: "A red CAR, zebra!", first: 3) {
          query { tokens unknownWords }
          edges { cursor score node { id file split url } }
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    const search = body.data.search;
    expect(search.query).toEqual({ tokens: ['a', 'red', 'car', 'zebra'], unknownWords: ['zebra'] });
    expect(search.edges).toHaveLength(3);
    expect(search.edges[0].node).toEqual({
      id: 'img_00.jpg',
      file: 'img_00.jpg',
      split: 'train',
      url: 'https://images.example/img_00.jpg',
    });
    expect(search.edges[0].score).toBe(1);
    const scores = search.edges.map((e: { score: number }) => e.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(search.edges[1].node.url).toBeNull();
    expect(search.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(search.pageInfo.startCursor).toBe(search.edges[0].cursor);
    expect(search.pageInfo.endCursor).toBe(search.edges[2].cursor);
    // One more than the page, to know whether a next page exists.
    expect(services.calls).toEqual(['search("A red CAR, zebra!", 4)']);
  });

  it('asks for 10 results by default', async () => {
    const services = createFakeServices();
    const { body } = await graphqlClient(services).query(
      '{ search(text: "dog") { edges { score } } }',
    );
    expect(body.data.search.edges).toHaveLength(10);
    expect(services.calls).toEqual(['search("dog", 11)']);
  });
});

describe('annotate', () => {
  it('describes a stored image by id, and shows the image', async () => {
    const services = createFakeServices();
    const { body } = await graphqlClient(services).query(
      `query ($id: ID!) { annotate(image: { id: $id }, first: 2) {
          image { id file }
          edges { score node { id text imageId } }
          pageInfo { hasNextPage endCursor }
        } }`,
      { id: 'img_05.jpg' },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.annotate.image).toEqual({ id: 'img_05.jpg', file: 'img_05.jpg' });
    expect(body.data.annotate.edges).toEqual([
      { score: 1, node: { id: 'img_05.jpg#0', text: 'a blue dog', imageId: 'img_05.jpg' } },
      { score: 1, node: { id: 'img_05.jpg#1', text: 'the dog is blue', imageId: 'img_05.jpg' } },
    ]);
    expect(body.data.annotate.pageInfo.hasNextPage).toBe(true);
    expect(services.calls).toEqual(['annotateImage("img_05.jpg", 3)', 'image("img_05.jpg")']);
  });

  it('describes a raw feature vector, with no image to show', async () => {
    const services = createFakeServices();
    const { body } = await graphqlClient(services).query(
      'query ($f: [Float!]!) { annotate(image: { features: $f }, first: 1) { image { id } edges { node { text } } } }',
      { f: [0.1, 0.9, 0.2, 0] },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.annotate).toEqual({ image: null, edges: [{ node: { text: 'a red dog' } }] });
    expect(services.calls).toEqual(['annotateFeatures([0.1,0.9,0.2,0], 2)']);
  });

  it('takes the feature vector inline too', async () => {
    const { body } = await graphqlClient(createFakeServices()).query(
      '{ annotate(image: { features: [0, 0, 1, 0] }, first: 1) { edges { node { text } } } }',
    );
    expect(body.data.annotate.edges[0].node.text).toBe('a red boat');
  });
});

describe('similar', () => {
  it('answers images like a stored image, best first, the image itself left out', async () => {
    const services = createFakeServices();
    const { body } = await graphqlClient(services).query(
      `{ similar(imageId: "img_05.jpg", first: 3) {
          edges { cursor score node { id split } }
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        } }`,
    );
    expect(body.errors).toBeUndefined();
    const { edges, pageInfo } = body.data.similar;
    expect(edges).toHaveLength(3);
    expect(edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain('img_05.jpg');
    // img_05 is a blue dog: the other dogs and the other blue things come first.
    expect(edges[0].node.id).toBe('img_01.jpg');
    const scores = edges.map((e: { score: number }) => e.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(edges.map((e: { cursor: string }) => e.cursor)).toEqual([0, 1, 2].map(encodeCursor));
    expect(pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: encodeCursor(0),
      endCursor: encodeCursor(2),
    });
    expect(services.calls).toEqual(['similar("img_05.jpg", 4)']);
  });

  it('pages like search: pages continue where the last ended, up to the whole list', async () => {
    const client = graphqlClient(createFakeServices());
    const query = `query ($first: Int!, $after: String) {
      similar(imageId: "img_00.jpg", first: $first, after: $after) {
        edges { cursor score node { id } } pageInfo { hasNextPage endCursor } } }`;
    const whole = (await client.query(query, { first: 100 })).body.data.similar;
    expect(whole.edges).toHaveLength(IMAGES.length - 1);
    expect(whole.pageInfo.hasNextPage).toBe(false);
    const seen: unknown[] = [];
    let after: string | null = null;
    for (;;) {
      const { body } = await client.query(query, { first: 4, after });
      seen.push(...body.data.similar.edges);
      if (!body.data.similar.pageInfo.hasNextPage) break;
      after = body.data.similar.pageInfo.endCursor;
    }
    expect(seen).toEqual(whole.edges);
  });

  it('refuses first outside 1..100 and a cursor it did not issue, before asking the services', async () => {
    const services = createFakeServices();
    const client = graphqlClient(services);
    for (const [args, argument] of [
      ['first: 0', 'first'],
      ['first: 101', 'first'],
      ['after: "bm90IGEgY3Vyc29y"', 'after'],
    ]) {
      const { body } = await client.query(
        `{ similar(imageId: "img_00.jpg", ${args}) { edges { score } } }`,
      );
      expect(body.errors?.[0]?.extensions).toMatchObject({
        code: 'OUT_OF_RANGE',
        details: { argument },
      });
    }
    expect(services.calls).toEqual([]);
  });

  it('asks for 10 by default, and passes the split on', async () => {
    const services = createFakeServices();
    const { body } = await graphqlClient(services).query(
      '{ a: similar(imageId: "img_01.jpg") { edges { score } } b: similar(imageId: "img_01.jpg", split: "test", first: 2) { edges { node { split } } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.a.edges).toHaveLength(10);
    expect(body.data.b.edges).toEqual([{ node: { split: 'test' } }, { node: { split: 'test' } }]);
    expect(services.calls).toEqual([
      'similar("img_01.jpg", 11)',
      'similar("img_01.jpg", 3, "test")',
    ]);
  });
});

describe('split', () => {
  it('keeps search, annotate (by id and by features) and similar to one split', async () => {
    const services = createFakeServices();
    const { body } = await graphqlClient(services).query(
      `{ search(text: "red", split: "test", first: 100) { edges { node { split } } }
         byId: annotate(image: { id: "img_00.jpg" }, split: "test", first: 100) { edges { node { split } } }
         byFeatures: annotate(image: { features: [1, 0, 0, 0] }, split: "test") { edges { node { split } } }
         similar(imageId: "img_00.jpg", split: "test", first: 100) { edges { node { split } } } }`,
    );
    expect(body.errors).toBeUndefined();
    for (const field of ['search', 'byId', 'byFeatures', 'similar']) {
      const splits = body.data[field].edges.map((e: { node: { split: string } }) => e.node.split);
      expect(splits.length, field).toBeGreaterThan(0);
      expect(new Set(splits), field).toEqual(new Set(['test']));
    }
    expect(body.data.search.edges).toHaveLength(IMAGES.filter((i) => i.split === 'test').length);
    expect(services.calls).toEqual([
      'search("red", 100, "test")',
      'annotateImage("img_00.jpg", 100, "test")',
      'annotateFeatures([1,0,0,0], 11, "test")',
      'similar("img_00.jpg", 100, "test")',
    ]);
  });

  it('is no filter when null', async () => {
    const services = createFakeServices();
    const { body } = await graphqlClient(services).query(
      'query ($s: String) { search(text: "red", split: $s, first: 2) { edges { score } } }',
      { s: null },
    );
    expect(body.errors).toBeUndefined();
    expect(services.calls).toEqual(['search("red", 3)']);
  });

  it('surfaces UNKNOWN_SPLIT with its code and the splits the model has', async () => {
    for (const field of [
      'search(text: "red", split: "dev")',
      'annotate(image: { id: "img_00.jpg" }, split: "dev")',
      'similar(imageId: "img_00.jpg", split: "dev")',
    ]) {
      const { status, body } = await graphqlClient(createFakeServices()).query(
        `{ ${field} { edges { score } } }`,
      );
      expect(status).toBe(200);
      expect(body.data).toBeNull();
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0]).toMatchObject({
        message: 'split "dev" is not a split of this model (it has train, test)',
        extensions: { code: 'UNKNOWN_SPLIT', details: { split: 'dev', splits: ['train', 'test'] } },
      });
    }
  });
});

describe('analogy', () => {
  it("keeps the services' re-ranked order, numbers it, and reports the words as seen", async () => {
    const services = createFakeServices();
    const { status, body } = await graphqlClient(services).query(
      `{ analogy(imageId: "img_00.jpg", minus: ["red"], plus: ["blue", "qux"], pool: 6, k: 3) {
          image { id }
          minus { tokens unknownWords }
          plus { tokens unknownWords }
          matches { rank score node { id } }
        } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    const analogy = body.data.analogy;
    expect(analogy.image).toEqual({ id: 'img_00.jpg' });
    expect(analogy.minus).toEqual({ tokens: ['red'], unknownWords: [] });
    expect(analogy.plus).toEqual({ tokens: ['blue', 'qux'], unknownWords: ['qux'] });
    expect(analogy.matches.map((m: { rank: number }) => m.rank)).toEqual([1, 2, 3]);
    // The fake re-ranks by reversing the top half of its pool: the API must not re-sort.
    const scores = analogy.matches.map((m: { score: number }) => m.score);
    expect(scores[0]).toBeLessThan(scores[2]);
    expect(analogy.matches[2].node.id).toBe('img_04.jpg');
    expect(services.calls[0]).toBe('analogy("img_00.jpg", ["red"], ["blue","qux"], 6, 3)');
  });

  it('defaults to no words, a pool of 20 and k = 4', async () => {
    const services = createFakeServices();
    const { body } = await graphqlClient(services).query(
      '{ analogy(imageId: "img_01.jpg") { matches { rank } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.analogy.matches).toHaveLength(4);
    expect(services.calls).toEqual(['analogy("img_01.jpg", [], [], 20, 4)']);
  });
});

describe('image', () => {
  it('finds an image by id', async () => {
    const { body } = await graphqlClient(createFakeServices()).query(
      '{ image(id: "img_03.jpg") { id file split url captions { text } } }',
    );
    expect(body.data.image).toEqual({
      id: 'img_03.jpg',
      file: 'img_03.jpg',
      split: 'test',
      url: null,
      captions: [{ text: 'a red house' }, { text: 'the house is red' }],
    });
  });

  it('answers null for an unknown id, without an error', async () => {
    const { body } = await graphqlClient(createFakeServices()).query(
      '{ image(id: "nope") { id } }',
    );
    expect(body).toEqual({ data: { image: null } });
  });
});

describe('services', () => {
  it('are asked nothing for a request that needs no model', async () => {
    const services = createFakeServices();
    const { body } = await graphqlClient(services).query('{ __schema { queryType { name } } }');
    expect(body.data.__schema.queryType.name).toBe('Query');
    expect(services.calls).toEqual([]);
  });

  it('are asked for each space a field needs, and only that one', async () => {
    const services = createFakeServices();
    const { body } = await graphqlClient(services).query(
      '{ a: image(id: "img_00.jpg") { id } models { regularities { version } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(services.calls).toEqual(['image("img_00.jpg")', 'model(regularities)']);
  });
});

describe('by picture', () => {
  /** An upload the fake services "see" as the stored image of the same name. */
  const upload = (name: string) => new File([new Uint8Array([1, 2, 3])], name);

  it('annotate describes an uploaded picture, with no image to show', async () => {
    const services = createFakeServices();
    const res = await graphqlClient(services).send(
      pictureRequest(
        'query ($picture: File!) { annotate(image: { picture: $picture }, first: 1) { image { id } edges { node { text } } } }',
        upload('img_05.jpg'),
      ),
    );
    const body = (await res.json()) as GraphQLResponseJSON;
    expect(body.errors).toBeUndefined();
    expect(body.data.annotate).toEqual({ image: null, edges: [{ node: { text: 'a blue dog' } }] });
    expect(services.calls).toEqual(['annotatePicture("img_05.jpg" (3 bytes), 2)']);
  });

  it('similar starts from an uploaded picture, with no stored image to show', async () => {
    const services = createFakeServices();
    const res = await graphqlClient(services).send(
      pictureRequest(
        'query ($picture: File) { similar(picture: $picture, first: 2, split: "train") { image { id } edges { node { id } } } }',
        upload('img_05.jpg'),
      ),
    );
    const body = (await res.json()) as GraphQLResponseJSON;
    expect(body.errors).toBeUndefined();
    expect(body.data.similar.image).toBeNull();
    // Not a stored image: the image of the same name is not left out.
    expect(body.data.similar.edges[0].node.id).toBe('img_05.jpg');
    expect(services.calls).toEqual(['similarToPicture("img_05.jpg" (3 bytes), 3, "train")']);
  });

  it.each([
    ['neither', '{ similar { edges { score } } }', 'none was'],
    [
      'both',
      'query ($picture: File) { similar(imageId: "img_01.jpg", picture: $picture) { edges { score } } }',
      '`imageId` and `picture` were',
    ],
  ])(
    'similar refuses %s of imageId and picture with BAD_USER_INPUT, asking nothing',
    async (_what, query, got) => {
      const services = createFakeServices();
      const res = await graphqlClient(services).send(pictureRequest(query, upload('img_01.jpg')));
      const body = (await res.json()) as GraphQLResponseJSON;
      expect(body.errors).toHaveLength(1);
      expect(body.errors?.[0]).toMatchObject({
        message: `similar takes exactly one of \`imageId\` and \`picture\`; ${got} given`,
        extensions: { code: 'BAD_USER_INPUT' },
      });
      expect(services.calls).toEqual([]);
    },
  );

  it('takes a null imageId beside a picture as not given', async () => {
    const services = createFakeServices();
    const res = await graphqlClient(services).send(
      pictureRequest(
        'query ($picture: File, $id: ID) { similar(imageId: $id, picture: $picture, first: 1) { edges { node { id } } } }',
        upload('img_01.jpg'),
        { id: null },
      ),
    );
    expect(((await res.json()) as GraphQLResponseJSON).errors).toBeUndefined();
    expect(services.calls).toEqual(['similarToPicture("img_01.jpg" (3 bytes), 2)']);
  });

  it('surfaces a refused upload with its code', async () => {
    const res = await graphqlClient(createFakeServices()).send(
      pictureRequest(
        'query ($picture: File!) { annotate(image: { picture: $picture }) { edges { score } } }',
        upload('holiday.heic'),
      ),
    );
    const body = (await res.json()) as GraphQLResponseJSON;
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_A_PICTURE');
  });
});
