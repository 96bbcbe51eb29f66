/**
 * The map between words and the integer ids the sentence encoder sees. It is built once from the
 * training captions, saved next to the model (vocab.json) and loaded by the worker, which must
 * map a query's words to exactly the ids the model was trained with; the hash makes a mismatch
 * loud instead of silent.
 */

import { JointspaceFormatError, JointspaceInputError, JointspaceIntegrityError } from './errors.ts';
import { sha256HexSync } from './hash.ts';
import { isToken, TOKENIZER_ID, tokenize } from './tokenizer.ts';

/** Id 0: end of sentence, also used for padding (as in the authors' code). */
export const PAD_ID = 0;
/** Id 1: any word not in the vocabulary. */
export const UNK_ID = 1;
/** The token strings of the two reserved ids. `tokenize` never produces them. */
export const EOS_TOKEN = '<eos>';
export const UNK_TOKEN = '<unk>';

export const VOCABULARY_FORMAT = 'jointspace-vocabulary';
export const VOCABULARY_VERSION = 1;

/** vocab.json: `words[id]` is the word with that id, the two reserved ones included. */
export interface VocabularyJSON {
  readonly format: typeof VOCABULARY_FORMAT;
  readonly version: typeof VOCABULARY_VERSION;
  readonly tokenizer: string;
  readonly minCount: number;
  readonly words: string[];
  readonly hash: string;
}

/** A text as ids, plus the distinct words that had no id, in order of first appearance. */
export interface EncodedText {
  readonly ids: Int32Array;
  readonly unknown: string[];
}

export interface BuildOptions {
  /** Keep words seen at least this many times (default 1: every word, as the authors did). */
  readonly minCount?: number;
}

/**
 * Orders strings by Unicode code point. JavaScript's `<` compares UTF-16 code units, which
 * differs for characters above U+FFFF against U+E000..U+FFFF; code-point order is what other
 * languages' default sort gives, so a vocabulary built elsewhere orders the same.
 */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
  }
  return a.length - i - (b.length - i);
}

function fail(why: string): never {
  throw new JointspaceFormatError(`Invalid vocabulary: ${why}`);
}

export class Vocabulary {
  /** The minCount it was built with; metadata only, not part of the hash. */
  readonly minCount: number;
  readonly #words: readonly string[];
  readonly #ids: ReadonlyMap<string, number>;
  #hash: string | undefined;

  /** Takes words that are already validated; use `build` or `fromJSON`. */
  private constructor(words: readonly string[], minCount: number) {
    this.#words = Object.freeze([...words]);
    this.#ids = new Map(words.map((word, id) => [word, id]));
    this.minCount = minCount;
  }

  /**
   * Builds a vocabulary from tokenised captions (each the output of `tokenize`). Words seen at
   * least `minCount` times get ids 2, 3, ... by count, most frequent first, ties in code-point
   * order, so the same captions always give the same ids. A word that `tokenize` cannot produce
   * (say "Dog" or "dog's") is refused: the caller forgot to tokenize, and the word could never
   * be looked up.
   */
  static build(
    tokenisedCaptions: Iterable<readonly string[]>,
    options: BuildOptions = {},
  ): Vocabulary {
    const minCount = options.minCount ?? 1;
    if (!Number.isInteger(minCount) || minCount < 1) {
      throw new JointspaceInputError(
        `Vocabulary.build: minCount must be an integer >= 1, got ${String(minCount)}`,
      );
    }
    const counts = new Map<string, number>();
    for (const caption of tokenisedCaptions) {
      for (const token of caption) counts.set(token, (counts.get(token) ?? 0) + 1);
    }
    for (const word of counts.keys()) {
      if (!isToken(word)) {
        throw new JointspaceInputError(
          `Vocabulary.build: ${JSON.stringify(word)} is not a token of ${TOKENIZER_ID} ` +
            `(tokenize gives ${JSON.stringify(tokenize(word))}); pass captions through tokenize()`,
        );
      }
    }
    const kept = [...counts].filter(([, count]) => count >= minCount);
    kept.sort(
      ([wordA, countA], [wordB, countB]) => countB - countA || compareCodePoints(wordA, wordB),
    );
    return new Vocabulary([EOS_TOKEN, UNK_TOKEN, ...kept.map(([word]) => word)], minCount);
  }

