import { describe, expect, it, vi } from 'vitest';
import { ApiError, type Query } from '../../web/api.ts';
import type { SearchQuery } from '../../web/generated/operations.ts';
import {
  EXAMPLE_SEARCHES,
  loadSearch,
  PAGE_SIZE,
  renderIntro,
  renderResults,
  searchHeading,
} from '../../web/search-view.ts';
import { EMPTY_STATE } from '../../web/url-state.ts';

type Search = SearchQuery['search'];

const state = { ...EMPTY_STATE, q: 'two dogs', split: 'test' };

function searchOf(ids: string[], more = false, unknownWords: string[] = []): Search {
  return {
    query: { unknownWords },
    edges: ids.map((id, i) => ({
      cursor: `c${i}`,
      score: 0.9 - i / 10,
      node: { id, file: id, url: `/images/v/${id}`, captions: [{ text: `caption ${id}` }] },
    })),
    pageInfo: { hasNextPage: more, endCursor: ids.length ? `c${ids.length - 1}` : null },
  };
}

function container(nodes: Node[]): HTMLElement {
  const div = document.createElement('div');
  div.append(...nodes);
  return div;
}

describe('the search results', () => {
  it('are a grid named "Results" whose links open each picture on this search', () => {
    const shown = container(renderResults(searchOf(['a.svg', 'b.svg']), state, () => {}));
    const list = shown.querySelector('ol[aria-label="Results"]');
    expect(list?.querySelectorAll('a').length).toBe(2);
    expect(list?.querySelector('a')?.getAttribute('href')).toBe(
      '/?q=two+dogs&split=test&image=a.svg',
    );
    expect(shown.textContent).not.toContain('Not in the vocabulary');
  });

  it('name the words the model did not know', () => {
    const shown = container(renderResults(searchOf(['a.svg'], false, ['zebra']), state, () => {}));
    expect(shown.querySelector('.note')?.textContent).toBe('Not in the vocabulary: zebra');
  });

  it('say "No pictures found." when there are none, with no page links', () => {
    const shown = container(renderResults(searchOf([]), state, () => {}));
    expect(shown.textContent).toBe('No pictures found.');
    expect(shown.querySelector('ol')).toBeNull();
  });

  it('offer "Next page" when there is one, which asks for the page after the last cursor', () => {
    const onNext = vi.fn();
    const shown = container(renderResults(searchOf(['a.svg', 'b.svg'], true), state, onNext));
    const next = [...shown.querySelectorAll('button')].find((b) => b.textContent === 'Next page');
    next?.click();
    expect(onNext).toHaveBeenCalledWith('c1');
    const last = container(renderResults(searchOf(['a.svg']), state, onNext));
    expect(last.querySelector('button')).toBeNull();
  });

  it('link back to the first page from a later one', () => {
    const later = { ...state, after: 'c23' };
    const shown = container(renderResults(searchOf(['a.svg']), later, () => {}));
    const first = [...shown.querySelectorAll('a')].find((a) => a.textContent === 'First page');
    expect(first?.getAttribute('href')).toBe('/?q=two+dogs&split=test');
  });

  it('have a heading that says what they are results of', () => {
    expect(searchHeading(state)).toBe('Pictures for “two dogs”');
    expect(searchHeading({ ...state, after: 'c' })).toBe('More pictures for “two dogs”');
    expect(searchHeading(EMPTY_STATE)).toBe('Search pictures with words');
    expect(searchHeading({ ...EMPTY_STATE, byPicture: true })).toBe('Search with your picture');
  });

  it('start, without a search, with an introduction and example searches', () => {
    const shown = container(renderIntro({ ...EMPTY_STATE, split: 'val' }));
    const links = [...shown.querySelectorAll('a')];
    expect(links.map((a) => a.textContent)).toEqual([...EXAMPLE_SEARCHES]);
    expect(links[0]?.getAttribute('href')).toBe('/?q=two+dogs+on+the+beach&split=val');
  });

  it("load the state's page of the search, then show it", async () => {
    const calls: unknown[] = [];
    const query = (async (operation, variables) => {
      calls.push(variables);
      expect(operation.toString()).toContain('query Search');
      return { search: searchOf(['a.svg']) };
    }) as Query;
    const region = document.createElement('div');
    await loadSearch(region, query, { ...state, after: 'c9' }, () => {});
    expect(calls).toEqual([{ text: 'two dogs', first: PAGE_SIZE, after: 'c9', split: 'test' }]);
    expect(region.querySelectorAll('ol[aria-label="Results"] li').length).toBe(1);
  });

  it("show the API's error in an alert", async () => {
    const query = (async () => {
      throw new ApiError('the text has no word the model knows', 'NO_KNOWN_WORDS');
    }) as Query;
    const region = document.createElement('div');
    await loadSearch(region, query, state, () => {});
    expect(region.querySelector('[role="alert"]')?.textContent).toBe(
      'the text has no word the model knows (NO_KNOWN_WORDS)',
    );
  });
});
