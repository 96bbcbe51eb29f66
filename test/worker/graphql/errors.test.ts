import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JointspaceServices } from '../../../worker/api/services.ts';
import { encodeCursor } from '../../../worker/graphql/cursor.ts';
import { QUERY_ERROR_CODES, QueryError, type QueryErrorCode } from '../../../worker/query-error.ts';
import { createFakeServices, FEATURE_DIM, MAX_TOKENS } from '../../support/fake-services.ts';
import { graphqlClient } from '../../support/graphql-client.ts';

// Every way a query can fail: a QueryError surfaces with its code, details and message (HTTP
// 200, `errors`, partial data where the schema allows); anything else is masked and logged.

afterEach(() => {
  vi.restoreAllMocks();
});

async function firstError(query: string, services: JointspaceServices = createFakeServices()) {
  const { status, body } = await graphqlClient(services).query(query);
  expect(status).toBe(200);
  expect(body.errors).toHaveLength(1);
  return { error: body.errors![0]!, data: body.data };
}

describe('QueryErrors from the services', () => {
  it.each<[QueryErrorCode, string, string, Record<string, unknown>]>([
    ['EMPTY_TEXT', '{ search(text: " ?! ") { edges { score } } }', 'the text has no words', {}],
    [
      'TEXT_TOO_LONG',
      `{ search(text: "${'red '.repeat(MAX_TOKENS + 1)}") { edges { score } } }`,
      `the text has ${MAX_TOKENS + 1} tokens`,
      { maxCharacters: 1000, maxTokens: MAX_TOKENS, tokens: MAX_TOKENS + 1 },
    ],
    [
      'NO_KNOWN_WORDS',
      '{ search(text: "zebra zebra quux") { edges { score } } }',
      'no word of the text is in the vocabulary',
      { unknownWords: ['zebra', 'quux'] },
    ],
    [
      'UNKNOWN_IMAGE',
      '{ annotate(image: { id: "nope.jpg" }) { edges { score } } }',
      'no image has the id "nope.jpg"',
      { imageId: 'nope.jpg' },
    ],
    [
      'UNKNOWN_IMAGE',
      '{ analogy(imageId: "nope.jpg", plus: ["red"]) { matches { score } } }',
      'no image has the id "nope.jpg"',
      { imageId: 'nope.jpg' },
    ],
    [
      'BAD_FEATURES',
      '{ annotate(image: { features: [1, 2] }) { edges { score } } }',
      `the features have 2 values; the model takes ${FEATURE_DIM}`,
      { expected: FEATURE_DIM, got: 2 },
    ],
  ])('%s surfaces with its code, details and message', async (code, query, message, details) => {
    const { error, data } = await firstError(query);
    expect(error.message).toBe(message);
    expect(error.extensions).toEqual({ code, details });
    expect(error.path).toHaveLength(1);
    // Root fields are non-null: the error nulls the whole answer, as GraphQL says.
    expect(data).toBeNull();
  });

  it('MODEL_UNAVAILABLE from a space that cannot load surfaces on each field that needed it', async () => {
    const client = graphqlClient({
      ...createFakeServices(),
      image: async () => {
        throw new QueryError('MODEL_UNAVAILABLE', 'manifest and vectors disagree', {
          space: 'retrieval',
        });
      },
    });
    const { status, body } = await client.query('{ image(id: "img_00.jpg") { id } __typename }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ image: null, __typename: 'Query' });
    expect(body.errors).toEqual([
      {
        message: 'manifest and vectors disagree',
        locations: [{ line: 1, column: 3 }],
        path: ['image'],
        extensions: { code: 'MODEL_UNAVAILABLE', details: { space: 'retrieval' } },
      },
    ]);
  });

  it('every QueryError code can surface (the list above covers the services; this covers the rest)', async () => {
    for (const code of QUERY_ERROR_CODES) {
      const services = {
        ...createFakeServices(),
        image: async () => {
          throw new QueryError(code, `a ${code}`, { code });
        },
      };
      const { error } = await firstError('{ image(id: "x") { id } }', services);
      expect(error).toMatchObject({
        message: `a ${code}`,
        extensions: { code, details: { code } },
      });
    }
  });

  it('is not logged: a refusal the client was told about is not a fault', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    await firstError('{ image(id: "x") { id } }', {
      ...createFakeServices(),
      image: async () => {
        throw new QueryError('UNKNOWN_IMAGE', 'no', { imageId: 'x' });
      },
    });
    expect(log).not.toHaveBeenCalled();
  });
});

