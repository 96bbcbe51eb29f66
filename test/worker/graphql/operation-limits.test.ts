import { parse, specifiedRules, validate } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import type { GraphQLContext } from '../../../worker/graphql/context.ts';
import {
  costEstimator,
  limitDepth,
  limitRootFields,
  MAX_COST,
  MAX_DEPTH,
  MAX_MODEL_QUERIES,
  MAX_ROOT_FIELDS,
  MODEL_QUERY_COST,
  MODEL_QUERY_FIELDS,
  operationCost,
  operationLimitsPlugin,
  PICTURE_QUERY_COST,
} from '../../../worker/graphql/operation-limits.ts';
import { schema } from '../../../worker/graphql/schema.ts';
import { createFakeServices } from '../../support/fake-services.ts';
import { type GraphQLResponseJSON, graphqlClient } from '../../support/graphql-client.ts';

// The bounds on one operation (operation-limits.ts): fields at the root, model queries, depth,
// and the cost of what it selects, each refused with QUERY_TOO_COMPLEX before anything runs.

function errorsOf(document: string): { message: string; code: unknown }[] {
  return validate(schema, parse(document), [limitRootFields, limitDepth]).map((e) => ({
    message: e.message,
    code: e.extensions.code,
  }));
}

const tooManyModels = (n: number) =>
  `The operation asks for ${n} model queries (search, annotate, similar, analogy); at most ${MAX_MODEL_QUERIES} are answered per operation.`;

/** `n` aliased searches, as the selections of a query. */
const searches = (n: number, prefix = 's') =>
  Array.from(
    { length: n },
    (_, i) => `${prefix}${i}: search(text: "red") { edges { score } }`,
  ).join(' ');

const cost = (document: string, variables: Record<string, unknown> = {}) =>
  operationCost({ schema, query: parse(document), variables, estimators: [costEstimator] });

describe('the model queries it counts', () => {
  it('are search, annotate, similar and analogy, all fields of Query; five are answered', () => {
    expect(MODEL_QUERY_FIELDS).toEqual(['search', 'annotate', 'similar', 'analogy']);
    expect(MAX_MODEL_QUERIES).toBe(5);
    const fields = Object.keys(schema.getQueryType()!.getFields());
    for (const field of MODEL_QUERY_FIELDS) expect(fields).toContain(field);
  });
});

