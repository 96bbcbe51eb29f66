import { PAD_ID, type Vocabulary } from '../../core/vocabulary.ts';
import type { TokenBatch } from './model.ts';

/**
 * Captions as the sentence encoders take them: token ids cut to the length the model was
 * trained on, packed into time-major batches padded with PAD_ID. Training, evaluation and
 * export all go through here, so a caption is the same input to each.
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