describe('arguments out of range', () => {
  it.each([
    [
      'first = 0',
      '{ search(text: "red", first: 0) { edges { score } } }',
      { argument: 'first', min: 1, max: 100, got: 0 },
    ],
    [
      'first = 101',
      '{ search(text: "red", first: 101) { edges { score } } }',
      { argument: 'first', min: 1, max: 100, got: 101 },
    ],
    [
      'first < 0 (annotate)',
      '{ annotate(image: { id: "img_00.jpg" }, first: -3) { edges { score } } }',
      { argument: 'first', min: 1, max: 100, got: -3 },
    ],
    [
      'pool = 0',
      '{ analogy(imageId: "img_00.jpg", pool: 0) { matches { score } } }',
      { argument: 'pool', min: 1, max: 100, got: 0 },
    ],
    [
      'pool = 101',
      '{ analogy(imageId: "img_00.jpg", pool: 101) { matches { score } } }',
      { argument: 'pool', min: 1, max: 100, got: 101 },
    ],
    [
      'k = 0',
      '{ analogy(imageId: "img_00.jpg", k: 0) { matches { score } } }',
      { argument: 'k', min: 1, max: 20, got: 0 },
    ],
    [
      'k > pool',
      '{ analogy(imageId: "img_00.jpg", pool: 5, k: 6) { matches { score } } }',
      { argument: 'k', min: 1, max: 5, got: 6 },
    ],
  ])(
    '%s is OUT_OF_RANGE with the range, before any service is called',
    async (_what, query, details) => {
      const services = createFakeServices();
      const { error } = await firstError(query, services);
      expect(error.extensions).toEqual({ code: 'OUT_OF_RANGE', details });
      expect(error.message).toBe(
        `${details.argument} must be between ${details.min} and ${details.max}, got ${details.got}`,
      );
      expect(services.calls).toEqual([]);
    },
  );

  it('a bad cursor is OUT_OF_RANGE, naming the cursor', async () => {
    const services = createFakeServices();
    const { error } = await firstError(
      '{ search(text: "red", after: "bm9wZQ==") { edges { score } } }',
      services,
    );
    expect(error.extensions).toEqual({
      code: 'OUT_OF_RANGE',
      details: { argument: 'after', min: 0, max: 99, got: 'bm9wZQ==' },
    });
    expect(error.message).toBe('after: "bm9wZQ==" is not a cursor: it was not issued by this API');
    expect(services.calls).toEqual([]);
  });

  it('a cursor past the end of any list is OUT_OF_RANGE', async () => {
    const { error } = await firstError(
      `{ annotate(image: { id: "img_00.jpg" }, after: "${btoa('offset:100')}") { edges { score } } }`,
    );
    expect(error.extensions?.code).toBe('OUT_OF_RANGE');
    expect(error.message).toContain('past the end of any list');
  });

  it('a text over 1000 characters is TEXT_TOO_LONG before the model sees it', async () => {
    const services = createFakeServices();
    const { error } = await firstError(
      `{ search(text: "${'é'.repeat(1001)}") { edges { score } } }`,
      services,
    );
    expect(error.extensions).toEqual({
      code: 'TEXT_TOO_LONG',
      details: { argument: 'text', maxCharacters: 1000, characters: 1001 },
    });
    expect(services.calls).toEqual([]);
  });

  it('counts characters, not UTF-16 units: 1000 emoji are not too long', async () => {
    const services = createFakeServices();
    const { error } = await firstError(
      `{ search(text: "${'🐶'.repeat(1000)}") { edges { score } } }`,
      services,
    );
    // The services see it (and find no words in it).
    expect(error.extensions?.code).toBe('EMPTY_TEXT');
  });

  it("analogy's word lists are held to the same length", async () => {
    const { error } = await firstError(
      `{ analogy(imageId: "img_00.jpg", plus: ["${'a'.repeat(600)}", "${'b'.repeat(600)}"]) { matches { score } } }`,
    );
    expect(error.extensions).toEqual({
      code: 'TEXT_TOO_LONG',
      details: { argument: 'plus', maxCharacters: 1000, characters: 1201 },
    });
  });

  // Validation errors: no data, and (for an application/json client) HTTP 200, as GraphQL over
  // HTTP says; http.test.ts shows the 400 an application/graphql-response+json client gets.
  it('an image input with both or neither of id and features fails validation (OneOf)', async () => {
    const services = createFakeServices();
    const client = graphqlClient(services);
    for (const image of ['{ id: "img_00.jpg", features: [1, 2, 3, 4] }', '{}']) {
      const { body } = await client.query(`{ annotate(image: ${image}) { edges { score } } }`);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.message).toMatch(
        /OneOf Input Object "ImageInput" must specify exactly one key/,
      );
    }
    const { body } = await client.query(
      'query ($image: ImageInput!) { annotate(image: $image) { edges { score } } }',
      { image: { id: 'img_00.jpg', features: [1, 2, 3, 4] } },
    );
    expect(body.errors?.[0]?.message).toMatch(
      /Exactly one key must be specified for OneOf type "ImageInput"/,
    );
    expect(services.calls).toEqual([]);
  });

  it('a null where the schema says non-null (first: null) fails validation', async () => {
    const { body } = await graphqlClient(createFakeServices()).query(
      '{ search(text: "red", first: null) { edges { score } } }',
    );
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.message).toMatch(/Expected value of type "Int!", found null/);
  });
});

