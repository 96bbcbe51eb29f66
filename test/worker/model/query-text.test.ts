import { describe, expect, it } from 'vitest';
import { QUERY_LIMITS } from '../../../core/limits.ts';
import type { ModelManifest } from '../../../core/manifest.ts';
import { tokenize } from '../../../core/tokenizer.ts';
import { UNK_ID, Vocabulary } from '../../../core/vocabulary.ts';
import { queryIds, requireTextLength } from '../../../worker/model/query-text.ts';
import { QueryError } from '../../../worker/query-error.ts';
import { exampleManifest } from '../../support/manifests.ts';

const vocabulary = Vocabulary.build(
  ['a red car in the snow', 'two dogs on a beach', 'a blue boat on a lake'].map((c) => tokenize(c)),
);
const MAX_TOKENS = 6;

/** The example manifest, reading at most MAX_TOKENS tokens (queryIds reads nothing else). */
function manifest(): ModelManifest {
  const m = exampleManifest();
  return { ...m, model: { ...m.model, maxTokens: MAX_TOKENS } };
}

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

const ids = (...words: string[]) => Int32Array.from(words, (w) => vocabulary.idOf(w));

describe('queryIds', () => {
  it('maps a text to the vocabulary ids of its tokens', () => {
    const q = queryIds('A red CAR, on the beach!', vocabulary, manifest());
    expect(q.tokens).toEqual(['a', 'red', 'car', 'on', 'the', 'beach']);
    expect(q.ids).toEqual(ids('a', 'red', 'car', 'on', 'the', 'beach'));
    expect([...q.ids].every((id) => id > UNK_ID)).toBe(true);
    expect(q.unknownWords).toEqual([]);
  });

  it('gives unknown words the <unk> id and lists each once, in order of first appearance', () => {
    const q = queryIds('zebra red quux zebra boat', vocabulary, manifest());
    const [red, boat] = ids('red', 'boat');
    expect(q.ids).toEqual(Int32Array.of(UNK_ID, red!, UNK_ID, UNK_ID, boat!));
    expect(q.unknownWords).toEqual(['zebra', 'quux']);
  });

  it('refuses a text without words: EMPTY_TEXT, naming the argument', () => {
    for (const text of ['', '   ', ' ?! ...']) {
      const e = refusal(() => queryIds(text, vocabulary, manifest()));
      expect(e).toMatchObject({
        code: 'EMPTY_TEXT',
        message: 'the text has no words',
        details: {},
      });
    }
    expect(refusal(() => queryIds('!', vocabulary, manifest(), 'plus words')).message).toBe(
      'the plus words has no words',
    );
  });

  it("takes the model's maxTokens tokens, and refuses one more: TEXT_TOO_LONG", () => {
    expect(queryIds('red '.repeat(MAX_TOKENS), vocabulary, manifest()).ids).toHaveLength(
      MAX_TOKENS,
    );
    const e = refusal(() => queryIds('red '.repeat(MAX_TOKENS + 1), vocabulary, manifest()));
    expect(e.code).toBe('TEXT_TOO_LONG');
    expect(e.message).toBe(
      `the text has ${MAX_TOKENS + 1} words; the model reads at most ${MAX_TOKENS}`,
    );
    expect(e.details).toEqual({
      argument: 'text',
      tokens: MAX_TOKENS + 1,
      maxTokens: MAX_TOKENS,
      maxCharacters: QUERY_LIMITS.maxTextCharacters,
    });
  });

  it('refuses a text none of whose words the model knows: NO_KNOWN_WORDS, listing them', () => {
    const e = refusal(() => queryIds('Zebra quux, zebra "xyzzy"', vocabulary, manifest()));
    expect(e.code).toBe('NO_KNOWN_WORDS');
    expect(e.message).toBe(
      `no word of the text is in the model's vocabulary: "zebra", "quux", "xyzzy"`,
    );
    expect(e.details).toEqual({ unknownWords: ['zebra', 'quux', 'xyzzy'] });
    // The reserved tokens are not words a query can use.
    expect(refusal(() => queryIds('<unk> <eos>', vocabulary, manifest())).code).toBe(
      'NO_KNOWN_WORDS',
    );
  });

  it('checks the length in characters first, before tokenizing', () => {
    // Punctuation only, but too long: the length is what the client hears about.
    const e = refusal(() =>
      queryIds('!'.repeat(QUERY_LIMITS.maxTextCharacters + 1), vocabulary, manifest(), 'minus'),
    );
    expect(e).toMatchObject({
      code: 'TEXT_TOO_LONG',
      details: { argument: 'minus', characters: QUERY_LIMITS.maxTextCharacters + 1 },
    });
  });
});

describe('requireTextLength', () => {
  const max = QUERY_LIMITS.maxTextCharacters;

  it('accepts up to maxTextCharacters characters', () => {
    expect(() => requireTextLength('text', '')).not.toThrow();
    expect(() => requireTextLength('text', 'x'.repeat(max))).not.toThrow();
  });

  it('refuses one more with TEXT_TOO_LONG, naming the argument and the counts', () => {
    const e = refusal(() => requireTextLength('search.text', 'x'.repeat(max + 1)));
    expect(e.code).toBe('TEXT_TOO_LONG');
    expect(e.message).toBe(`search.text has ${max + 1} characters; at most ${max} are read`);
    expect(e.details).toEqual({ argument: 'search.text', maxCharacters: max, characters: max + 1 });
  });

  it('counts code points, not UTF-16 code units', () => {
    // Each emoji is two code units: max of them is 2 * max units, but max characters.
    const emoji = '\u{1F697}';
    expect(emoji).toHaveLength(2);
    expect(() => requireTextLength('text', emoji.repeat(max))).not.toThrow();
    const e = refusal(() => requireTextLength('text', emoji.repeat(max + 1)));
    expect(e.details).toMatchObject({ characters: max + 1 });
  });
});
