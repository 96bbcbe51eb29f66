/**
 * Cursors name a position in a ranked list. They are opaque to clients (base64 of
 * "offset:<position>", as graphql-relay does) so that the encoding can change without breaking
 * anyone who treats them as tokens; a string that is not one of ours is refused, not guessed at.
 */

import { QUERY_LIMITS } from '../../core/limits.ts';
import { QueryError } from '../query-error.ts';

const PREFIX = 'offset:';
/** The last position a list can have: lists hold at most QUERY_LIMITS.maxResults results. */
const MAX_POSITION = QUERY_LIMITS.maxResults - 1;

export function encodeCursor(position: number): string {
  return btoa(`${PREFIX}${position}`);
}

/** Our cursors are 12 to 16 characters; what a client sent is quoted up to this many. */
const QUOTED_CHARACTERS = 32;

/** A cursor as an error quotes it: whole when short, its start and its length when not. */
function quoted(cursor: string): string {
  return cursor.length <= QUOTED_CHARACTERS
    ? JSON.stringify(cursor)
    : `${JSON.stringify(cursor.slice(0, QUOTED_CHARACTERS))}... (${cursor.length} characters)`;
}

/** The position a cursor names; OUT_OF_RANGE (argument `after`) for anything we did not issue. */
export function decodeCursor(cursor: string): number {
  // The error quotes a long cursor in part only: a client's 100 KB must not come back twice.
  const bad = (why: string): QueryError =>
    new QueryError('OUT_OF_RANGE', `after: ${quoted(cursor)} is not a cursor: ${why}`, {
      argument: 'after',
      min: 0,
      max: MAX_POSITION,
      got: cursor.length <= QUOTED_CHARACTERS ? cursor : `${cursor.slice(0, QUOTED_CHARACTERS)}...`,
    });
  if (cursor.length > QUOTED_CHARACTERS) throw bad('it was not issued by this API');
  let text: string;
  try {
    text = atob(cursor);
  } catch {
    throw bad('it is not base64');
  }
  const match = /^offset:(0|[1-9][0-9]{0,8})$/.exec(text);
  if (match === null) throw bad('it was not issued by this API');
  const position = Number(match[1]);
  if (position > MAX_POSITION) throw bad(`its position ${position} is past the end of any list`);
  // One spelling per position: padding or whitespace variants of a cursor are not accepted.
  if (encodeCursor(position) !== cursor) throw bad('it was not issued by this API');
  return position;
}
