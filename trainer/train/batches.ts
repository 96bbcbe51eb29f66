import { Random } from '../random.ts';

/**
 * Minibatches of captions, grouped by length as in the authors' code, so that an LSTM step is
 * rarely spent on padding. The grouping and the order come from the seed and the epoch number
 * alone, so a resumed run sees exactly the batches it would have seen.
 */

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
