/**
 * Limits on a document before and while it is parsed. graphql-js's parser is recursive: a
 * document nested a few thousand levels deep overflows the stack, whatever the token count; and
 * a parse costs time in proportion to its tokens. So the nesting is counted first, by a linear
 * scan of the text, and the parser is given a token budget. Both are sized for real documents:
 * GraphiQL's introspection query nests 14 levels; an annotate with a 4,096-value feature vector
 * written out in the query is about 4,100 tokens.
 */

import { GraphQLError, parse } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Brackets ({, ( and [) open at once, at most. */
export const MAX_NESTING = 40;
/** Tokens in one document, at most. */
export const MAX_TOKENS = 12_000;

/**
 * The deepest nesting of brackets in a GraphQL document's text, skipping strings, block strings
 * and comments (which may hold brackets that mean nothing). Unbalanced text counts as far as it
 * goes: the parser reports what is wrong with it.
 */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else if (c === '"') {
      if (text.startsWith('"""', i)) {
        const end = text.indexOf('"""', i + 3);
        i = end === -1 ? text.length : end + 2;
      } else {
        // A string ends at the next unescaped quote, or at the line's end (the parser's rule).
        for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) {
          if (text[i] === '\\') i++;
        }
      }
    } else if (c === '{' || c === '(' || c === '[') {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === '}' || c === ')' || c === ']') {
      depth = Math.max(0, depth - 1);
    }
  }
  return deepest;
}

function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX' } });
}

/** Parses with both limits; over either, QUERY_TOO_COMPLEX. */
export function limitedParse(source: string): ReturnType<typeof parse> {
  const depth = nestingDepth(source);
  if (depth > MAX_NESTING) {
    throw tooComplex(`The document nests ${depth} levels deep; at most ${MAX_NESTING} are read.`);
  }
  try {
    return parse(source, { maxTokens: MAX_TOKENS });
  } catch (e) {
    if (e instanceof GraphQLError && /contains more tha[nt] \d+ tokens/.test(e.message)) {
      throw tooComplex(
        `The document has more than ${MAX_TOKENS} tokens; at most ${MAX_TOKENS} are read.`,
      );
    }
    throw e;
  }
}

/** The limits as a yoga plugin: every document that is parsed (not found cached) is parsed by limitedParse. */
export const documentLimitsPlugin: Plugin = {
  onParse({ setParseFn }) {
    setParseFn((source) => limitedParse(typeof source === 'string' ? source : source.body));
  },
};
