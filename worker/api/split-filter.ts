/**
 * The `split` argument of search, annotate and similar: client text, checked against the model
 * it filters before any vector is searched, and turned into the vector index's filter.
 */

import type { ModelManifest } from '../../core/manifest.ts';
import { QueryError } from '../query-error.ts';
import { MAX_FILTER_STRING_BYTES } from '../vector-index/query-checks.ts';
import type { VectorFilter } from '../vector-index/vector-index.ts';

/**
 * The longest split a client may name, in UTF-8 bytes: what a vector index can filter on exactly
 * (Vectorize compares a string's first 64 bytes). No split this long can be served, so a longer
 * one is refused as unknown without being compared or quoted whole.
 */
export const MAX_SPLIT_BYTES = MAX_FILTER_STRING_BYTES;

/** Characters of a refused split that an error quotes: a client's 100 KB must not come back. */
const QUOTED_CHARACTERS = 64;

const utf8 = new TextEncoder();

/** The split as an error quotes it: whole when short, its start and "..." when not. */
function quoted(split: string): string {
  const characters = [...split];
  return characters.length <= QUOTED_CHARACTERS
    ? split
    : `${characters.slice(0, QUOTED_CHARACTERS).join('')}...`;
}

/**
 * The vector filter for a client's split: no filter when it gave none, `{ split }` when the
 * model has that split (its manifest's `vectors.splits`), QueryError UNKNOWN_SPLIT otherwise,
 * with details `{ split, splits }`.
 */
export function splitFilter(split: string | undefined, manifest: ModelManifest): VectorFilter {
  if (split === undefined) return {};
  const { splits } = manifest.vectors;
  if (utf8.encode(split).length <= MAX_SPLIT_BYTES && splits.includes(split)) return { split };
  const shown = quoted(split);
  const known = splits.length === 0 ? 'it has none' : `it has ${splits.join(', ')}`;
  throw new QueryError(
    'UNKNOWN_SPLIT',
    `split ${JSON.stringify(shown)} is not a split of this model (${known})`,
    { split: shown, splits: [...splits] },
  );
}