  /**
   * Reads vocab.json (already parsed) and checks everything: format, version, tokenizer id,
   * reserved words at ids 0 and 1, every other word a token and unique, and the recorded hash.
   * Throws JointspaceFormatError for a malformed file, JointspaceIntegrityError for a hash that
   * does not match the words.
   */
  static fromJSON(json: unknown): Vocabulary {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      fail('expected a JSON object');
    }
    const { format, version, tokenizer, minCount, words, hash } = json as Record<string, unknown>;
    if (format !== VOCABULARY_FORMAT) {
      fail(`format must be ${JSON.stringify(VOCABULARY_FORMAT)}, got ${JSON.stringify(format)}`);
    }
    if (version !== VOCABULARY_VERSION) {
      fail(`version must be ${VOCABULARY_VERSION}, got ${JSON.stringify(version)}`);
    }
    if (tokenizer !== TOKENIZER_ID) {
      fail(
        `it was made with tokenizer ${JSON.stringify(tokenizer)}, but this code tokenizes with ` +
          `${JSON.stringify(TOKENIZER_ID)}; rebuild the vocabulary (and retrain the model)`,
      );
    }
    if (typeof minCount !== 'number' || !Number.isInteger(minCount) || minCount < 1) {
      fail(`minCount must be an integer >= 1, got ${JSON.stringify(minCount)}`);
    }
    if (!Array.isArray(words)) fail('words must be an array');
    if (words[PAD_ID] !== EOS_TOKEN || words[UNK_ID] !== UNK_TOKEN) {
      fail(`words must start with ${JSON.stringify([EOS_TOKEN, UNK_TOKEN])}`);
    }
    const seen = new Set<string>();
    for (const [id, word] of words.entries()) {
      if (typeof word !== 'string') fail(`words[${id}] is not a string`);
      if (seen.has(word)) fail(`words[${id}] ${JSON.stringify(word)} appears twice`);
      if (id > UNK_ID && !isToken(word)) {
        fail(`words[${id}] ${JSON.stringify(word)} is not a token of ${TOKENIZER_ID}`);
      }
      seen.add(word);
    }
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) {
      fail('hash must be 64 lowercase hex digits (SHA-256)');
    }
    const vocabulary = new Vocabulary(words as string[], minCount);
    const actual = vocabulary.#digest();
    if (actual !== hash) {
      throw new JointspaceIntegrityError(
        `Vocabulary hash mismatch: the file records ${hash} but its words hash to ` +
          `${actual}; the file was edited or corrupted`,
      );
    }
    return vocabulary;
  }

  /** `fromJSON` for callers that load asynchronously; the checks are the same. */
  static async load(json: unknown): Promise<Vocabulary> {
    return Vocabulary.fromJSON(json);
  }

  /** Number of ids, the two reserved ones included: the embedding table's row count. */
  get size(): number {
    return this.#words.length;
  }

  /** The words, index = id. */
  get words(): readonly string[] {
    return this.#words;
  }

  /** The id of a word, UNK_ID when it is not in the vocabulary. */
  idOf(word: string): number {
    return this.#ids.get(word) ?? UNK_ID;
  }

  /** The word with this id; an id out of range throws (it means mismatched model and vocab). */
  wordOf(id: number): string {
    const word = Number.isInteger(id) ? this.#words[id] : undefined;
    if (word === undefined) {
      throw new JointspaceInputError(
        `Vocabulary has no id ${String(id)} (ids run from 0 to ${this.size - 1})`,
      );
    }
    return word;
  }

  /** Tokenizes a text and maps it to ids. No end-of-sentence id is appended. */
  encode(text: string): EncodedText {
    return this.encodeTokens(tokenize(text));
  }

  /** Maps tokens to ids; the distinct unknown ones are listed in order of first appearance. */
  encodeTokens(tokens: readonly string[]): EncodedText {
    const ids = new Int32Array(tokens.length);
    const unknown = new Set<string>();
    for (const [i, token] of tokens.entries()) {
      const id = this.#ids.get(token);
      if (id === undefined) {
        ids[i] = UNK_ID;
        unknown.add(token);
      } else {
        ids[i] = id;
      }
    }
    // A Set iterates in insertion order, which is the order of first appearance.
    return { ids, unknown: [...unknown] };
  }

  /**
   * Maps ids back to words. Stops at the first PAD_ID: it ends the sentence, and what follows
   * is padding. Unknown words come back as "<unk>".
   */
  decode(ids: ArrayLike<number>): string[] {
    const words: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id === PAD_ID) break;
      words.push(this.wordOf(id));
    }
    return words;
  }

  /**
   * SHA-256 (hex) of the canonical form
   * `JSON.stringify({ format, version, tokenizer, words })`, UTF-8 encoded. minCount is left
   * out: it says how the words were chosen, while the ids depend only on the words. The
   * tokenizer id is in, so a tokenizer change changes the hash.
   */
  async hash(): Promise<string> {
    return this.#digest();
  }

  /** vocab.json's content, hash included (JSON.stringify calls this). */
  toJSON(): VocabularyJSON {
    return {
      format: VOCABULARY_FORMAT,
      version: VOCABULARY_VERSION,
      tokenizer: TOKENIZER_ID,
      minCount: this.minCount,
      words: [...this.#words],
      hash: this.#digest(),
    };
  }

  #digest(): string {
    this.#hash ??= sha256HexSync(
      JSON.stringify({
        format: VOCABULARY_FORMAT,
        version: VOCABULARY_VERSION,
        tokenizer: TOKENIZER_ID,
        words: this.#words,
      }),
    );
    return this.#hash;
  }
}
