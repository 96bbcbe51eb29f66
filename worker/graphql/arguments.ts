/**
 * Checks of the arguments the API itself bounds. They run before any model is touched, so a bad
 * argument costs nothing and is reported with the range it must fall in.
 */

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
