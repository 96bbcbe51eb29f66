/**
 * A small deterministic JointspaceServices for the GraphQL tests: twelve images of coloured
 * things, two captions each, scored by word overlap. It behaves like the real services where the
 * API depends on it (best first, stable order for equal scores, at most topK, QueryErrors with
 * their documented details) and records every call so tests can see what the API asked for.
 */
import type { ModelManifest } from '../../core/manifest.ts';
import type {
  CaptionRecord,
  EncodedQuery,
  ImageRecord,
  JointspaceServices,
  Scored,
} from '../../worker/api/services.ts';
import { QueryError } from '../../worker/query-error.ts';

export const FEATURE_DIM = 4;
export const MAX_TOKENS = 12;

const COLOURS = ['red', 'blue', 'green'] as const;
const THINGS = ['car', 'dog', 'boat', 'house'] as const;

/** Images 0-3 are red things, 4-7 blue, 8-11 green; every fourth image is in the test split. */
export const IMAGES: ImageRecord[] = Array.from(
  { length: COLOURS.length * THINGS.length },
  (_, n) => {
    const file = `img_${String(n).padStart(2, '0')}.jpg`;
    return {
      id: file,
      file,
      split: n % 4 === 3 ? 'test' : 'train',
      ...(n === 0 ? { url: 'https://images.example/img_00.jpg' } : {}),
    };
  },
);

export const CAPTIONS: CaptionRecord[] = IMAGES.flatMap((image, n) => {
  const colour = COLOURS[Math.floor(n / THINGS.length)]!;
  const thing = THINGS[n % THINGS.length]!;
  return [`a ${colour} ${thing}`, `the ${thing} is ${colour}`].map((text, k) => ({
    id: `${image.id}#${k}`,
    text,
    imageId: image.id,
    split: image.split,
  }));
});

const VOCABULARY = new Set(CAPTIONS.flatMap((caption) => tokenize(caption.text)));

function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/** The real services' contract for query text: EMPTY_TEXT, TEXT_TOO_LONG, NO_KNOWN_WORDS. */
function encode(text: string): EncodedQuery {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new QueryError('EMPTY_TEXT', 'the text has no words');
  if (tokens.length > MAX_TOKENS) {
    throw new QueryError('TEXT_TOO_LONG', `the text has ${tokens.length} tokens`, {
      maxCharacters: 1000,
      maxTokens: MAX_TOKENS,
      tokens: tokens.length,
    });
  }
  const unknownWords = [...new Set(tokens.filter((t) => !VOCABULARY.has(t)))];
  if (tokens.every((t) => !VOCABULARY.has(t))) {
    throw new QueryError('NO_KNOWN_WORDS', 'no word of the text is in the vocabulary', {
      unknownWords,
    });
  }
  return { tokens, unknownWords };
}

function wordsOf(imageId: string): Set<string> {
  return new Set(CAPTIONS.filter((c) => c.imageId === imageId).flatMap((c) => tokenize(c.text)));
}

