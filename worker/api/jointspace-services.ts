import { composeAnalogy, rerankByCentroid } from '../../core/analogy.ts';
import { QUERY_LIMITS } from '../../core/limits.ts';
import type { Space } from '../../core/model-files.ts';
import { captionVectorId } from '../../core/vector-ids.ts';
import type { CaptionMetadata, ImageMetadata } from '../../core/vector-records.ts';
import { dot } from '../../core/vectors.ts';
import type { ModelSpace } from '../model/model-space.ts';
import { queryIds } from '../model/query-text.ts';
import { encodeSentence, projectImages } from '../onnx/encode.ts';
import { QueryError } from '../query-error.ts';
import type { VectorFilter, VectorIndex, VectorMatch } from '../vector-index/vector-index.ts';
import { type ImageEncoderGetter, PictureVectors } from './picture-vectors.ts';
import { ServerTiming } from './server-timing.ts';
import type {
  CaptionRecord,
  EncodedQuery,
  ImageRecord,
  JointspaceServices,
  Scored,
} from './services.ts';
import { splitFilter } from './split-filter.ts';

/**
 * The services over two model versions: `retrieval` (search and annotation) and `regularities`
 * (analogy, DESIGN.md's bag-of-words space). Each space is asked for when a query needs it
 * (served-models.ts loads it once per isolate), so a query of one space never waits for, or
 * fails with, the other.
 */

/** The largest magnitude a float32 holds: a feature past it cannot reach the model as it is. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Raw CNN features as the projection takes them: every value a finite float32, scaled to unit
 * length in float64 first. The projection is linear without bias and its output is normalised,
 * so the scale changes nothing it computes; it keeps values like 1e20, whose squares overflow
 * float32, from turning the vector into infinities or zeros inside the graph.
 */
function unitFeatures(features: readonly number[]): Float32Array {
  const bad = features.findIndex((x) => !Number.isFinite(x) || Math.abs(x) > FLOAT32_MAX);
  if (bad !== -1) {
    throw new QueryError(
      'BAD_FEATURES',
      `feature ${bad} is ${String(features[bad])}; every value must be a finite number within float32's range (about 3.4e38)`,
      { index: bad },
    );
  }
  const largest = features.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  if (largest === 0) {
    throw new QueryError(
      'BAD_FEATURES',
      'the feature vector is all zeros: it has no direction to search by',
      { index: 0 },
    );
  }
  // Divided by the largest first, so that the sum of squares cannot overflow float64 either.
  let sum = 0;
  for (const x of features) sum += (x / largest) ** 2;
  const norm = largest * Math.sqrt(sum);
  return Float32Array.from(features, (x) => x / norm);
}

/**
 * The `count` stored images nearest `vector`, the image `imageId` left out: one more is asked
 * for, since the image itself is (nearly always) among its own nearest and is no answer, and it
 * is dropped wherever it ranks (an identical picture may tie with it first).
 */
async function nearestOthers<M>(
  images: VectorIndex<M>,
  vector: Float32Array,
  imageId: string,
  count: number,
  filter?: VectorFilter,
): Promise<VectorMatch<M>[]> {
  const matches = await images.query(vector, Math.min(count + 1, QUERY_LIMITS.maxResults), filter);
  return matches.filter((m) => m.id !== imageId).slice(0, count);
}

function imageRecord(id: string, m: ImageMetadata): ImageRecord {
  return { id, file: m.file, split: m.split, ...(m.url !== undefined ? { url: m.url } : {}) };
}

function captionRecord(id: string, m: CaptionMetadata): CaptionRecord {
  return { id, text: m.text, imageId: m.imageId, split: m.split };
}

function scoredImages(matches: VectorMatch<ImageMetadata>[]): Scored<ImageRecord>[] {
  return matches.map((m) => ({ item: imageRecord(m.id, m.metadata), score: m.score }));
}

function scoredCaptions(matches: VectorMatch<CaptionMetadata>[]): Scored<CaptionRecord>[] {
  return matches.map((m) => ({ item: captionRecord(m.id, m.metadata), score: m.score }));
}

export type SpaceGetter = () => Promise<ModelSpace>;

export class ModelServices implements JointspaceServices {
  private readonly pictures: PictureVectors;

  constructor(
    private readonly retrieval: SpaceGetter,
    private readonly regularities: SpaceGetter,
    /** The image encoder of a version, asked for only when a picture comes. */
    imageEncoder: ImageEncoderGetter,
    /**
     * Where this request's stage times go (encode: the sentence encoder; decode and cnn: an
     * uploaded picture; index: the vector index).
     */
    private readonly timing: ServerTiming = new ServerTiming(),
  ) {
    this.pictures = new PictureVectors(imageEncoder, timing);
  }

  async model(space: Space) {
    return (await (space === 'retrieval' ? this.retrieval() : this.regularities())).manifest;
  }

  private async imageVector(space: ModelSpace, imageId: string): Promise<Float32Array> {
    const [stored] = await space.images.getByIds([imageId]);
    if (!stored)
      throw new QueryError('UNKNOWN_IMAGE', `no image has the id ${JSON.stringify(imageId)}`, {
        imageId,
      });
    return stored.values;
  }

  private captionIndex(space: ModelSpace) {
    const captions = space.captions;
    if (!captions)
      throw new QueryError(
        'MODEL_UNAVAILABLE',
        'the retrieval space was loaded without its captions',
        {},
      );
    return captions;
  }

