/**
 * The search results: a page of pictures for the text in the URL, the words the model did not
 * know, and the way to the next page (a new URL, so reloading shows the same page and the back
 * button returns to the one before). Without a search, a short introduction with examples.
 */
import type { Query } from './api.ts';
import { h } from './dom.ts';
import { SearchDocument, type SearchQuery } from './generated/operations.ts';
import { loadInto } from './load.ts';
import { emptyNote, unknownWordsNote } from './status.ts';
import { renderTiles } from './tiles.ts';
import { formatState, type PageState, searchFor, withImage, withoutPanel } from './url-state.ts';

/** Pictures per page: fills whole rows of 2, 3, 4 or 6 columns. */
export const PAGE_SIZE = 24;

/** Searches that show what the model can do (on the demo world and on photographs alike). */
export const EXAMPLE_SEARCHES = [
  'two dogs on the beach',
  'a red car in the street',
  'a cat in the park',
] as const;

/** The heading above the results: what they are results of. */
export function searchHeading(state: PageState): string {
  if (state.byPicture) return 'Search with your picture';
  if (!state.q) return 'Search pictures with words';
  return state.after ? `More pictures for “${state.q}”` : `Pictures for “${state.q}”`;
}

/** What the results region shows when there is no search yet. */
export function renderIntro(state: PageState): Node[] {
  return [
    h(
      'p',
      { class: 'intro' },
      'Describe a picture in a sentence, and jointspace finds the pictures that match it. Open a picture to see how the model describes it, pictures like it, and what it becomes with words taken away or added.',
    ),
    h(
      'ul',
      { class: 'examples', 'aria-label': 'Example searches' },
      ...EXAMPLE_SEARCHES.map((text) =>
        h('li', {}, h('a', { href: formatState(searchFor(state, text)), 'data-nav': true }, text)),
      ),
    ),
  ];
}

function pageLinks(
  page: SearchQuery['search']['pageInfo'],
  state: PageState,
  onNextPage: (cursor: string) => void,
): HTMLElement | null {
  const links: HTMLElement[] = [];
  if (state.after) {
    const first = formatState({ ...state, after: null });
    links.push(h('a', { class: 'button secondary', href: first, 'data-nav': true }, 'First page'));
  }
  const cursor = page.endCursor;
  if (page.hasNextPage && cursor) {
    const next = h('button', { type: 'button' }, 'Next page');
    next.addEventListener('click', () => onNextPage(cursor));
    links.push(next);
  }
  return links.length ? h('nav', { class: 'pages', 'aria-label': 'Pages' }, ...links) : null;
}

/** A page of results (or "No pictures found."), the unknown words, and the page links. */
export function renderResults(
  search: SearchQuery['search'],
  state: PageState,
  onNextPage: (cursor: string) => void,
): Node[] {
  // The links lead from the search itself, whatever panel is open over it.
  const from = withoutPanel(state);
  const tiles = search.edges.map((edge) => ({
    picture: edge.node,
    score: edge.score,
    href: formatState(withImage(from, edge.node.id)),
  }));
  return [
    unknownWordsNote(search.query.unknownWords),
    tiles.length ? renderTiles('Results', tiles) : emptyNote(),
    pageLinks(search.pageInfo, from, onNextPage),
  ].filter((node): node is HTMLElement => node !== null);
}

/** Runs the state's search into the region. */
export function loadSearch(
  region: HTMLElement,
  query: Query,
  state: PageState,
  onNextPage: (cursor: string) => void,
): Promise<void> {
  return loadInto(region, {
    fetch: async (signal) => {
      const variables = { text: state.q, first: PAGE_SIZE, after: state.after, split: state.split };
      return (await query(SearchDocument, variables, signal)).search;
    },
    render: (search) => renderResults(search, state, onNextPage),
  });
}
