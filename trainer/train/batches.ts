import { PAD_ID, type Vocabulary } from '../../core/vocabulary.ts';
import type { TokenBatch } from '../model/model.ts';
import { Random } from '../random.ts';

/**
 * Minibatches of captions, grouped by length as in the authors' code, so that an LSTM step is
 * rarely spent on padding. The grouping and the order come from the seed and the epoch number
 * alone, so a resumed run sees exactly the batches it would have seen.
 */

/** Captions as ids, cut to `maxLength` tokens. */
export interface EncodedCaptions {
  ids: Int32Array[];
  /** The image row of each caption. */
  image: Int32Array;
}

export function encodeCaptions(
  tokens: readonly (readonly string[])[],
  captionImage: Int32Array,
  vocab: Vocabulary,
  maxLength: number,
): EncodedCaptions {
  return {
    ids: tokens.map((t) => vocab.encodeTokens(t.slice(0, maxLength)).ids),
    image: captionImage,
  };
}

/**
 * The batches of one epoch: lists of caption indices. Captions are shuffled, ordered by length
 * (the shuffle decides among equal lengths), cut into consecutive batches, and the batches are
 * shuffled. So a batch holds one length, or two neighbouring ones where a length's captions run
 * out; only the epoch's last batch can be short (tiny per-length leftovers would waste updates
 * on batches with hardly any contrastive terms).
 */
export function epochBatches(
  lengths: ArrayLike<number>,
  batchSize: number,
  seed: number,
  epoch: number,
): number[][] {
  const rng = new Random(seed * 1000 + epoch);
  const order = rng.shuffle(Array.from({ length: lengths.length }, (_, i) => i));
  // Array.prototype.sort is stable, so equal lengths keep the shuffled order.
  order.sort((a, b) => (lengths[a] as number) - (lengths[b] as number));
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    batches.push(order.slice(start, start + batchSize));
  }
  // The full batches in random order, then the short one (if any) last.
  const short = order.length % batchSize === 0 ? undefined : batches.pop();
  rng.shuffle(batches);
  if (short) batches.push(short);
  return batches;
}

/** Packs captions into the encoder's time-major layout, padded with PAD_ID to the longest. */
export function packBatch(captions: readonly Int32Array[], indices: readonly number[]): TokenBatch {
  const size = indices.length;
  const lengths = new Int32Array(size);
  let steps = 1;
  indices.forEach((c, b) => {
    const n = (captions[c] as Int32Array).length;
    lengths[b] = n;
    if (n > steps) steps = n;
  });
  const ids = new Int32Array(steps * size).fill(PAD_ID);
  indices.forEach((c, b) => {
    const caption = captions[c] as Int32Array;
    for (let t = 0; t < caption.length; t++) ids[t * size + b] = caption[t] as number;
  });
  return { ids, steps, size, lengths };
}

/** Consecutive index ranges [start, end) of at most `size`: for encoding a whole split. */
export function chunks(count: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let start = 0; start < count; start += size)
    out.push([start, Math.min(count, start + size)]);
  return out;
}
