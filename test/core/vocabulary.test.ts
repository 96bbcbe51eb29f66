import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JointspaceFormatError, JointspaceIntegrityError } from '../../core/errors.ts';
import { sha256Hex } from '../../core/hash.ts';
import { isToken, TOKENIZER_ID, tokenize } from '../../core/tokenizer.ts';
import {
  compareCodePoints,
  PAD_ID,
  UNK_ID,
  Vocabulary,
  type VocabularyJSON,
} from '../../core/vocabulary.ts';

// Counts: a 2, dog 2, then b, cat, runs, the once each. By count, then code-point order:
// ids 2..7 = a, dog, b, cat, runs, the.
const CAPTIONS = [['a', 'dog', 'runs'], ['a', 'cat'], ['the', 'dog'], ['b']];
const WORDS = ['<eos>', '<unk>', 'a', 'dog', 'b', 'cat', 'runs', 'the'];

/** A parsed copy of vocab.json, as the worker would read it from R2. */
const fileOf = (v: Vocabulary): VocabularyJSON => JSON.parse(JSON.stringify(v));

describe('Vocabulary.build', () => {
  it('orders words by count, then code point, after the two reserved ids', () => {
    const vocab = Vocabulary.build(CAPTIONS);
    expect(vocab.words).toEqual(WORDS);
    expect(vocab.size).toBe(8);
    expect(vocab.minCount).toBe(1);
    expect(PAD_ID).toBe(0);
    expect(UNK_ID).toBe(1);
  });

  it('keeps only words seen minCount times', () => {
    expect(Vocabulary.build(CAPTIONS, { minCount: 2 }).words).toEqual([
      '<eos>',
      '<unk>',
      'a',
      'dog',
    ]);
    expect(Vocabulary.build(CAPTIONS, { minCount: 3 }).words).toEqual(['<eos>', '<unk>']);
  });

  it('sorts by code point, not by UTF-16 code unit', () => {
    // U+FA0E (a CJK compatibility ideograph NFKC leaves alone) comes before U+20000, although
    // its code unit 0xFA0E is above U+20000's first code unit 0xD840.
    const bmp = '\ufa0e';
    const astral = '\u{20000}';
    expect(isToken(bmp) && isToken(astral)).toBe(true);
    expect(compareCodePoints(bmp, astral)).toBeLessThan(0);
    expect(bmp < astral).toBe(false);
    expect(Vocabulary.build([[astral, bmp]]).words.slice(2)).toEqual([bmp, astral]);
  });

  it('gives the same ids whatever the order of the captions', () => {
    const reversed = [...CAPTIONS].reverse().map((c) => [...c].reverse());
    expect(Vocabulary.build(reversed).words).toEqual(WORDS);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects minCount %s', (minCount) => {
    expect(() => Vocabulary.build(CAPTIONS, { minCount })).toThrow(
      `Vocabulary.build: minCount must be an integer >= 1, got ${minCount}`,
    );
  });

  it('refuses words that tokenize cannot produce', () => {
    expect(() => Vocabulary.build([['Dog']])).toThrow(
      'Vocabulary.build: "Dog" is not a token of unicode-words-v1 (tokenize gives ["dog"])',
    );
    expect(() => Vocabulary.build([['<unk>']])).toThrow('is not a token');
  });
});

describe('lookups', () => {
  const vocab = Vocabulary.build(CAPTIONS);

  it('maps words to ids, unknown words to UNK_ID', () => {
    expect(vocab.idOf('dog')).toBe(3);
    expect(vocab.idOf('zebra')).toBe(UNK_ID);
    expect(vocab.wordOf(3)).toBe('dog');
    expect(vocab.wordOf(PAD_ID)).toBe('<eos>');
  });

  it('throws for ids out of range', () => {
    expect(() => vocab.wordOf(8)).toThrow('Vocabulary has no id 8 (ids run from 0 to 7)');
    expect(() => vocab.wordOf(-1)).toThrow('Vocabulary has no id -1');
    expect(() => vocab.wordOf(1.5)).toThrow('Vocabulary has no id 1.5');
  });

  it('encodes text: tokenize, map, list the distinct unknown words in order', () => {
    // a dog chases the cat a zebra zebra yak
    const { ids, unknown } = vocab.encode('A dog chases the cat. A zebra! Zebra, yak');
    expect(ids).toEqual(Int32Array.from([2, 3, 1, 7, 5, 2, 1, 1, 1]));
    expect(unknown).toEqual(['chases', 'zebra', 'yak']);
    expect(vocab.encode('').ids).toEqual(new Int32Array(0));
  });

  it('encodes tokens as encode does after tokenize', () => {
    const text = 'The dog, the CAT and the bird';
    expect(vocab.encodeTokens(tokenize(text))).toEqual(vocab.encode(text));
  });

  it('decodes ids, stopping at the end-of-sentence id', () => {
    expect(vocab.decode([2, 3, 1])).toEqual(['a', 'dog', '<unk>']);
    expect(vocab.decode(Int32Array.from([2, 3, PAD_ID, 5, PAD_ID]))).toEqual(['a', 'dog']);
    expect(() => vocab.decode([2, 99])).toThrow('Vocabulary has no id 99');
  });
});