describe('limitRootFields', () => {
  it(`passes up to ${MAX_MODEL_QUERIES} model queries, and refuses one more, saying where`, () => {
    expect(errorsOf(`{ ${searches(MAX_MODEL_QUERIES)} }`)).toEqual([]);
    const errors = validate(
      schema,
      parse(`\n  query Many { ${searches(MAX_MODEL_QUERIES + 1)} }`),
      [limitRootFields],
    );
    expect(errors.map((e) => e.message)).toEqual([tooManyModels(MAX_MODEL_QUERIES + 1)]);
    expect(errors[0]?.locations).toEqual([{ line: 2, column: 3 }]);
    expect(errors[0]?.extensions.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('counts every kind of model query, through inline and named fragments', () => {
    const mixed = `{
      a: search(text: "red") { edges { score } }
      ... on Query { b: annotate(image: { id: "x" }) { edges { score } } }
      ...More
    }
    fragment More on Query {
      c: analogy(imageId: "x", plus: ["red"]) { imageId }
      d: search(text: "blue") { edges { score } }
      e: annotate(image: { id: "y" }) { edges { score } }
      f: analogy(imageId: "y", plus: ["blue"]) { imageId }
    }`;
    expect(errorsOf(mixed).map((e) => e.message)).toEqual([tooManyModels(6)]);
  });

  it('counts similar as a model query', () => {
    const similar = (n: number) =>
      Array.from({ length: n }, (_, i) => `m${i}: similar(imageId: "x") { edges { score } }`).join(
        ' ',
      );
    expect(errorsOf(`{ ${similar(MAX_MODEL_QUERIES)} }`)).toEqual([]);
    expect(errorsOf(`{ ${similar(MAX_MODEL_QUERIES + 1)} }`).map((e) => e.message)).toEqual([
      tooManyModels(MAX_MODEL_QUERIES + 1),
    ]);
    expect(
      errorsOf(`{ ${searches(MAX_MODEL_QUERIES - 1)} ${similar(2)} }`).map((e) => e.message),
    ).toEqual([tooManyModels(MAX_MODEL_QUERIES + 1)]);
  });

  it(`refuses more than ${MAX_ROOT_FIELDS} fields at the root, whatever they are (each alias counts)`, () => {
    const images = (n: number) =>
      Array.from({ length: n }, (_, i) => `i${i}: image(id: "x") { id }`).join(' ');
    expect(errorsOf(`{ ${images(MAX_ROOT_FIELDS)} }`)).toEqual([]);
    expect(errorsOf(`{ ${images(5000)} }`)).toEqual([
      {
        message: `The operation asks for 5000 fields at its root; at most ${MAX_ROOT_FIELDS} are answered per operation (each alias counts).`,
        code: 'QUERY_TOO_COMPLEX',
      },
    ]);
  });

  it('refuses 5,000 aliases of an image with its captions before running any', async () => {
    const services = createFakeServices();
    const aliases = Array.from(
      { length: 5000 },
      (_, i) => `i${i}:image(id:"a"){captions{text}}`,
    ).join(' ');
    const { status, body } = await graphqlClient(services).query(`{ ${aliases} }`);
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(services.calls).toEqual([]);
  });

  it('counts a field repeated under one response key once (GraphQL runs it once)', async () => {
    const repeated = `{ ${'search(text: "red") { edges { score } } '.repeat(MAX_MODEL_QUERIES + 3)} }`;
    expect(errorsOf(repeated)).toEqual([]);
    const services = createFakeServices();
    const { body } = await graphqlClient(services).query(repeated);
    expect(body.errors).toBeUndefined();
    expect(services.calls).toHaveLength(1);
  });

  it("leaves fragment cycles and unknown fragments to GraphQL's own rules, without looping", () => {
    const cycle = `
      query { ...A }
      fragment A on Query { a: search(text: "red") { edges { score } } ...B }
      fragment B on Query { b: search(text: "blue") { edges { score } } ...A }`;
    expect(errorsOf(cycle)).toEqual([]);
    const all = validate(schema, parse(cycle), [...specifiedRules, limitRootFields, limitDepth]);
    expect(all.map((e) => e.message)).toContain(
      'Cannot spread fragment "A" within itself via "B".',
    );
    expect(errorsOf(`{ ...Missing ${searches(2)} }`)).toEqual([]);
  });
});

describe('limitDepth', () => {
  /** A selection `levels` deep through __type's ofType chain, a real way to nest. */
  const nested = (levels: number) =>
    `{ __type(name: "Query") ${'{ ofType '.repeat(levels - 2)}{ name }${' }'.repeat(levels - 2)} }`;

  it(`passes ${MAX_DEPTH} levels, and refuses ${MAX_DEPTH + 1}, through fragments too`, () => {
    expect(errorsOf(nested(MAX_DEPTH))).toEqual([]);
    expect(errorsOf(nested(MAX_DEPTH + 1))).toEqual([
      {
        message: `The operation selects ${MAX_DEPTH + 1} levels deep; at most ${MAX_DEPTH} are answered.`,
        code: 'QUERY_TOO_COMPLEX',
      },
    ]);
    const viaFragments = `{ __type(name: "Query") { ...T } }
      fragment T on __Type { ofType { ...U } }
      fragment U on __Type { ofType { ${'ofType { '.repeat(MAX_DEPTH)}name${' }'.repeat(MAX_DEPTH)} } }`;
    expect(errorsOf(viaFragments)[0]?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('walks each fragment once: fragments that spread the next one twice do not take 2^n steps', () => {
    const levels = 40;
    const fragments = Array.from(
      { length: levels },
      (_, i) =>
        `fragment F${i} on __Type { ${i + 1 < levels ? `a: ofType { ...F${i + 1} } b: ofType { ...F${i + 1} }` : 'name'} }`,
    ).join('\n');
    // Refused for its depth (42 levels). Walked path by path, 2^40 walks would not finish
    // within the test's timeout.
    const errors = errorsOf(`{ __type(name: "Query") { ...F0 } }\n${fragments}`);
    expect(errors.map((e) => e.code)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('passes the introspection query GraphiQL sends', () => {
    const introspection = `query IntrospectionQuery { __schema { types { ...FullType } } }
      fragment FullType on __Type { fields(includeDeprecated: true) { args { ...InputValue } type { ...TypeRef } } }
      fragment InputValue on __InputValue { type { ...TypeRef } }
      fragment TypeRef on __Type { kind name ${'ofType { kind name '.repeat(9)}${'}'.repeat(9)} }`;
    expect(errorsOf(introspection)).toEqual([]);
  });
});

describe('the cost of an operation', () => {
  it('is 1 a field plus what it selects, 10 a model query, and a list its length times its elements', () => {
    expect(cost('{ image(id: "x") { id file } }')).toBe(3);
    expect(cost('{ image(id: "x") { captions { text id } } }')).toBe(1 + 1 + 20 * 2);
    expect(cost('{ search(text: "red", first: 7) { edges { score } } }')).toBe(10 + 7 * 2);
    // first from a variable, and the default when it is left out.
    expect(
      cost('query ($n: Int!) { search(text: "red", first: $n) { edges { score } } }', { n: 30 }),
    ).toBe(10 + 30 * 2);
    expect(cost('{ search(text: "red") { edges { score } } }')).toBe(10 + 10 * 2);
    expect(cost('{ analogy(imageId: "x", plus: ["red"], k: 3) { matches { rank } } }')).toBe(
      10 + 3 * 2,
    );
    // similar as search: 10, and its `first` edges (10 by default).
    expect(cost('{ similar(imageId: "x", first: 7) { edges { score } } }')).toBe(10 + 7 * 2);
    expect(cost('{ similar(imageId: "x") { edges { score } } }')).toBe(10 + 10 * 2);
    expect(cost('{ similar(imageId: "x", first: 5000) { edges { score } } }')).toBe(10 + 100 * 2);
  });

  it('counts a list argument out of range as the longest list (the resolver refuses it anyway)', () => {
    expect(cost('{ search(text: "red", first: 5000) { edges { score } } }')).toBe(10 + 100 * 2);
    expect(cost('{ search(text: "red", first: -3) { edges { score } } }')).toBe(10 + 1 * 2);
  });

  it('is unknown, not an error, when the variables do not fit (execution reports those)', () => {
    expect(
      cost('query ($n: Int!) { search(text: "red", first: $n) { edges { score } } }'),
    ).toBeUndefined();
  });

  it(`lets a full page of search with every field and caption through, and not ${MAX_COST + 1}`, () => {
    const page = `{ search(text: "red", first: 100) {
      query { tokens unknownWords }
      edges { cursor score node { id file split url captions { id text imageId split } } }
      pageInfo { hasNextPage endCursor } } }`;
    expect(cost(page)).toBeLessThanOrEqual(MAX_COST);
    const nestedAliases = `{ search(text: "red", first: 100) { edges { node { ${Array.from(
      { length: 20 },
      (_, i) => `c${i}: captions { text }`,
    ).join(' ')} } } } }`;
    expect(cost(nestedAliases)).toBeGreaterThan(MAX_COST);
  });
});

describe('the cost of a query by picture', () => {
  const picture = new File([new Uint8Array(3)], 'p.jpg');

  it(`is ${PICTURE_QUERY_COST} for annotate and similar by picture, beside what they select`, () => {
    expect(
      cost('query ($p: File!) { annotate(image: { picture: $p }, first: 7) { edges { score } } }', {
        p: picture,
      }),
    ).toBe(PICTURE_QUERY_COST + 7 * 2);
    expect(
      cost('query ($p: File) { similar(picture: $p, first: 7) { edges { score } } }', {
        p: picture,
      }),
    ).toBe(PICTURE_QUERY_COST + 7 * 2);
    // The other ways to give an image cost a model query's.
    expect(
      cost(
        'query ($f: [Float!]) { annotate(image: { features: $f }, first: 7) { edges { score } } }',
        {
          f: [1, 2],
        },
      ),
    ).toBe(MODEL_QUERY_COST + 7 * 2);
  });

  it(`lets ${MAX_MODEL_QUERIES} picture queries with full pages through, and not ${Math.floor(MAX_COST / PICTURE_QUERY_COST) + 1}`, () => {
    const fields = (n: number) =>
      Array.from(
        { length: n },
        (_, i) =>
          `a${i}: annotate(image: { picture: $p }, first: 100) { edges { score node { text } } }`,
      ).join(' ');
    const doc = (n: number) => `query ($p: File!) { ${fields(n)} }`;
    expect(cost(doc(MAX_MODEL_QUERIES), { p: picture })).toBeLessThanOrEqual(MAX_COST);
    expect(
      cost(doc(Math.floor(MAX_COST / PICTURE_QUERY_COST) + 1), { p: picture }),
    ).toBeGreaterThan(MAX_COST);
  });
});

describe('operationLimitsPlugin', () => {
  const post = (query: string) =>
    new Request('http://jointspace.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query }),
    });

  it('adds the rules and the cost check to a yoga server: without it the same operations run', async () => {
    const services = createFakeServices();
    const context = (): GraphQLContext => ({ services, pictures: null });
    const overCost = `{ ${Array.from(
      { length: 4 },
      (_, i) =>
        `s${i}: search(text: "red", first: 100) { edges { node { a: captions { text } b: captions { id } c: captions { imageId } } } }`,
    ).join(' ')} }`;
    const limited = createYoga({ schema, context, plugins: [operationLimitsPlugin] });
    for (const operation of [`{ ${searches(MAX_MODEL_QUERIES + 1)} }`, overCost]) {
      const refused = (await (await limited.fetch(post(operation))).json()) as GraphQLResponseJSON;
      expect(refused.data).toBeUndefined();
      expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    }
    expect(services.calls).toEqual([]);

    const open = createYoga({ schema, context });
    const answered = (await (await open.fetch(post(overCost))).json()) as GraphQLResponseJSON;
    expect(answered.errors).toBeUndefined();
  });
});
