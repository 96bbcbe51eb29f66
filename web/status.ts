/**
 * The states a region of the page can be in besides showing its results: loading, failed (the
 * message and code, in an alert, with a way to try again when that can help) and empty.
 */
import { CLIENT_ERROR_CODES } from './api.ts';
import { h } from './dom.ts';

export const LOADING_TEXT = 'Loading…';
export const EMPTY_TEXT = 'No pictures found.';

/** Failures that may pass on their own: trying again is worth offering. */
const RETRYABLE = new Set<string>([
  CLIENT_ERROR_CODES.network,
  'MODEL_UNAVAILABLE',
  'RATE_LIMITED',
  'HTTP_502',
  'HTTP_503',
  'HTTP_504',
]);

/** An error as a sentence and a code (an ApiError's or WordsError's own, else PAGE_ERROR). */
export function describeError(error: unknown): { message: string; code: string } {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  return { message, code: typeof code === 'string' ? code : 'PAGE_ERROR' };
}

/** Marks a region as loading: aria-busy for assistive technology, and "Loading…" to see. */
export function showLoading(region: HTMLElement): void {
  region.setAttribute('aria-busy', 'true');
  region.replaceChildren(h('p', { class: 'loading' }, LOADING_TEXT));
}

export function doneLoading(region: HTMLElement): void {
  region.removeAttribute('aria-busy');
}

/** An alert that says what failed: "message (CODE)", and "Try again" where it can help. */
export function errorAlert(error: unknown, retry?: () => void): HTMLElement {
  const { message, code } = describeError(error);
  const alert = h(
    'div',
    { class: 'alert', role: 'alert' },
    h('p', {}, message, ' ', h('code', {}, `(${code})`)),
  );
  if (retry && RETRYABLE.has(code)) {
    const button = h('button', { type: 'button', class: 'secondary' }, 'Try again');
    button.addEventListener('click', retry);
    alert.append(button);
  }
  return alert;
}

export function emptyNote(text = EMPTY_TEXT): HTMLElement {
  return h('p', { class: 'empty' }, text);
}

/** "Not in the vocabulary: w1, w2", or nothing when every word was known. */
export function unknownWordsNote(words: readonly string[]): HTMLElement | null {
  if (words.length === 0) return null;
  return h('p', { class: 'note' }, `Not in the vocabulary: ${words.join(', ')}`);
}
