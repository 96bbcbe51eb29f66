import { exports } from 'cloudflare:workers';
import {
  type FieldNode,
  type OperationDefinitionNode,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { GRAPHIQL_DEFAULT_QUERY, GRAPHIQL_TITLE } from '../../../worker/graphql/graphiql.ts';
import { limitDepth, limitRootFields } from '../../../worker/graphql/operation-limits.ts';
import { schema } from '../../../worker/graphql/schema.ts';
import type { GraphQLResponseJSON } from '../../support/graphql-client.ts';
import { seedDemoModels } from '../../support/seed-models.ts';

// What GraphiQL opens with: an example of each query, which must stay valid as the schema
// changes, and must answer on the demo models (its image id is a demo world's first picture).

beforeAll(async () => {
  await seedDemoModels();
});

const operations = () =>
  parse(GRAPHIQL_DEFAULT_QUERY).definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition',
  );

describe('GraphiQL', () => {
  it('is titled jointspace', () => {
    expect(GRAPHIQL_TITLE).toBe('jointspace');
  });

  it('opens on one named operation per query: search, annotate, similar, analogy and models', () => {
    const shown = operations().map((op) => [
      op.name?.value,
      op.selectionSet.selections.map((s) => (s as FieldNode).name.value),
    ]);
    expect(shown).toEqual([
      ['Search', ['search']],
      ['Annotate', ['annotate']],
      ['Similar', ['similar']],
      ['Analogy', ['analogy']],
      ['Models', ['models']],
    ]);
  });

  it("is a valid document for the served schema, within the API's limits", () => {
    const errors = validate(schema, parse(GRAPHIQL_DEFAULT_QUERY), [
      ...specifiedRules,
      limitRootFields,
      limitDepth,
    ]);
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it.each<[string, (data: GraphQLResponseJSON['data']) => void]>([
    ['Search', (data) => expect(data.search.edges).toHaveLength(5)],
    [
      'Annotate',
      (data) => {
        expect(data.annotate.image.id).toBe('demo_000000.svg');
        expect(data.annotate.image.captions.length).toBeGreaterThan(0);
        expect(data.annotate.edges).toHaveLength(5);
      },
    ],
    ['Analogy', (data) => expect(data.analogy.matches).toHaveLength(4)],
    [
      'Models',
      (data) =>
        expect(data.models).toMatchObject({
          retrieval: { version: 'test-retrieval' },
          regularities: { version: 'test-regularities' },
        }),
    ],
  ])('runs %s on the demo models, with results', async (operationName, check) => {
    const res = await exports.default.fetch(
      new Request('http://jointspace.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: GRAPHIQL_DEFAULT_QUERY, operationName }),
      }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as GraphQLResponseJSON;
    expect(body.errors).toBeUndefined();
    check(body.data);
  });
});
