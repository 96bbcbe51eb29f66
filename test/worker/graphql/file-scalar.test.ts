import { buildSchema, GraphQLError, type GraphQLScalarType } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  parseFile,
  parseFileLiteral,
  serializeFile,
  withFileScalar,
} from '../../../worker/graphql/file-scalar.ts';
import { schema } from '../../../worker/graphql/schema.ts';
import { createFakeServices } from '../../support/fake-services.ts';
import { graphqlClient } from '../../support/graphql-client.ts';

// The File scalar: an uploaded file as a variable's value, and nothing else.

describe('parseFile', () => {
  it('takes an uploaded File as it is', () => {
    const file = new File([new Uint8Array(2)], 'a.jpg');
    expect(parseFile(file)).toBe(file);
  });

  it.each([
    ['a string', 'a.jpg', 'string'],
    ['a number', 5, 'number'],
    ['an object', { name: 'a.jpg' }, 'object'],
    ['a list', [1], 'a list'],
    ['null', null, 'null'],
  ])('refuses %s, saying how to send a file', (_what, value, got) => {
    expect(() => parseFile(value)).toThrow(
      new GraphQLError(
        `A File variable holds an uploaded file, not ${got}: upload it as a part of a multipart request (the GraphQL multipart request spec) and map it to the variable.`,
      ),
    );
  });

  it('leaves no way to write a File in a query, nor to answer one', () => {
    expect(() => parseFileLiteral()).toThrow(/A File cannot be written in the query/);
    expect(() => serializeFile()).toThrow(/input only/);
  });
});

describe('withFileScalar', () => {
  it("sets the rules on the schema's File, keeping the SDL's description", () => {
    const file = schema.getType('File') as GraphQLScalarType;
    expect(file.parseValue).toBe(parseFile);
    expect(file.parseLiteral).toBe(parseFileLiteral);
    expect(file.serialize).toBe(serializeFile);
    expect(file.description).toMatch(/^A file uploaded with the request/);
  });

  it('refuses a schema without a File scalar', () => {
    expect(() => withFileScalar(buildSchema('type Query { a: Int }'))).toThrow(
      'the schema declares no scalar File',
    );
  });

  it('makes a JSON variable that is no file BAD_USER_INPUT, before the services are asked', async () => {
    const services = createFakeServices();
    const { body } = await graphqlClient(services).query(
      'query ($p: File!) { annotate(image: { picture: $p }) { edges { score } } }',
      { p: 'data:image/jpeg;base64,/9j/' },
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toMatch(/A File variable holds an uploaded file, not string/);
    expect(services.calls).toEqual([]);
  });

  it('makes a file written in the query a validation error', async () => {
    const { body } = await graphqlClient(createFakeServices()).query(
      '{ annotate(image: { picture: "a.jpg" }) { edges { score } } }',
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/A File cannot be written in the query/);
  });
});
