/**
 * Forward paging over ranked lists (GitHub's and Relay's `first`/`after`). The services answer a
 * top-k query, so page n is the slice [start, end) of a top-(end + 1) list: one result more than
 * the page tells whether a next page exists. Lists end at QUERY_LIMITS.maxResults (what the vector
 * index answers at most), and the services keep equal scores in a stable order, so pages never
 * overlap or skip.
 */
import { QUERY_LIMITS } from '../../core/limits.ts';
import type { Scored } from '../api/services.ts';
import { requireInRange } from './arguments.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { ConnectionParent } from './mappers.ts';

export interface PageWindow {
  /** The position of the page's first result. */
  start: number;
  /** One past the position of the page's last result. */
  end: number;
  /** How many results to ask the services for (the top-k). */
  topK: number;
}

/** Validates `first` (1..QUERY_LIMITS.maxResults) and `after` and says which slice to answer. */
export function pageWindow(first: number, after: string | null | undefined): PageWindow {
  requireInRange('first', first, 1, QUERY_LIMITS.maxResults);
  const start = after == null ? 0 : decodeCursor(after) + 1;
  const end = Math.min(start + first, QUERY_LIMITS.maxResults);
  // After the list's last position the page is empty, but the query still runs: its errors
  // (empty text, unknown image) and the parsed query text are part of the answer.
  const topK = Math.max(1, Math.min(end + 1, QUERY_LIMITS.maxResults));
  return { start, end, topK };
}

/** The page's edges (score on the edge, as Relay puts data about an item's place) and pageInfo. */
export function toConnection<T>(
  results: readonly Scored<T>[],
  window: PageWindow,
): ConnectionParent<T> {
  const edges = results.slice(window.start, window.end).map((result, i) => ({
    cursor: encodeCursor(window.start + i),
    node: result.item,
    score: result.score,
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: window.end < QUERY_LIMITS.maxResults && results.length > window.end,
      hasPreviousPage: window.start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
