import { afterEach, describe, expect, it } from 'vitest';
import {
  columnsOf,
  gridTarget,
  handleGridKey,
  handleSlashKey,
  isTyping,
} from '../../web/keyboard.ts';
import { renderTiles } from '../../web/tiles.ts';

/** Presses a key on `target`, with `handler` listening on the document as the app does. */
function press(
  target: EventTarget,
  name: string,
  handler: (event: KeyboardEvent) => boolean,
  init: KeyboardEventInit = {},
): { handled: boolean; event: KeyboardEvent } {
  const event = new KeyboardEvent('keydown', {
    key: name,
    bubbles: true,
    cancelable: true,
    ...init,
  });
  let handled = false;
  const listener = (e: KeyboardEvent) => {
    handled = handler(e);
  };
  document.addEventListener('keydown', listener);
  target.dispatchEvent(event);
  document.removeEventListener('keydown', listener);
  return { handled, event };
}

/** Six tiles laid out three to a row (their rectangles say so). */
function grid(): HTMLAnchorElement[] {
  const tiles = Array.from({ length: 6 }, (_, i) => ({
    picture: { id: `${i}`, file: `${i}`, url: null, captions: [] },
    score: 0,
    href: `/?image=${i}`,
  }));
  const list = renderTiles('Results', tiles);
  document.body.replaceChildren(list);
  [...list.children].forEach((li, i) => {
    li.getBoundingClientRect = () => ({ top: Math.floor(i / 3) * 100 }) as DOMRect;
  });
  return [...list.querySelectorAll('a')];
}

afterEach(() => document.body.replaceChildren());

describe('arrow keys in a grid', () => {
  it('move by one, by a row, and to the ends', () => {
    expect(gridTarget('ArrowRight', 1, 6, 3)).toBe(2);
    expect(gridTarget('ArrowLeft', 1, 6, 3)).toBe(0);
    expect(gridTarget('ArrowDown', 1, 6, 3)).toBe(4);
    expect(gridTarget('ArrowUp', 4, 6, 3)).toBe(1);
    expect(gridTarget('Home', 4, 6, 3)).toBe(0);
    expect(gridTarget('End', 1, 6, 3)).toBe(5);
  });

  it('go nowhere past the edges, or for other keys', () => {
    expect(gridTarget('ArrowLeft', 0, 6, 3)).toBeNull();
    expect(gridTarget('ArrowRight', 5, 6, 3)).toBeNull();
    expect(gridTarget('ArrowUp', 2, 6, 3)).toBeNull();
    expect(gridTarget('ArrowDown', 4, 6, 3)).toBeNull();
    expect(gridTarget('Home', 0, 6, 3)).toBeNull();
    expect(gridTarget('a', 2, 6, 3)).toBeNull();
  });

  it('count the columns as laid out', () => {
    const tiles = grid();
    expect(columnsOf(tiles.map((t) => t.closest('li')!))).toBe(3);
    expect(columnsOf([])).toBe(1);
    expect(columnsOf([document.createElement('li')])).toBe(1);
  });

  it('move the focus between tiles', () => {
    const tiles = grid();
    tiles[1]?.focus();
    const down = press(tiles[1]!, 'ArrowDown', handleGridKey);
    expect(down.handled).toBe(true);
    expect(down.event.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(tiles[4]);
    press(tiles[4]!, 'End', handleGridKey);
    expect(document.activeElement).toBe(tiles[5]);
    // At the edge: handled (the page does not scroll), the focus stays.
    expect(press(tiles[5]!, 'ArrowRight', handleGridKey).handled).toBe(true);
    expect(document.activeElement).toBe(tiles[5]);
  });

  it('leave other keys, modified keys and other elements alone', () => {
    const tiles = grid();
    expect(press(tiles[0]!, 'Enter', handleGridKey).handled).toBe(false);
    expect(press(tiles[0]!, 'ArrowRight', handleGridKey, { altKey: true }).handled).toBe(false);
    expect(press(document.body, 'ArrowRight', handleGridKey).handled).toBe(false);
  });
});

describe('the "/" shortcut', () => {
  it('focuses the search box', () => {
    const box = document.createElement('input');
    document.body.replaceChildren(box);
    const slash = press(document.body, '/', (e) => handleSlashKey(e, box, false));
    expect(slash.handled).toBe(true);
    expect(slash.event.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(box);
  });

  it('is text while typing, and does nothing while the panel is open', () => {
    const box = document.createElement('input');
    const other = document.createElement('textarea');
    document.body.replaceChildren(box, other);
    const closed = (e: KeyboardEvent) => handleSlashKey(e, box, false);
    expect(press(other, '/', closed).handled).toBe(false);
    expect(press(document.body, '/', (e) => handleSlashKey(e, box, true)).handled).toBe(false);
    expect(press(document.body, '/', closed, { ctrlKey: true }).handled).toBe(false);
    expect(press(document.body, 'a', closed).handled).toBe(false);
    expect(document.activeElement).not.toBe(box);
  });

  it('knows a text field when it sees one', () => {
    expect(isTyping(document.createElement('input'))).toBe(true);
    expect(isTyping(document.createElement('select'))).toBe(true);
    expect(isTyping(document.createElement('a'))).toBe(false);
    expect(isTyping(null)).toBe(false);
  });
});
