import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isToken, TOKENIZER_ID, tokenize } from '../../core/tokenizer.ts';

describe('tokenize', () => {
  it.each([
    ["A dog's ball!", ['a', 'dog', 's', 'ball']],
    ['Dog,', ['dog']],
    ['  Two   DOGS\tplay\n', ['two', 'dogs', 'play']],
    ['3 kids, 2-storey house', ['3', 'kids', '2', 'storey', 'house']],
    ['', []],
    ['!!! ... ---', []],
  ])('splits %j into %j', (text, tokens) => {
    expect(tokenize(text)).toEqual(tokens);
  });

  it('makes full-width and compatibility forms plain (NFKC)', () => {
    expect(tokenize('ＤＯＧ ﬁsh')).toEqual(['dog', 'fish']);
  });

  it('gives composed and decomposed accents the same token', () => {
    expect(tokenize('Cafe\u0301')).toEqual(['caf\u00e9']);
    expect(tokenize('caf\u00e9')).toEqual(['caf\u00e9']);
  });

  it('keeps combining marks inside words (Devanagari, Turkish dotted I)', () => {
    expect(tokenize('हिन्दी भाषा')).toEqual(['हिन्दी', 'भाषा']);
    expect(tokenize('İstanbul')).toEqual(['i\u0307stanbul']);
  });

  it('lowercases what NFKC turns into capitals (modifier letter capital A)', () => {
    expect(tokenize('\u1d2c')).toEqual(['a']);
  });

  it('is idempotent on its joined output, and every token is a token', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (text) => {
        const tokens = tokenize(text);
        expect(tokenize(tokens.join(' '))).toEqual(tokens);
        expect(tokens.every(isToken)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('has a stable id', () => {
    expect(TOKENIZER_ID).toBe('unicode-words-v1');
  });
});

describe('isToken', () => {
  it('is true only for what tokenize produces', () => {
    expect(isToken('dog')).toBe(true);
    expect(isToken('42')).toBe(true);
    expect(isToken('Dog')).toBe(false);
    expect(isToken("dog's")).toBe(false);
    expect(isToken('two dogs')).toBe(false);
    expect(isToken('')).toBe(false);
    expect(isToken('<unk>')).toBe(false);
  });
});
