import { describe, expect, it } from 'vitest';
import {
  EMPTY_STATE,
  formatState,
  type PageState,
  parseState,
  pictureSearch,
  sameSearch,
  searchFor,
  withImage,
  withoutPanel,
} from '../../web/url-state.ts';

const full: PageState = {
  q: 'two dogs on the beach',
  byPicture: false,
  after: 'Y3Vyc29yOjIz',
  split: 'test',
  image: 'demo_000042.svg',
  minus: ['red', 'sports car'],
  plus: ['blue'],
};

describe('the URL state', () => {
  it('writes a search as /?q= with + for spaces, and the empty state as /', () => {
    expect(formatState({ ...EMPTY_STATE, q: 'two dogs on the beach' })).toBe(
      '/?q=two+dogs+on+the+beach',
    );
    expect(formatState(EMPTY_STATE)).toBe('/');
  });

  it('writes every part in a fixed order, the words repeated', () => {
    expect(formatState(full)).toBe(
      '/?q=two+dogs+on+the+beach&after=Y3Vyc29yOjIz&split=test&image=demo_000042.svg&minus=red&minus=sports+car&plus=blue',
    );
  });

  it('reads back what it writes (round trips)', () => {
    const states: PageState[] = [
      EMPTY_STATE,
      full,
      { ...EMPTY_STATE, q: 'a & b = c?', image: 'h:0123abcd' },
      { ...EMPTY_STATE, image: 'only/an image#1.jpg', plus: ['100%', 'naïve café'] },
      { ...EMPTY_STATE, byPicture: true, split: 'val', image: 'a.jpg', minus: ['red'] },
    ];
    for (const state of states) expect(parseState(formatState(state).slice(1))).toEqual(state);
  });

  it('reads a query string with or without its ?', () => {
    expect(parseState('?q=cat').q).toBe('cat');
    expect(parseState('q=cat').q).toBe('cat');
  });

  it('treats blank parts as absent and drops blank words', () => {
    expect(parseState('?q=%20%20&after=&split=%20&image=&minus=&minus=%20red%20&plus=')).toEqual({
      ...EMPTY_STATE,
      minus: ['red'],
    });
  });

  it('ignores parameters it does not know', () => {
    expect(parseState('?q=cat&utm_source=x')).toEqual({ ...EMPTY_STATE, q: 'cat' });
  });

  it('starts a new search on its first page, keeping only the split', () => {
    expect(searchFor(full, '  a red car ')).toEqual({
      ...EMPTY_STATE,
      q: 'a red car',
      split: 'test',
    });
  });

  it('opens and closes a panel without touching the search', () => {
    const closed = withoutPanel(full);
    expect(closed).toEqual({ ...full, image: null, minus: [], plus: [] });
    expect(withImage(full, 'other.svg')).toEqual({ ...closed, image: 'other.svg' });
    expect(sameSearch(full, closed)).toBe(true);
    expect(sameSearch(full, { ...full, after: null })).toBe(false);
    expect(sameSearch(full, { ...full, split: null })).toBe(false);
    expect(sameSearch(full, { ...full, q: 'x' })).toBe(false);
  });

  it('writes a search with a picture as by=picture: no picture, and no text', () => {
    const picture = pictureSearch(full);
    expect(picture).toEqual({ ...EMPTY_STATE, byPicture: true, split: 'test' });
    expect(formatState(picture)).toBe('/?by=picture&split=test');
    expect(formatState(withImage(picture, 'a.jpg'))).toBe('/?by=picture&split=test&image=a.jpg');
    expect(parseState('?by=picture').byPicture).toBe(true);
    expect(parseState('?by=words').byPicture).toBe(false);
    // A text search leaves the picture behind.
    expect(searchFor(picture, 'cats')).toEqual({ ...EMPTY_STATE, q: 'cats', split: 'test' });
    expect(sameSearch(picture, withImage(picture, 'a.jpg'))).toBe(true);
    expect(sameSearch(picture, { ...picture, byPicture: false })).toBe(false);
  });
});
