import { describe, expect, it } from 'vitest';
import { QUERY_LIMITS } from '../../../core/limits.ts';
import { decodeCursor, encodeCursor } from '../../../worker/graphql/cursor.ts';
import { QueryError } from '../../../worker/query-error.ts';

// Cursors: opaque names of a position in a ranked list. Only the spelling this API issues is
// taken back; anything else is OUT_OF_RANGE for `after`, saying why.

const LAST = QUERY_LIMITS.maxResults - 1;

/** The QueryError decoding `cursor` throws (failing the test when it decodes). */
function refusal(cursor: string): QueryError {
  try {
    decodeCursor(cursor);
  } catch (e) {
    expect(e).toBeInstanceOf(QueryError);
    return e as QueryError;
  }
  throw new Error(`expected ${JSON.stringify(cursor)} to be refused`);
}

describe('cursors', () => {
  it('are opaque base64 and round-trip every position of a list', () => {
    expect(encodeCursor(0)).toBe(btoa('offset:0'));
    expect(encodeCursor(0)).toBe('b2Zmc2V0OjA=');
    expect(encodeCursor(LAST)).toBe(btoa(`offset:${LAST}`));
    for (let position = 0; position < QUERY_LIMITS.maxResults; position++) {
      expect(decodeCursor(encodeCursor(position))).toBe(position);
    }
  });

  it('are distinct for distinct positions', () => {
    const cursors = Array.from({ length: QUERY_LIMITS.maxResults }, (_, i) => encodeCursor(i));
    expect(new Set(cursors).size).toBe(QUERY_LIMITS.maxResults);
  });

  it.each([
    ['not base64', '***'],
    ['base64 of something else', btoa('hello')],
    ['a position past any list', btoa(`offset:${QUERY_LIMITS.maxResults}`)],
    ['a negative position', btoa('offset:-1')],
    ['a leading zero', btoa('offset:01')],
    ['base64 without its padding', btoa('offset:1').replace(/=+$/, '')],
    ['empty', ''],
  ])('refuse %s', (_why, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(
      expect.objectContaining({
        code: 'OUT_OF_RANGE',
        details: expect.objectContaining({ argument: 'after', got: cursor }),
      }),
    );
  });

  it.each([
    ['a fraction', btoa('offset:1.5')],
    ['an exponent', btoa('offset:1e1')],
    ['a plus sign', btoa('offset:+1')],
    ['a trailing newline', btoa('offset:1\n')],
    ['surrounding whitespace', ` ${encodeCursor(1)} `],
    ['another prefix', btoa('position:1')],
    ['a huge position', btoa(`offset:${'9'.repeat(20)}`)],
  ])('refuse %s too: one spelling per position', (_why, cursor) => {
    expect(refusal(cursor).code).toBe('OUT_OF_RANGE');
  });

  it('say in the refusal why, with the range of positions', () => {
    const notBase64 = refusal('***');
    expect(notBase64.message).toBe('after: "***" is not a cursor: it is not base64');
    expect(notBase64.details).toEqual({ argument: 'after', min: 0, max: LAST, got: '***' });
    const foreign = btoa('hello');
    expect(refusal(foreign).message).toBe(
      `after: "${foreign}" is not a cursor: it was not issued by this API`,
    );
    const past = btoa(`offset:${QUERY_LIMITS.maxResults}`);
    expect(refusal(past).message).toBe(
      `after: "${past}" is not a cursor: its position ${QUERY_LIMITS.maxResults} is past the end of any list`,
    );
  });

  it('quote a long cursor in part only: 100 KB sent are not answered twice', () => {
    const long = 'A'.repeat(100_000);
    const e = refusal(long);
    expect(e.message).toBe(
      `after: "${'A'.repeat(32)}"... (100000 characters) is not a cursor: it was not issued by this API`,
    );
    expect(e.details.got).toBe(`${'A'.repeat(32)}...`);
    expect(JSON.stringify({ message: e.message, details: e.details }).length).toBeLessThan(300);
  });
});
