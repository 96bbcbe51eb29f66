import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../web/api.ts';
import {
  describeError,
  doneLoading,
  EMPTY_TEXT,
  emptyNote,
  errorAlert,
  LOADING_TEXT,
  showLoading,
  unknownWordsNote,
} from '../../web/status.ts';

describe("a region's states", () => {
  it('loading: aria-busy and a visible "Loading…", until done', () => {
    const region = document.createElement('div');
    region.append('old results');
    showLoading(region);
    expect(region.getAttribute('aria-busy')).toBe('true');
    expect(region.textContent).toBe(LOADING_TEXT);
    expect(LOADING_TEXT).toBe('Loading…');
    doneLoading(region);
    expect(region.hasAttribute('aria-busy')).toBe(false);
  });

  it('failed: an alert with the message and "(CODE)"', () => {
    const alert = errorAlert(new ApiError('the text is empty', 'EMPTY_TEXT'));
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toBe('the text is empty (EMPTY_TEXT)');
    expect(alert.querySelector('button')).toBeNull();
  });

  it('offers "Try again" for failures that may pass, and only with a way to retry', () => {
    const retry = vi.fn();
    for (const code of ['NETWORK_ERROR', 'MODEL_UNAVAILABLE', 'RATE_LIMITED', 'HTTP_503']) {
      const button = errorAlert(new ApiError('later', code), retry).querySelector('button');
      expect(button?.textContent, code).toBe('Try again');
      button?.click();
    }
    expect(retry).toHaveBeenCalledTimes(4);
    expect(
      errorAlert(new ApiError('x', 'NO_KNOWN_WORDS'), retry).querySelector('button'),
    ).toBeNull();
    expect(errorAlert(new ApiError('x', 'NETWORK_ERROR')).querySelector('button')).toBeNull();
  });

  it('describes any error: its own code, else PAGE_ERROR', () => {
    expect(describeError(new ApiError('m', 'TEXT_TOO_LONG'))).toEqual({
      message: 'm',
      code: 'TEXT_TOO_LONG',
    });
    expect(describeError(Object.assign(new Error('w'), { code: 'NO_WORDS' }))).toEqual({
      message: 'w',
      code: 'NO_WORDS',
    });
    expect(describeError(new Error('boom'))).toEqual({ message: 'boom', code: 'PAGE_ERROR' });
    expect(describeError('odd')).toEqual({ message: 'odd', code: 'PAGE_ERROR' });
  });

  it('empty: "No pictures found." unless told otherwise', () => {
    expect(emptyNote().textContent).toBe('No pictures found.');
    expect(EMPTY_TEXT).toBe('No pictures found.');
    expect(emptyNote('No captions.').textContent).toBe('No captions.');
  });

  it('names the words the model did not know, or says nothing', () => {
    expect(unknownWordsNote(['zebra', 'qwxz'])?.textContent).toBe(
      'Not in the vocabulary: zebra, qwxz',
    );
    expect(unknownWordsNote([])).toBeNull();
  });
});
