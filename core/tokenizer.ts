/**
 * The one tokenizer for training captions and user queries. Both sides must split text the same
 * way or a query word never meets its trained embedding, so there is exactly one function.
 */

/**
 * Names this tokenizer's behaviour. It is part of the vocabulary's hash: changing how text is
 * split must change the id, so that an old vocabulary is refused instead of silently misread.
 */
export const TOKENIZER_ID = 'unicode-words-v1';

/**
 * A word: a letter or digit, then letters, digits and combining marks. The marks matter outside
 * English: Devanagari vowel signs and Thai vowels are marks inside a word, and so is the dot that
 * lowercasing 'İ' leaves; without them such words would be cut apart. For the Latin script this
 * is exactly "runs of letters and digits".
 */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;

/**
 * Splits text into lowercase words: NFKC-normalise (full-width and compatibility forms become
 * plain ones), lowercase, normalise again (lowercasing can undo normal form, e.g. a modifier
 * capital letter), then keep the words and drop everything else (punctuation, whitespace).
 * "A dog's ball!" -> ["a", "dog", "s", "ball"], as Flickr8k's own tokens split it.
 */
export function tokenize(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().normalize('NFKC').match(WORD) ?? [];
}

/**
 * True when `word` is something `tokenize` can produce (tokenize(word) is exactly [word]). A
 * vocabulary entry that is not a token can never be looked up, so the vocabulary checks this.
 */
export function isToken(word: string): boolean {
  const tokens = tokenize(word);
  return tokens.length === 1 && tokens[0] === word;
}
