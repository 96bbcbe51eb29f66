/**
 * Checks of the arguments the API itself bounds. They run before any model is touched, so a bad
 * argument costs nothing and is reported with the range it must fall in.
 */

import { QueryError } from '../api/query-error.ts';
import { LIMITS } from '../api/services.ts';

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

/**
 * A text argument must be at most LIMITS.maxTextCharacters long. Checked here, before the text
 * reaches the tokenizer; the services check the token count, which needs the model's maxTokens.
 */
export function requireTextLength(argument: string, text: string): void {
  // Code units bound code points from above, so only a text that may be too long is counted.
  if (text.length <= LIMITS.maxTextCharacters) return;
  const characters = [...text].length;
  if (characters > LIMITS.maxTextCharacters) {
    throw new QueryError(
      'TEXT_TOO_LONG',
      `${argument} has ${characters} characters; at most ${LIMITS.maxTextCharacters} are read`,
      { argument, maxCharacters: LIMITS.maxTextCharacters, characters },
    );
  }
}
