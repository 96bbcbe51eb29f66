import { describe, expect, it } from 'vitest';
import { QUERY_ERROR_CODES, QueryError } from '../../worker/query-error.ts';

// The refusals a client can branch on: the codes are part of the API (they reach clients in
// `extensions.code`), so the list is spelled out here and a change to it shows.

describe('QUERY_ERROR_CODES', () => {
  it('lists the twelve codes of the API, each once', () => {
    expect(QUERY_ERROR_CODES).toEqual([
      'EMPTY_TEXT',
      'TEXT_TOO_LONG',
      'NO_KNOWN_WORDS',
      'UNKNOWN_IMAGE',
      'UNKNOWN_SPLIT',
      'BAD_FEATURES',
      'OUT_OF_RANGE',
      'NOT_A_PICTURE',
      'UNSUPPORTED_PICTURE',
      'PICTURE_TOO_LARGE',
      'NO_IMAGE_ENCODER',
      'MODEL_UNAVAILABLE',
    ]);
    expect(new Set(QUERY_ERROR_CODES).size).toBe(QUERY_ERROR_CODES.length);
  });
});

describe('QueryError', () => {
  it('carries its code, message and details', () => {
    const details = { argument: 'first', min: 1, max: 100, got: 0 };
    const e = new QueryError('OUT_OF_RANGE', 'first must be from 1 to 100, got 0', details);
    expect(e.code).toBe('OUT_OF_RANGE');
    expect(e.message).toBe('first must be from 1 to 100, got 0');
    expect(e.details).toBe(details);
  });

  it('is an Error named QueryError, so logs and catch blocks tell it apart', () => {
    const e = new QueryError('UNKNOWN_IMAGE', 'no image has the id "x.jpg"', { imageId: 'x.jpg' });
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(QueryError);
    expect(e.name).toBe('QueryError');
    expect(String(e)).toBe('QueryError: no image has the id "x.jpg"');
    expect(e.stack).toContain('no image has the id "x.jpg"');
  });

  it('defaults to empty details, a fresh object for each error', () => {
    const a = new QueryError('EMPTY_TEXT', 'the text has no words');
    const b = new QueryError('EMPTY_TEXT', 'the text has no words');
    expect(a.details).toEqual({});
    // A shared default would let one error's details leak into another's.
    expect(a.details).not.toBe(b.details);
  });

  it('keeps its code through throw and catch, for every code', () => {
    for (const code of QUERY_ERROR_CODES) {
      let caught: unknown;
      try {
        throw new QueryError(code, `refused: ${code}`, { code });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(QueryError);
      expect(caught).toMatchObject({ code, message: `refused: ${code}`, details: { code } });
    }
  });
});
