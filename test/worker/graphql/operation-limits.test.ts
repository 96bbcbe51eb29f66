import { parse, specifiedRules, validate } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import type { GraphQLContext } from '../../../worker/graphql/context.ts';
import {
  limitModelQueries,
  MAX_MODEL_QUERIES,
  MODEL_QUERY_FIELDS,
  modelQueryLimitPlugin,
} from '../../../worker/graphql/operation-limits.ts';
import { schema } from '../../../worker/graphql/schema.ts';
import { createFakeServices } from '../../support/fake-services.ts';
import { type GraphQLResponseJSON, graphqlClient } from '../../support/graphql-client.ts';

// The cap on model queries per operation, as a validation rule on the served schema: what it
// counts (response keys of model fields at the root, through fragments) and what it reports.

/** The messages of the rule alone on `document`. */
function limitErrors(document: string): string[] {
  return validate(schema, parse(document), [limitModelQueries]).map((e) => e.message);
}

const tooMany = (n: number) =>
  `The operation asks for ${n} model queries (search, annotate, analogy); at most ${MAX_MODEL_QUERIES} are answered per operation.`;

/** `n` aliased searches, as the selections of a query. */
const searches = (n: number, prefix = 's') =>
  Array.from(
    { length: n },
    (_, i) => `${prefix}${i}: search(text: "red") { edges { score } }`,
  ).join(' ');

describe('the model queries it counts', () => {
  it('are search, annotate and analogy, all fields of Query; five are answered', () => {
    expect(MODEL_QUERY_FIELDS).toEqual(['search', 'annotate', 'analogy']);
    expect(MAX_MODEL_QUERIES).toBe(5);
    const fields = Object.keys(schema.getQueryType()!.getFields());
    for (const field of MODEL_QUERY_FIELDS) expect(fields).toContain(field);
  });
});

describe('limitModelQueries', () => {
  it(`passes an operation of up to ${MAX_MODEL_QUERIES} model queries`, () => {
    expect(limitErrors(`{ ${searches(1)} }`)).toEqual([]);
    expect(limitErrors(`{ ${searches(MAX_MODEL_QUERIES)} }`)).toEqual([]);
  });

  it('refuses one more, saying how many it asked for and where the operation is', () => {
    const errors = validate(
      schema,
      parse(`\n  query Many { ${searches(MAX_MODEL_QUERIES + 1)} }`),
      [limitModelQueries],
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe(tooMany(MAX_MODEL_QUERIES + 1));
    expect(errors[0]?.locations).toEqual([{ line: 2, column: 3 }]);
  });

  it('counts each of the three fields', () => {
    const mixed = `{
      a1: search(text: "red") { edges { score } }
      a2: search(text: "blue") { edges { score } }
      b1: annotate(image: { id: "img_00.jpg" }) { edges { score } }
      b2: annotate(image: { id: "img_01.jpg" }) { edges { score } }
      c1: analogy(imageId: "img_00.jpg") { matches { score } }
      c2: analogy(imageId: "img_01.jpg") { matches { score } }
    }`;
    expect(limitErrors(mixed)).toEqual([tooMany(6)]);
  });

  it('does not count fields that run no model', () => {
    const lookups = Array.from({ length: 20 }, (_, i) => `i${i}: image(id: "img_00.jpg") { id }`);
    expect(
      limitErrors(`{ ${lookups.join(' ')} models { retrieval { version } } ${searches(5)} }`),
    ).toEqual([]);
  });

  it('counts a response key once, however often the field is repeated under it', () => {
    const repeated = 'search(text: "red") { edges { score } } '.repeat(MAX_MODEL_QUERIES + 3);
    expect(limitErrors(`{ ${repeated} }`)).toEqual([]);
    expect(limitErrors(`{ ${repeated} ${searches(MAX_MODEL_QUERIES)} }`)).toEqual([tooMany(6)]);
  });

  it('counts through inline fragments and fragment spreads, a spread used twice once', () => {
    expect(
      limitErrors(`
        query { ...A ... on Query { c: analogy(imageId: "img_00.jpg") { matches { score } } } }
        fragment A on Query { ${searches(2, 'a')} ...B }
        fragment B on Query { ${searches(3, 'b')} }`),
    ).toEqual([tooMany(6)]);
    expect(
      limitErrors(`
        query { ...A ...A ... on Query { ...A } }
        fragment A on Query { ${searches(MAX_MODEL_QUERIES, 'a')} }`),
    ).toEqual([]);
  });

  it('counts each operation of a document on its own', () => {
    const document = `
      query One { ${searches(MAX_MODEL_QUERIES)} }
      query Two { ${searches(MAX_MODEL_QUERIES)} }
      query Three { ${searches(MAX_MODEL_QUERIES + 2)} }`;
    expect(limitErrors(document)).toEqual([tooMany(MAX_MODEL_QUERIES + 2)]);
  });

  it("leaves fragment cycles and unknown fragments to GraphQL's own rules, without looping", () => {
    const cycle = `
      query { ...A }
      fragment A on Query { a: search(text: "red") { edges { score } } ...B }
      fragment B on Query { b: search(text: "blue") { edges { score } } ...A }`;
    expect(limitErrors(cycle)).toEqual([]);
    const all = validate(schema, parse(cycle), [...specifiedRules, limitModelQueries]);
    expect(all.map((e) => e.message)).toContain(
      'Cannot spread fragment "A" within itself via "B".',
    );
    expect(limitErrors(`{ ...Missing ${searches(2)} }`)).toEqual([]);
  });
});

describe('modelQueryLimitPlugin', () => {
  const post = (query: string) =>
    new Request('http://jointspace.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query }),
    });

  it('adds the rule to a yoga server: without it the same operation runs', async () => {
    const services = createFakeServices();
    const context = (): GraphQLContext => ({ services });
    const operation = `{ ${searches(MAX_MODEL_QUERIES + 1)} }`;
    const limited = createYoga({ schema, context, plugins: [modelQueryLimitPlugin] });
    const refused = (await (await limited.fetch(post(operation))).json()) as GraphQLResponseJSON;
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.map((e) => e.message)).toEqual([tooMany(MAX_MODEL_QUERIES + 1)]);
    expect(services.calls).toEqual([]);

    const open = createYoga({ schema, context });
    const answered = (await (await open.fetch(post(operation))).json()) as GraphQLResponseJSON;
    expect(answered.errors).toBeUndefined();
    expect(Object.keys(answered.data)).toHaveLength(MAX_MODEL_QUERIES + 1);
  });

  it('counts a field repeated under one response key once (GraphQL runs it once)', async () => {
    const repeated = `{ ${'search(text: "red") { edges { score } } '.repeat(MAX_MODEL_QUERIES + 3)} }`;
    const services = createFakeServices();
    const { body } = await graphqlClient(services).query(repeated);
    expect(body.errors).toBeUndefined();
    expect(services.calls).toHaveLength(1);
  });
});
