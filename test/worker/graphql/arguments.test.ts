import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { QUERY_LIMITS } from '../../../core/limits.ts';
import {
  requireExactlyOne,
  requireInRange,
  requireTextLength,
} from '../../../worker/graphql/arguments.ts';
import { requireTextLength as servicesTextCheck } from '../../../worker/model/query-text.ts';
import { QueryError } from '../../../worker/query-error.ts';

// The checks of the arguments the API bounds itself, run before any model is touched.

/** The QueryError `f` throws (failing the test when it throws something else, or nothing). */
function refusal(f: () => unknown): QueryError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(QueryError);
    return e as QueryError;
  }
  throw new Error('expected a QueryError, got none');
}

describe('requireInRange', () => {
  it('takes every integer from min to max, both included', () => {
    for (const got of [1, 2, 50, 99, 100])
      expect(requireInRange('first', got, 1, 100)).toBe(undefined);
    expect(requireInRange('k', 7, 7, 7)).toBe(undefined);
    expect(requireInRange('offset', 0, 0, 3)).toBe(undefined);
  });

  it.each([
    ['below the range', 0],
    ['above the range', 101],
    ['negative', -3],
    ['not an integer', 1.5],
    ['NaN', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
  ])('refuses a value %s with OUT_OF_RANGE, the argument and both bounds', (_why, got) => {
    const e = refusal(() => requireInRange('first', got, 1, 100));
    expect(e.code).toBe('OUT_OF_RANGE');
    expect(e.message).toBe(`first must be between 1 and 100, got ${got}`);
    expect(e.details).toEqual({ argument: 'first', min: 1, max: 100, got });
  });

  it('names the argument it was given', () => {
    const e = refusal(() => requireInRange('k', 6, 1, 5));
    expect(e.message).toBe('k must be between 1 and 5, got 6');
    expect(e.details).toEqual({ argument: 'k', min: 1, max: 5, got: 6 });
  });
});

describe('requireTextLength', () => {
  it("is the services' own check, so that the API and the services agree", () => {
    expect(requireTextLength).toBe(servicesTextCheck);
  });

  it(`takes up to ${QUERY_LIMITS.maxTextCharacters} characters, counted in code points`, () => {
    expect(requireTextLength('text', 'a'.repeat(QUERY_LIMITS.maxTextCharacters))).toBe(undefined);
    // 1000 emoji are 2000 UTF-16 units, but 1000 characters.
    expect(requireTextLength('text', '🐶'.repeat(QUERY_LIMITS.maxTextCharacters))).toBe(undefined);
  });

  it('refuses a longer text with TEXT_TOO_LONG, naming the argument', () => {
    const e = refusal(() =>
      requireTextLength('plus', 'é'.repeat(QUERY_LIMITS.maxTextCharacters + 1)),
    );
    expect(e.code).toBe('TEXT_TOO_LONG');
    expect(e.message).toBe('plus has 1001 characters; at most 1000 are read');
    expect(e.details).toEqual({ argument: 'plus', maxCharacters: 1000, characters: 1001 });
  });
});

describe('requireExactlyOne', () => {
  it('returns the one argument set, null and absent ones left out', () => {
    expect(requireExactlyOne('similar', { imageId: 'a.jpg', picture: null })).toEqual({
      imageId: 'a.jpg',
    });
    expect(requireExactlyOne('similar', { imageId: undefined, picture: 7 })).toEqual({
      picture: 7,
    });
  });

  it.each([
    [{ imageId: null, picture: undefined }, 'none was'],
    [{ imageId: 'a.jpg', picture: 7 }, '`imageId` and `picture` were'],
  ])('refuses %o with BAD_USER_INPUT, naming the arguments', (args, got) => {
    let thrown: unknown;
    try {
      requireExactlyOne('similar', args);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(GraphQLError);
    expect((thrown as GraphQLError).message).toBe(
      `similar takes exactly one of \`imageId\` and \`picture\`; ${got} given`,
    );
    expect((thrown as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
  });
});
