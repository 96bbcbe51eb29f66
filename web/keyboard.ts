/**
 * Keyboard use beyond Tab and Enter: "/" jumps to the search box, and the arrow keys (with Home
 * and End) move between the pictures of a grid as they are laid out on screen. Escape closes
 * the image panel natively (it is a modal <dialog>); the app turns that into a URL.
 */

const GRID_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End']);

function stepOf(key: string, index: number, count: number, columns: number): number | null {
  switch (key) {
    case 'ArrowLeft':
      return index - 1;
    case 'ArrowRight':
      return index + 1;
    case 'ArrowUp':
      return index - columns;
    case 'ArrowDown':
      return index + columns;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/**
 * The index focus moves to from `index` in a grid of `count` items, `columns` to a row; null
 * when the key moves nowhere (not a grid key, or the edge of the grid).
 */
export function gridTarget(
  key: string,
  index: number,
  count: number,
  columns: number,
): number | null {
  const target = stepOf(key, index, count, columns);
  if (target === null || target < 0 || target >= count || target === index) return null;
  return target;
}

/** How many items the first row of a grid holds, as laid out (at least 1). */
export function columnsOf(items: readonly Element[]): number {
  const first = items[0]?.getBoundingClientRect().top;
  if (first === undefined) return 1;
  const inFirstRow = items.findIndex((item) => item.getBoundingClientRect().top !== first);
  return inFirstRow === -1 ? items.length : Math.max(1, inFirstRow);
}

/** Moves focus between a grid's tiles with the arrow keys; true when it handled the key. */
export function handleGridKey(event: KeyboardEvent): boolean {
  if (!GRID_KEYS.has(event.key) || event.altKey || event.ctrlKey || event.metaKey) return false;
  const tile = event.target instanceof Element ? event.target.closest('a.tile') : null;
  const grid = tile?.closest('ol.grid');
  if (!tile || !grid) return false;
  const tiles = [...grid.querySelectorAll<HTMLElement>('a.tile')];
  const index = tiles.indexOf(tile as HTMLElement);
  const columns = columnsOf(tiles.map((t) => t.closest('li') ?? t));
  const target = gridTarget(event.key, index, tiles.length, columns);
  // At the edge the key still belongs to the grid: the page should not scroll instead.
  event.preventDefault();
  if (target !== null) tiles[target]?.focus();
  return true;
}

/** Whether the key goes to a text field (and so is text, not a shortcut). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    target.isContentEditable
  );
}

/** "/" focuses the search box (unless typing, or the panel holds the focus). */
export function handleSlashKey(
  event: KeyboardEvent,
  searchBox: HTMLInputElement,
  panelOpen: boolean,
): boolean {
  if (event.key !== '/' || event.altKey || event.ctrlKey || event.metaKey) return false;
  if (panelOpen || isTyping(event.target)) return false;
  event.preventDefault();
  searchBox.focus();
  searchBox.select();
  return true;
}
