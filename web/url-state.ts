/**
 * What the page shows, as it stands in the address bar: a search (`q`, its page `after`, a
 * `split`) or a search with the visitor's picture (`by=picture`: the picture itself cannot be in
 * a URL, so that one is not shareable), an image's panel (`image`) and the analogy in it
 * (`minus`, `plus`, repeatable). The
 * URL is the one source of the page's state, so that a result can be shared, reloading shows the
 * same thing and the back button works: every change is a new URL, and the page renders URLs.
 */

export interface PageState {
  /** The search text ('' when there is no search). */
  q: string;
  /** A search with the visitor's picture, which this tab holds (see picture-search.ts). */
  byPicture: boolean;
  /** The cursor the shown page of results starts after (null: the first page). */
  after: string | null;
  /** Only pictures of this dataset split (null: every split). */
  split: string | null;
  /** The id of the image whose panel is open (null: none). */
  image: string | null;
  /** Words or phrases the analogy removes from the image. */
  minus: string[];
  /** Words or phrases the analogy adds to the image. */
  plus: string[];
}

export const EMPTY_STATE: PageState = {
  q: '',
  byPicture: false,
  after: null,
  split: null,
  image: null,
  minus: [],
  plus: [],
};

/** A present, non-blank parameter, else null (`?after=` means no cursor). */
function optional(params: URLSearchParams, name: string): string | null {
  const value = params.get(name)?.trim();
  return value ? value : null;
}

function words(params: URLSearchParams, name: string): string[] {
  return params
    .getAll(name)
    .map((w) => w.trim())
    .filter((w) => w !== '');
}

/** The state a URL's query string (`?q=...`, with or without the `?`) stands for. */
export function parseState(search: string): PageState {
  const params = new URLSearchParams(search);
  return {
    q: params.get('q')?.trim() ?? '',
    byPicture: params.get('by') === 'picture',
    after: optional(params, 'after'),
    split: optional(params, 'split'),
    image: optional(params, 'image'),
    minus: words(params, 'minus'),
    plus: words(params, 'plus'),
  };
}

/** The URL (path and query) of a state: `/?q=two+dogs&image=...`; `/` for the empty state. */
export function formatState(state: PageState): string {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  if (state.byPicture) params.set('by', 'picture');
  if (state.after) params.set('after', state.after);
  if (state.split) params.set('split', state.split);
  if (state.image) params.set('image', state.image);
  for (const w of state.minus) params.append('minus', w);
  for (const w of state.plus) params.append('plus', w);
  const query = params.toString();
  return query ? `/?${query}` : '/';
}

/** A new search for a text: its first page, the split kept, no panel open. */
export function searchFor(state: PageState, q: string): PageState {
  return { ...EMPTY_STATE, q: q.trim(), split: state.split };
}

/** The same search without the image panel (what closing the panel goes back to). */
export function withoutPanel(state: PageState): PageState {
  return { ...state, image: null, minus: [], plus: [] };
}

/** The same search with an image's panel open (and no analogy yet). */
export function withImage(state: PageState, image: string): PageState {
  return { ...state, image, minus: [], plus: [] };
}

/** A search with the visitor's picture (no text), the split kept, no panel open. */
export function pictureSearch(state: PageState): PageState {
  return { ...EMPTY_STATE, byPicture: true, split: state.split };
}

/** Two states show the same search results (the panel may differ). */
export function sameSearch(a: PageState, b: PageState): boolean {
  return a.q === b.q && a.byPicture === b.byPicture && a.after === b.after && a.split === b.split;
}