/** Best first; equal scores keep list order (Array.prototype.sort is stable). */
function rank<T>(items: readonly T[], score: (item: T) => number, topK: number): Scored<T>[] {
  return items
    .map((item) => ({ item, score: score(item) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, topK);
}

function overlap(tokens: readonly string[], words: Set<string>): number {
  const known = tokens.filter((t) => VOCABULARY.has(t));
  return known.filter((t) => words.has(t)).length / Math.max(1, known.length);
}

function requireImage(imageId: string): ImageRecord {
  const image = IMAGES.find((i) => i.id === imageId);
  if (image === undefined) {
    throw new QueryError('UNKNOWN_IMAGE', `no image has the id ${JSON.stringify(imageId)}`, {
      imageId,
    });
  }
  return image;
}

/** The splits of the fake model (its manifest's `vectors.splits`). */
export const SPLITS = ['train', 'test'];

/** The items of `split` (all when it is undefined); UNKNOWN_SPLIT as the real services refuse. */
function inSplit<T extends { split: string }>(items: readonly T[], split: string | undefined): T[] {
  if (split === undefined) return [...items];
  if (!SPLITS.includes(split)) {
    throw new QueryError(
      'UNKNOWN_SPLIT',
      `split ${JSON.stringify(split)} is not a split of this model (it has ${SPLITS.join(', ')})`,
      { split, splits: SPLITS },
    );
  }
  return items.filter((item) => item.split === split);
}

/** The call as the log shows it (arguments as written), the split, when given, last. */
function call(method: string, args: readonly string[], split: string | undefined): string {
  const shown = split === undefined ? args : [...args, JSON.stringify(split)];
  return `${method}(${shown.join(', ')})`;
}

/**
 * The image an uploaded picture "shows": the fake reads no pixels, it looks the file's name up
 * (a File named "img_05.jpg" is that image); any other file is NOT_A_PICTURE.
 */
function pictured(picture: Blob): ImageRecord {
  const name = picture instanceof File ? picture.name : '';
  const image = IMAGES.find((i) => i.file === name);
  if (image === undefined) {
    throw new QueryError('NOT_A_PICTURE', 'the upload is not a picture that can be read', {
      reason: `the fake services know no picture named ${JSON.stringify(name)}`,
    });
  }
  return image;
}

function shownPicture(picture: Blob): string {
  return `${picture instanceof File ? JSON.stringify(picture.name) : 'blob'} (${picture.size} bytes)`;
}

function annotate(imageId: string, topK: number, split?: string): Scored<CaptionRecord>[] {
  const words = wordsOf(imageId);
  return rank(inSplit(CAPTIONS, split), (c) => overlap(tokenize(c.text), words), topK);
}

export function fakeManifest(space: 'retrieval' | 'regularities'): ModelManifest {
  const sha = (c: string) => c.repeat(64);
  return {
    format: 'jointspace-model',
    formatVersion: 1,
    version: space === 'retrieval' ? 'lstm8-fake-f32-00000001' : 'bow8-fake-int8-00000002',
    space,
    createdAt: '2026-05-01T12:00:00.000Z',
    model: {
      encoder: space === 'retrieval' ? 'lstm' : 'bow',
      dimension: 8,
      wordDim: 6,
      featureDim: FEATURE_DIM,
      vocabSize: VOCABULARY.size + 2,
      maxTokens: MAX_TOKENS,
      weights: space === 'retrieval' ? 'float32' : 'int8',
    },
    onnx: {
      opset: 17,
      irVersion: 8,
      sentenceEncoder: {
        file: 'sentence_encoder.onnx',
        input: 'token_ids',
        output: 'sentence_vector',
      },
      imageProjection: {
        file: 'image_projection.onnx',
        input: 'image_features',
        output: 'image_vector',
      },
    },
    vocabulary: {
      file: 'vocab.json',
      hash: sha('a'),
      tokenizer: 'jointspace-words-v1',
      size: VOCABULARY.size + 2,
      minCount: 1,
    },
    vectors: {
      images: { file: 'images.ndjson', count: IMAGES.length },
      captions: { file: 'captions.ndjson', count: CAPTIONS.length },
      splits: SPLITS,
    },
    data: { name: 'fake', format: 'demo', source: 'fake-world' },
    training: { update: 100, bestDevRsum: 250, seconds: 3, config: { epochs: 1 } },
    evaluation:
      space === 'retrieval'
        ? {
            split: 'test',
            images: 3,
            captions: 6,
            annotation: { r1: 33.3, r5: 100, r10: 100, medianRank: 2, meanRank: 1.7 },
            search: { r1: 50, r5: 100, r10: 100, medianRank: 1, meanRank: 1.5 },
            rsum: 583.3,
          }
        : null,
    files: {},
  };
}

export interface FakeServices extends JointspaceServices {
  /** Every call, as "method(args)", in order. */
  readonly calls: string[];
}

export function createFakeServices(): FakeServices {
  const calls: string[] = [];
  const log = (call: string) => calls.push(call);
  return {
    calls,
    async model(space) {
      log(`model(${space})`);
      return fakeManifest(space);
    },
    async search(text, topK, split) {
      log(call('search', [JSON.stringify(text), String(topK)], split));
      const images = inSplit(IMAGES, split);
      const query = encode(text);
      return { query, results: rank(images, (i) => overlap(query.tokens, wordsOf(i.id)), topK) };
    },
    async annotateImage(imageId, topK, split) {
      log(call('annotateImage', [JSON.stringify(imageId), String(topK)], split));
      requireImage(imageId);
      return annotate(imageId, topK, split);
    },
    async annotateFeatures(features, topK, split) {
      log(call('annotateFeatures', [`[${features.join(',')}]`, String(topK)], split));
      if (features.length !== FEATURE_DIM) {
        throw new QueryError(
          'BAD_FEATURES',
          `the features have ${features.length} values; the model takes ${FEATURE_DIM}`,
          { expected: FEATURE_DIM, got: features.length },
        );
      }
      // The largest feature picks a thing; the first image of that thing is "seen".
      const best = features.indexOf(Math.max(...features));
      return annotate(IMAGES[best]!.id, topK, split);
    },
    async annotatePicture(picture, topK, split) {
      log(call('annotatePicture', [shownPicture(picture), String(topK)], split));
      return annotate(pictured(picture).id, topK, split);
    },
    async similarToPicture(picture, topK, split) {
      log(call('similarToPicture', [shownPicture(picture), String(topK)], split));
      const words = wordsOf(pictured(picture).id);
      // Not a stored image: nothing is left out.
      return rank(inSplit(IMAGES, split), (i) => overlap([...wordsOf(i.id)], words), topK);
    },
    async similar(imageId, topK, split) {
      log(call('similar', [JSON.stringify(imageId), String(topK)], split));
      const words = wordsOf(requireImage(imageId).id);
      const others = inSplit(IMAGES, split).filter((i) => i.id !== imageId);
      // Like the real services: the image left out, at most 99 (one query's 100, less itself).
      return rank(others, (i) => overlap([...wordsOf(i.id)], words), Math.min(topK, 99));
    },
    async analogy(imageId, minus, plus, pool, k) {
      log(
        `analogy(${JSON.stringify(imageId)}, ${JSON.stringify(minus)}, ${JSON.stringify(plus)}, ${pool}, ${k})`,
      );
      requireImage(imageId);
      const minusQuery =
        minus.length === 0 ? { tokens: [], unknownWords: [] } : encode(minus.join(' '));
      const plusQuery =
        plus.length === 0 ? { tokens: [], unknownWords: [] } : encode(plus.join(' '));
      const target = new Set([...wordsOf(imageId)].filter((w) => !minusQuery.tokens.includes(w)));
      for (const w of plusQuery.tokens) target.add(w);
      const candidates = rank(IMAGES, (i) => overlap([...target], wordsOf(i.id)), pool);
      // A stand-in for the centroid re-ranking: reverse the pool's order of the top half, so
      // the API is seen to keep the services' order and not to re-sort by score.
      const reranked = [...candidates.slice(0, Math.ceil(pool / 2))].reverse();
      return { minus: minusQuery, plus: plusQuery, results: reranked.slice(0, k) };
    },
    async image(id) {
      log(`image(${JSON.stringify(id)})`);
      return IMAGES.find((i) => i.id === id) ?? null;
    },
    async captionsOf(imageId) {
      log(`captionsOf(${JSON.stringify(imageId)})`);
      return CAPTIONS.filter((c) => c.imageId === imageId);
    },
  };
}
