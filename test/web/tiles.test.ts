import { describe, expect, it } from 'vitest';
import { formatScore, renderTiles } from '../../web/tiles.ts';

const tile = (id: string, score: number, url: string | null = `/images/v/${id}`) => ({
  picture: { id, file: id, url, captions: [{ text: `caption of ${id}` }] },
  score,
  href: `/?q=x&image=${id}`,
});

describe('tiles', () => {
  it('formats a score with three decimals', () => {
    expect(formatScore(0.53212)).toBe('0.532');
    expect(formatScore(-0.1)).toBe('-0.100');
    expect(formatScore(1)).toBe('1.000');
  });

  it('are a named list of links, each with its picture and its score as text', () => {
    const list = renderTiles('Results', [tile('a.svg', 0.9), tile('b.svg', 0.51234, null)]);
    expect(list.tagName).toBe('OL');
    expect(list.getAttribute('aria-label')).toBe('Results');
    const links = [...list.querySelectorAll('li > a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      '/?q=x&image=a.svg',
      '/?q=x&image=b.svg',
    ]);
    expect(links[0]?.hasAttribute('data-nav')).toBe(true);
    expect(links[0]?.querySelector('img')?.getAttribute('alt')).toBe('caption of a.svg');
    expect(links[0]?.querySelector('.score')?.textContent).toBe('Score 0.900');
    // No picture: the placeholder, named by the caption, and still the score.
    expect(links[1]?.querySelector('img')).toBeNull();
    expect(links[1]?.querySelector('[role="img"]')?.getAttribute('aria-label')).toBe(
      'caption of b.svg',
    );
    expect(links[1]?.textContent).toContain('0.512');
  });

  it('are an empty list for no tiles', () => {
    expect(renderTiles('More like this', []).children.length).toBe(0);
  });
});