  async search(text: string, topK: number, split?: string) {
    const space = await this.retrieval();
    const filter = splitFilter(split, space.manifest);
    const { ids, tokens, unknownWords } = queryIds(text, space.vocabulary, space.manifest);
    const vector = await this.timing.time('encode', () =>
      encodeSentence(space.sentenceEncoder, ids),
    );
    const results = scoredImages(
      await this.timing.time('index', () => space.images.query(vector, topK, filter)),
    );
    return { query: { tokens, unknownWords }, results };
  }

  async annotateImage(imageId: string, topK: number, split?: string) {
    const space = await this.retrieval();
    const filter = splitFilter(split, space.manifest);
    const vector = await this.imageVector(space, imageId);
    return scoredCaptions(await this.captionIndex(space).query(vector, topK, filter));
  }

  async similar(imageId: string, topK: number, split?: string) {
    const space = await this.retrieval();
    const filter = splitFilter(split, space.manifest);
    const vector = await this.imageVector(space, imageId);
    // At most maxResults - 1 (99): the same list whether or not the image was among the 100.
    const count = Math.min(topK, QUERY_LIMITS.maxResults - 1);
    const others = await this.timing.time('index', () =>
      nearestOthers(space.images, vector, imageId, count, filter),
    );
    return scoredImages(others);
  }

  async annotateFeatures(features: readonly number[], topK: number, split?: string) {
    const space = await this.retrieval();
    const filter = splitFilter(split, space.manifest);
    const expected = space.manifest.model.featureDim;
    if (features.length !== expected) {
      throw new QueryError(
        'BAD_FEATURES',
        `the feature vector has ${features.length} values; the model takes ${expected}`,
        {
          expected,
          got: features.length,
        },
      );
    }
    const session = space.imageProjection;
    if (!session)
      throw new QueryError(
        'MODEL_UNAVAILABLE',
        'the retrieval space was loaded without its image projection',
        {},
      );
    const vector = await projectImages(session, unitFeatures(features), expected);
    if (!vector.every(Number.isFinite) || vector.every((x) => x === 0)) {
      throw new QueryError(
        'BAD_FEATURES',
        'the feature vector projects to no direction in the joint space',
        { index: 0 },
      );
    }
    return scoredCaptions(await this.captionIndex(space).query(vector, topK, filter));
  }

  async annotatePicture(picture: Blob, topK: number, split?: string) {
    const space = await this.retrieval();
    const filter = splitFilter(split, space.manifest);
    const captions = this.captionIndex(space);
    const vector = await this.pictures.of(picture, space.manifest);
    return scoredCaptions(
      await this.timing.time('index', () => captions.query(vector, topK, filter)),
    );
  }

  async similarToPicture(picture: Blob, topK: number, split?: string) {
    const space = await this.retrieval();
    const filter = splitFilter(split, space.manifest);
    const vector = await this.pictures.of(picture, space.manifest);
    // Not a stored image: nothing to leave out, so the list may hold all 100.
    return scoredImages(
      await this.timing.time('index', () => space.images.query(vector, topK, filter)),
    );
  }

  /** Unit vectors of analogy terms: each term (a word or a phrase) through the bag-of-words encoder. */
  private async termVectors(
    space: ModelSpace,
    terms: readonly string[],
    role: 'minus' | 'plus',
  ): Promise<{ vectors: Float32Array[]; query: EncodedQuery }> {
    const vectors: Float32Array[] = [];
    const tokens: string[] = [];
    const unknownWords: string[] = [];
    for (const [i, term] of terms.entries()) {
      const q = queryIds(term, space.vocabulary, space.manifest, `${role}[${i}]`);
      vectors.push(await encodeSentence(space.sentenceEncoder, q.ids));
      tokens.push(...q.tokens);
      unknownWords.push(...q.unknownWords.filter((w) => !unknownWords.includes(w)));
    }
    return { vectors, query: { tokens, unknownWords } };
  }

  async analogy(
    imageId: string,
    minus: readonly string[],
    plus: readonly string[],
    pool: number,
    k: number,
  ) {
    const space = await this.regularities();
    const image = await this.imageVector(space, imageId);
    const m = await this.termVectors(space, minus, 'minus');
    const p = await this.termVectors(space, plus, 'plus');
    let q: Float32Array;
    try {
      q = composeAnalogy(image, m.vectors, p.vectors);
    } catch (e) {
      throw new QueryError('NO_KNOWN_WORDS', `the analogy cancels out: ${(e as Error).message}`, {
        unknownWords: [],
      });
    }
    const matches = await nearestOthers(space.images, q, imageId, pool);
    const stored = await space.images.getByIds(matches.map((x) => x.id));
    const byId = new Map(stored.map((s) => [s.id, s]));
    const candidates = matches.flatMap((match) => {
      const s = byId.get(match.id);
      return s ? [{ match, vector: s.values }] : [];
    });
    const kept = rerankByCentroid(candidates, Math.min(k, candidates.length || 1));
    const results = kept.map(({ match, vector }) => ({
      item: imageRecord(match.id, match.metadata),
      score: dot(q, vector),
    }));
    return { minus: m.query, plus: p.query, results };
  }

  async image(id: string) {
    const [stored] = await (await this.retrieval()).images.getByIds([id]);
    return stored ? imageRecord(stored.id, stored.metadata) : null;
  }

  async captionsOf(imageId: string) {
    const captions = this.captionIndex(await this.retrieval());
    const ids = Array.from({ length: QUERY_LIMITS.maxCaptionsPerImage }, (_, k) =>
      captionVectorId(imageId, k),
    );
    return (await captions.getByIds(ids)).map((s) => captionRecord(s.id, s.metadata));
  }
}
