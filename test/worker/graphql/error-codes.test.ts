import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  codeFor,
  ERROR_CODES,
  executionErrorCode,
  RENAMED_CODES,
  REQUEST_ERROR_CODES,
  withCode,
} from '../../../worker/graphql/error-codes.ts';
import { QUERY_ERROR_CODES } from '../../../worker/query-error.ts';

describe('the error codes', () => {
  it('are the refusals of queries and those of requests, each once', () => {
    expect(ERROR_CODES).toEqual([...QUERY_ERROR_CODES, ...REQUEST_ERROR_CODES]);
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of ERROR_CODES) expect(code).toMatch(/^[A-Z_]+$/);
  });
});

describe('withCode', () => {
  it('adds the code and keeps the message, place and other extensions', () => {
    const original = new GraphQLError('No.', {
      path: ['search'],
      extensions: { http: { status: 400 } },
    });
    const coded = withCode(original, 'BAD_REQUEST');
    expect(coded.message).toBe('No.');
    expect(coded.path).toEqual(['search']);
    expect(coded.extensions).toEqual({ http: { status: 400 }, code: 'BAD_REQUEST' });
    expect(original.extensions.code).toBeUndefined();
  });
});

describe('codeFor', () => {
  const withStatus = (status: number) =>
    new GraphQLError('x', { extensions: { http: { status } } });

  it('reads the HTTP status yoga gave an error of the transport', () => {
    expect(
      [400, 403, 404, 405, 406, 413, 415, 429, 418, 502].map((s) => codeFor(withStatus(s))),
    ).toEqual([
      'BAD_REQUEST',
      'FORBIDDEN',
      'BAD_REQUEST',
      'METHOD_NOT_ALLOWED',
      'NOT_ACCEPTABLE',
      'REQUEST_TOO_LARGE',
      'UNSUPPORTED_MEDIA_TYPE',
      'RATE_LIMITED',
      'BAD_REQUEST',
      'INTERNAL_SERVER_ERROR',
    ]);
  });

  it('names an operation type the schema lacks, and arguments built from unfit variables', () => {
    expect(
      codeFor(new GraphQLError('Schema is not configured to execute subscription operation.')),
    ).toBe('OPERATION_NOT_SUPPORTED');
    expect(codeFor(new GraphQLError('Argument "image" has invalid value {features: $f}.'))).toBe(
      'BAD_USER_INPUT',
    );
  });

  it("names the parser's errors, and anything else unexpected", () => {
    expect(codeFor(new GraphQLError('Syntax Error: Expected Name, found <EOF>.'))).toBe(
      'GRAPHQL_PARSE_FAILED',
    );
    expect(
      codeFor(new GraphQLError('Cannot return null for non-nullable field Query.models.')),
    ).toBe('INTERNAL_SERVER_ERROR');
  });
});

describe('RENAMED_CODES', () => {
  it("maps yoga's and graphql-tools' own codes to this API's", () => {
    expect(RENAMED_CODES).toEqual({
      REQUEST_ENTITY_TOO_LARGE: 'REQUEST_TOO_LARGE',
      OPERATION_RESOLUTION_FAILURE: 'BAD_REQUEST',
    });
    for (const code of Object.values(RENAMED_CODES)) expect(ERROR_CODES).toContain(code);
  });
});

describe('executionErrorCode', () => {
  it('tells an operation type the schema lacks from bad variables', () => {
    expect(
      executionErrorCode(
        new GraphQLError('Schema is not configured to execute mutation operation.'),
      ),
    ).toBe('OPERATION_NOT_SUPPORTED');
    expect(
      executionErrorCode(
        new GraphQLError(
          'Variable "$n" got invalid value 9999999999; Int cannot represent non 32-bit signed integer value: 9999999999',
        ),
      ),
    ).toBe('BAD_USER_INPUT');
  });
});
