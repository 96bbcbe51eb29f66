/**
 * Checks of the arguments the API itself bounds. They run before any model is touched, so a bad
 * argument costs nothing and is reported with the range it must fall in.
 */

import { GraphQLError } from 'graphql';
import { QueryError } from '../query-error.ts';

// The text-length check lives with the query-text checks the services run; the API runs it too,
// before any model is loaded, naming the argument.
export { requireTextLength } from '../model/query-text.ts';

/** An integer argument must lie in [min, max]; OUT_OF_RANGE with both bounds otherwise. */
export function requireInRange(argument: string, got: number, min: number, max: number): void {
  if (!Number.isInteger(got) || got < min || got > max) {
    throw new QueryError(
      'OUT_OF_RANGE',
      `${argument} must be between ${min} and ${max}, got ${got}`,
      {
        argument,
        min,
        max,
        got,
      },
    );
  }
}

/** One of T's keys set (its value not null), the others absent. */
export type ExactlyOne<T> = {
  [K in keyof T]: { [P in K]: NonNullable<T[P]> } & { [P in Exclude<keyof T, K>]?: undefined };
}[keyof T];

/**
 * Of a field's arguments that stand for one thing given in different ways (similar's `imageId`
 * and `picture`), exactly one must be set: the one set, without the others. BAD_USER_INPUT
 * otherwise, naming them (the schema cannot say it: @oneOf is for input types, not arguments).
 */
export function requireExactlyOne<T extends Record<string, unknown>>(
  field: string,
  args: T,
): ExactlyOne<T> {
  const given = Object.entries(args).filter(([, value]) => value !== null && value !== undefined);
  if (given.length !== 1) {
    const names = Object.keys(args).map((name) => `\`${name}\``);
    const got =
      given.length === 0
        ? 'none was'
        : `${given.map(([name]) => `\`${name}\``).join(' and ')} were`;
    throw new GraphQLError(`${field} takes exactly one of ${names.join(' and ')}; ${got} given`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return Object.fromEntries(given) as ExactlyOne<T>;
}