describe('unexpected errors', () => {
  it('are masked as "Unexpected error." with INTERNAL_SERVER_ERROR, logged, and answered with HTTP 200', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const services = {
      ...createFakeServices(),
      search: async () => {
        throw new Error('secret: R2 key models/v1/vocab.json not found');
      },
    };
    const { status, body } = await graphqlClient(services).query(
      '{ search(text: "red") { edges { score } } }',
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      data: null,
      errors: [
        {
          message: 'Unexpected error.',
          locations: [{ line: 1, column: 3 }],
          path: ['search'],
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) },
        },
      ],
    });
    expect(JSON.stringify(body)).not.toContain('secret');
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0]?.join(' '))).toContain(
      'secret: R2 key models/v1/vocab.json not found',
    );
    expect(String(log.mock.calls[0]?.join(' '))).toContain('at search');
  });

  it('in a nested field keep the rest of the answer', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const services = {
      ...createFakeServices(),
      captionsOf: async () => {
        throw new TypeError('cannot read properties of undefined');
      },
    };
    const { status, body } = await graphqlClient(services).query(
      '{ image(id: "img_00.jpg") { id captions { text } } }',
    );
    expect(status).toBe(200);
    expect(body.data).toEqual({ image: null });
    expect(body.errors).toMatchObject([
      {
        message: 'Unexpected error.',
        path: ['image', 'captions'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      },
    ]);
  });

  it('from services that throw are masked too, and do not fail unrelated fields', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const client = graphqlClient({
      ...createFakeServices(),
      model: async () => {
        throw new Error('R2 binding missing');
      },
    });
    const { status, body } = await client.query('{ __typename models { retrieval { version } } }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ __typename: 'Query', models: { retrieval: null } });
    expect(body.errors).toMatchObject([
      { message: 'Unexpected error.', path: ['models', 'retrieval'] },
    ]);
    expect(log).toHaveBeenCalled();
  });

  it('thrown as non-Error values are masked too', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const services = {
      ...createFakeServices(),
      image: async () => {
        throw 'a string';
      },
    };
    const { status, body } = await graphqlClient(services).query('{ image(id: "x") { id } }');
    expect(status).toBe(200);
    expect(body.errors).toMatchObject([
      { message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
  });
});

describe('paging errors', () => {
  it('are checked before the text', async () => {
    const { error } = await firstError(
      `{ search(text: "", first: 0, after: "${encodeCursor(1)}") { edges { score } } }`,
    );
    expect(error.extensions?.code).toBe('OUT_OF_RANGE');
  });
});
