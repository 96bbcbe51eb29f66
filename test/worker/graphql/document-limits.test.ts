import { describe, expect, it } from 'vitest';
import {
  limitedParse,
  MAX_NESTING,
  MAX_TOKENS,
  nestingDepth,
} from '../../../worker/graphql/document-limits.ts';
import { createFakeServices } from '../../support/fake-services.ts';
import { graphqlClient } from '../../support/graphql-client.ts';

describe('nestingDepth', () => {
  it('counts the deepest brackets of any kind', () => {
    expect(nestingDepth('')).toBe(0);
    expect(nestingDepth('{ a }')).toBe(1);
    expect(nestingDepth('{ a(b: [1, { c: 2 }]) { d } }')).toBe(4);
    expect(nestingDepth('{ a } { b { c } }')).toBe(2);
  });

  it('skips brackets in strings, block strings and comments, escapes included', () => {
    expect(nestingDepth('{ a(t: "{{{[[[(((") }')).toBe(2);
    expect(nestingDepth('{ a(t: "say \\"{{{\\" ok") }')).toBe(2);
    expect(nestingDepth('{ a(t: """ {{{ "" {{ """) }')).toBe(2);
    expect(nestingDepth('# {{{{{{\n{ a }')).toBe(1);
  });

  it('is linear and does not overflow on a document nested thousands deep', () => {
    expect(nestingDepth(`${'{a'.repeat(100_000)}${'}'.repeat(100_000)}`)).toBe(100_000);
    // Unbalanced: counted as far as it goes, never below zero.
    expect(nestingDepth('}}}{ a')).toBe(1);
  });
});

describe('limitedParse', () => {
  it(`parses documents nested up to ${MAX_NESTING} deep, and refuses deeper ones before parsing`, () => {
    const nested = (n: number) => `{ ${'a { '.repeat(n - 1)}b${' }'.repeat(n - 1)} }`;
    expect(limitedParse(nested(MAX_NESTING)).kind).toBe('Document');
    for (const depth of [MAX_NESTING + 1, 5000]) {
      expect(() => limitedParse(nested(depth))).toThrow(
        `The document nests ${depth} levels deep; at most ${MAX_NESTING} are read.`,
      );
    }
  });

  it('reads a 4,096-value feature vector written in the query, and refuses a document of more tokens', () => {
    const vector = Array.from({ length: 4096 }, (_, i) => (i % 7) / 7).join(', ');
    const annotate = `{ annotate(image: { features: [${vector}] }) { edges { score } } }`;
    expect(limitedParse(annotate).kind).toBe('Document');
    const long = `{ ${Array.from({ length: MAX_TOKENS }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    let error: unknown;
    try {
      limitedParse(long);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      message: `The document has more than ${MAX_TOKENS} tokens; at most ${MAX_TOKENS} are read.`,
      extensions: { code: 'QUERY_TOO_COMPLEX' },
    });
  });

  it('leaves syntax errors as the parser reports them', () => {
    expect(() => limitedParse('{ a(')).toThrow(/^Syntax Error/);
  });
});

describe('through the endpoint', () => {
  it('answers a deep document with QUERY_TOO_COMPLEX, not an error of the server', async () => {
    const deep = `${'{ a '.repeat(3000)}${'}'.repeat(3000)}`;
    const { status, body } = await graphqlClient(createFakeServices()).query(deep);
    expect(status).toBe(200);
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
  });
});
