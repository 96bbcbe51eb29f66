/**
 * A ranked list of pictures as a grid of tiles: each tile a link to the picture's panel, with
 * the picture (alt text from its caption) and its score as text. Search results, "more like
 * this" and analogy results all look this way.
 */
import { h } from './dom.ts';
import type { PictureFragment } from './generated/operations.ts';
import { renderPicture } from './picture.ts';

export interface Tile {
  picture: PictureFragment;
  /** Cosine similarity, in [-1, 1]. */
  score: number;
  /** Where the tile leads: the URL of the picture's panel. */
  href: string;
}

/** A score as people read it: three decimals ("0.532"). */
export function formatScore(score: number): string {
  return score.toFixed(3);
}

function renderTile(tile: Tile): HTMLLIElement {
  return h(
    'li',
    {},
    h(
      'a',
      { class: 'tile', href: tile.href, 'data-nav': true },
      renderPicture(tile.picture, 'tile'),
      h(
        'span',
        { class: 'score' },
        h('span', { class: 'visually-hidden' }, 'Score '),
        formatScore(tile.score),
      ),
    ),
  );
}

/** The tiles as an ordered list named `label` (what assistive technology calls the list). */
export function renderTiles(label: string, tiles: readonly Tile[]): HTMLOListElement {
  return h('ol', { class: 'grid', 'aria-label': label }, ...tiles.map(renderTile));
}
