import { QUERY_LIMITS } from '../../core/limits.ts';
import type { ModelManifest } from '../../core/manifest.ts';
import { tokenize } from '../../core/tokenizer.ts';
import { UNK_ID, type Vocabulary } from '../../core/vocabulary.ts';
import { QueryError } from '../query-error.ts';

/**
 * A query text as token ids, with the checks a client deserves to hear about: empty text, text
 * longer than the model reads, and text whose words the model has never seen (which would give
 * the vector of <unk> alone, or a zero vector: an answer that means nothing).
 */

export interface QueryIds {
  ids: Int32Array;
  tokens: string[];
  unknownWords: string[];
}

/**
 * A text argument must be at most QUERY_LIMITS.maxTextCharacters long.
 * Counted in code points (what a person calls characters). The GraphQL layer runs it before any
 * model is loaded; queryIds runs it for every caller.
 */
export function requireTextLength(argument: string, text: string): void {
  // Code units bound code points from above, so only a text that may be too long is counted.
  if (text.length <= QUERY_LIMITS.maxTextCharacters) return;
  const characters = [...text].length;
  if (characters > QUERY_LIMITS.maxTextCharacters) {
    throw new QueryError(
      'TEXT_TOO_LONG',
      `${argument} has ${characters} characters; at most ${QUERY_LIMITS.maxTextCharacters} are read`,
      { argument, maxCharacters: QUERY_LIMITS.maxTextCharacters, characters },
    );
  }
}

export function queryIds(
  text: string,
  vocabulary: Vocabulary,
  manifest: ModelManifest,
  what = 'text',
): QueryIds {
  requireTextLength(what, text);
  const tokens = tokenize(text);
  if (tokens.length === 0) {
    throw new QueryError('EMPTY_TEXT', `the ${what} has no words`, {});
  }
  if (tokens.length > manifest.model.maxTokens) {
    throw new QueryError(
      'TEXT_TOO_LONG',
      `the ${what} has ${tokens.length} words; the model reads at most ${manifest.model.maxTokens}`,
      {
        argument: what,
        tokens: tokens.length,
        maxTokens: manifest.model.maxTokens,
        maxCharacters: QUERY_LIMITS.maxTextCharacters,
      },
    );
  }
  const { ids, unknown } = vocabulary.encodeTokens(tokens);
  if (ids.every((id) => id === UNK_ID)) {
    throw new QueryError(
      'NO_KNOWN_WORDS',
      `no word of the ${what} is in the model's vocabulary: ${unknown.map((w) => JSON.stringify(w)).join(', ')}`,
      { unknownWords: unknown },
    );
  }
  return { ids, tokens, unknownWords: unknown };
}