describe('serialisation', () => {
  const vocab = Vocabulary.build(CAPTIONS);

  it('writes the documented shape, with the hash of the canonical string', async () => {
    const json = vocab.toJSON();
    const canonical = JSON.stringify({
      format: 'jointspace-vocabulary',
      version: 1,
      tokenizer: TOKENIZER_ID,
      words: WORDS,
    });
    const expected = await sha256Hex(canonical);
    expect(json).toEqual({
      format: 'jointspace-vocabulary',
      version: 1,
      tokenizer: 'unicode-words-v1',
      minCount: 1,
      words: WORDS,
      hash: expected,
    });
    expect(await vocab.hash()).toBe(expected);
  });

  it('leaves minCount out of the hash, but not the words', async () => {
    const kept = Vocabulary.build([...CAPTIONS, ...CAPTIONS], { minCount: 2 });
    expect(kept.words).toEqual(WORDS);
    expect(await kept.hash()).toBe(await vocab.hash());
    expect(await Vocabulary.build([['a']]).hash()).not.toBe(await vocab.hash());
  });

  it('round-trips through JSON text', async () => {
    const loaded = Vocabulary.fromJSON(fileOf(vocab));
    expect(loaded.words).toEqual(vocab.words);
    expect(loaded.minCount).toBe(1);
    expect(await loaded.hash()).toBe(await vocab.hash());
    expect((await Vocabulary.load(fileOf(vocab))).toJSON()).toEqual(vocab.toJSON());
  });

  it('round-trips any vocabulary built from any text (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 20 }), { maxLength: 8 }),
        fc.integer({ min: 1, max: 3 }),
        (texts, minCount) => {
          const built = Vocabulary.build(texts.map(tokenize), { minCount });
          const loaded = Vocabulary.fromJSON(fileOf(built));
          expect(loaded.toJSON()).toEqual(built.toJSON());
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses a file whose words were edited (hash mismatch)', async () => {
    const edited = fileOf(vocab);
    edited.words[3] = 'dig';
    expect(() => Vocabulary.fromJSON(edited)).toThrow(JointspaceIntegrityError);
    expect(() => Vocabulary.fromJSON(edited)).toThrow(
      `Vocabulary hash mismatch: the file records ${vocab.toJSON().hash}`,
    );
    const swapped = fileOf(vocab);
    [swapped.words[2], swapped.words[3]] = [swapped.words[3]!, swapped.words[2]!];
    await expect(Vocabulary.load(swapped)).rejects.toThrow('Vocabulary hash mismatch');
  });

  it('refuses any single edited word (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 7 }), fc.stringMatching(/^[a-z]{1,6}$/), (id, word) => {
        fc.pre(!WORDS.includes(word));
        const edited = fileOf(vocab);
        edited.words[id] = word;
        expect(() => Vocabulary.fromJSON(edited)).toThrow(JointspaceIntegrityError);
      }),
      { numRuns: 50 },
    );
  });

  const invalid: [string, (json: Record<string, unknown>) => unknown, string][] = [
    ['not an object', () => [1, 2], 'Invalid vocabulary: expected a JSON object'],
    ['null', () => null, 'Invalid vocabulary: expected a JSON object'],
    [
      'a wrong format',
      (j) => ({ ...j, format: 'other' }),
      'format must be "jointspace-vocabulary"',
    ],
    ['a newer version', (j) => ({ ...j, version: 2 }), 'version must be 1, got 2'],
    [
      'another tokenizer',
      (j) => ({ ...j, tokenizer: 'whitespace-v0' }),
      'it was made with tokenizer "whitespace-v0", but this code tokenizes with "unicode-words-v1"',
    ],
    ['minCount 0', (j) => ({ ...j, minCount: 0 }), 'minCount must be an integer >= 1, got 0'],
    ['no words', (j) => ({ ...j, words: 'a b' }), 'words must be an array'],
    [
      'reserved words missing',
      (j) => ({ ...j, words: ['<unk>', '<eos>', 'a'] }),
      'words must start with ["<eos>","<unk>"]',
    ],
    [
      'a duplicate word',
      (j) => ({ ...j, words: [...WORDS, 'dog'] }),
      'words[8] "dog" appears twice',
    ],
    [
      'a non-token word',
      (j) => ({ ...j, words: [...WORDS, 'Zebra'] }),
      'words[8] "Zebra" is not a token',
    ],
    ['a non-string word', (j) => ({ ...j, words: [...WORDS, 7] }), 'words[8] is not a string'],
    ['a malformed hash', (j) => ({ ...j, hash: 'abc' }), 'hash must be 64 lowercase hex digits'],
  ];

  it.each(invalid)('refuses a file with %s', (_label, edit, message) => {
    const json = edit(fileOf(vocab) as unknown as Record<string, unknown>);
    expect(() => Vocabulary.fromJSON(json)).toThrow(JointspaceFormatError);
    expect(() => Vocabulary.fromJSON(json)).toThrow(message);
  });
});
