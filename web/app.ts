/**
 * The page's controller. The URL is the state (url-state.ts): every action (a search, the next
 * page, opening a picture, an analogy, closing the panel) pushes a new URL and renders it, and
 * the back and forward buttons render the URL they arrive at; so a URL opened fresh shows the
 * same thing as the clicks that made it. Rendering loads only what changed. A search with the
 * visitor's picture is the one thing a URL cannot hold: its history entry names the picture the
 * tab keeps (picture-search.ts), so Back and Forward still show what they showed.
 */
import type { Query } from './api.ts';
import { byId } from './dom.ts';
import { handleGridKey, handleSlashKey } from './keyboard.ts';
import { cancelLoad } from './load.ts';
import { acceptWords, buildPanel, loadPanel, type Panel, showAnalogy } from './panel-view.ts';
import { findPictureControl, watchPictureControl } from './picture-control.ts';
import { browserImaging, preparePicture, type ReadyPicture } from './picture-file.ts';
import {
  type HeldPicture,
  holdPicture,
  PictureShelf,
  type Previews,
  pictureQuery,
  showPictureSearch,
} from './picture-search.ts';
import { loadSearch, renderIntro, searchHeading } from './search-view.ts';
import {
  formatState,
  type PageState,
  parseState,
  pictureSearch,
  sameSearch,
  searchFor,
  withoutPanel,
} from './url-state.ts';

/** The elements of index.html the app works with. */
export interface PageElements {
  searchForm: HTMLFormElement;
  searchBox: HTMLInputElement;
  resultsHeading: HTMLElement;
  results: HTMLElement;
  dialog: HTMLDialogElement;
  panelTitle: HTMLElement;
  panelBody: HTMLElement;
  closeButton: HTMLButtonElement;
}

export function findElements(doc: Document): PageElements {
  return {
    searchForm: byId(doc, 'search-form', HTMLFormElement, 'form'),
    searchBox: byId(doc, 'search-box', HTMLInputElement, 'input'),
    resultsHeading: byId(doc, 'results-heading', HTMLElement, 'h1'),
    results: byId(doc, 'results', HTMLElement, 'div'),
    dialog: byId(doc, 'image-panel', HTMLDialogElement, 'dialog'),
    panelTitle: byId(doc, 'panel-title', HTMLElement, 'h2'),
    panelBody: byId(doc, 'panel-body', HTMLElement, 'div'),
    closeButton: byId(doc, 'panel-close', HTMLButtonElement, 'button'),
  };
}

export interface App {
  /** Shows what the current URL says; resolves when every part has loaded. */
  render(): Promise<void>;
  /** Pushes the state's URL and renders it. */
  navigate(state: PageState): Promise<void>;
}

/** What the browser does for a search with a picture; tests give their own. */
export interface AppOptions {
  /** Checks a picked file and shrinks it if need be (createImageBitmap and a canvas). */
  prepare?: (file: File) => Promise<ReadyPicture>;
  /** Preview URLs of picked files (URL.createObjectURL). */
  previews?: Previews;
}

const objectUrls: Previews = {
  create: (file) => URL.createObjectURL(file),
  revoke: (url) => URL.revokeObjectURL(url),
};

/** An open panel: which picture (and split) it shows, and which analogy. */
interface OpenPanel {
  key: string;
  analogy: string;
  parts: Panel;
}

function pageTitle(state: PageState): string {
  const subject = state.image ?? (state.byPicture ? 'Your picture' : state.q);
  return subject ? `${subject} – jointspace` : 'jointspace: search pictures with words';
}

/** A plain left click, which the page handles itself (others open tabs, windows, downloads). */
function isPlainClick(event: MouseEvent): boolean {
  return (
    !event.defaultPrevented &&
    event.button === 0 &&
    !event.altKey &&
    !event.ctrlKey &&
    !event.metaKey &&
    !event.shiftKey
  );
}

/**
 * Starts the page on a window: its listeners stay until `signal` aborts (a test's teardown; the
 * page itself runs as long as it is open). Call `render` once to show the URL it opened at.
 */
export function startApp(
  win: Window,
  query: Query,
  signal?: AbortSignal,
  browser: AppOptions = {},
): App {
  const doc = win.document;
  const el = findElements(doc);
  const pictureControl = findPictureControl(doc);
  const pictures = new PictureShelf();
  const imaging = browserImaging(doc);
  const prepare = browser.prepare ?? ((file: File) => preparePicture(file, imaging));
  const previews = browser.previews ?? objectUrls;
  let state = parseState(win.location.search);
  let shownSearch: PageState | null = null;
  let shownPicture: HeldPicture | null = null;
  let panel: OpenPanel | null = null;

  const navigate = (next: PageState): Promise<void> => {
    const url = formatState(next);
    // The same URL again (a search submitted twice) adds no step for Back to retrace.
    if (url !== `${win.location.pathname}${win.location.search}`) {
      // Within a search with a picture (its panels opening and closing) each entry keeps
      // naming that picture.
      const kept = state.byPicture && next.byPicture ? win.history.state : null;
      win.history.pushState(kept, '', url);
    }
    return render();
  };

  /** A new search with a picked or dropped file: a step of its own, even from another picture. */
  const searchWithPicture = (file: File): void => {
    const held = holdPicture(file, prepare, pictureQuery(query, state.split), previews);
    win.history.pushState(pictures.add(held), '', formatState(pictureSearch(state)));
    void render();
    el.resultsHeading.focus();
  };

  const nextPage = (cursor: string): void => {
    void navigate({ ...withoutPanel(state), after: cursor });
    // Keyboard and screen reader users start reading the new page at its top.
    el.resultsHeading.focus();
  };

  const renderSearch = (): Promise<void> => {
    const picture = state.byPicture ? pictures.find(win.history.state) : null;
    if (shownSearch && sameSearch(shownSearch, state) && picture === shownPicture) {
      return Promise.resolve();
    }
    shownSearch = state;
    shownPicture = picture;
    el.resultsHeading.textContent = searchHeading(state);
    if (state.byPicture) {
      cancelLoad(el.results);
      return showPictureSearch(el.results, picture, state, () => pictureControl.input.click());
    }
    if (state.q) return loadSearch(el.results, query, state, nextPage);
    cancelLoad(el.results);
    el.results.replaceChildren(...renderIntro(state));
    return Promise.resolve();
  };

  /** Forgets the panel's content and stops its loads; the dialog stays as it is. */
  const discardPanel = (): void => {
    if (!panel) return;
    const { details, annotations, similar, analogy } = panel.parts;
    for (const region of [details, annotations, similar, analogy]) cancelLoad(region);
    panel = null;
    el.panelBody.replaceChildren();
  };

  const closePanel = (): void => {
    discardPanel();
    if (el.dialog.open) el.dialog.close();
  };

  const compose = (minus: string[], plus: string[]): void => {
    if (panel && acceptWords(panel.parts, minus, plus)) void navigate({ ...state, minus, plus });
  };

  const renderPanel = (): Promise<void> => {
    if (!state.image) {
      closePanel();
      return Promise.resolve();
    }
    const loads: Promise<void>[] = [];
    const key = JSON.stringify([state.image, state.split]);
    if (panel?.key !== key) {
      // Another picture in the same dialog (say, from "More like this"): it stays open.
      discardPanel();
      panel = { key, analogy: '', parts: buildPanel(state, compose) };
      el.panelTitle.textContent = state.image;
      el.panelBody.replaceChildren(panel.parts.content);
      if (!el.dialog.open) el.dialog.showModal();
      el.panelTitle.focus();
      loads.push(loadPanel(panel.parts, query, state));
    }
    const analogy = JSON.stringify([state.minus, state.plus]);
    if (panel.analogy !== analogy) {
      panel.analogy = analogy;
      loads.push(showAnalogy(panel.parts, query, state));
    }
    return Promise.all(loads).then(() => undefined);
  };

  const render = (): Promise<void> => {
    state = parseState(win.location.search);
    el.searchBox.value = state.q;
    doc.title = pageTitle(state);
    return Promise.all([renderSearch(), renderPanel()]).then(() => undefined);
  };

  const options = { signal };
  el.searchForm.addEventListener(
    'submit',
    (event) => {
      event.preventDefault();
      const q = el.searchBox.value.trim();
      if (q) {
        void navigate(searchFor(state, q));
        return;
      }
      // A blank query is the API's to refuse: the page shows its message and code (EMPTY_TEXT)
      // rather than doing nothing. The URL stays; the next render of a search loads afresh.
      shownSearch = null;
      el.searchBox.focus();
      const blank = { ...withoutPanel(state), q: el.searchBox.value, after: null };
      void loadSearch(el.results, query, blank, nextPage);
    },
    options,
  );
  // Links the page renders itself (data-nav) change the URL without reloading the page.
  doc.addEventListener(
    'click',
    (event) => {
      const link = event.target instanceof Element ? event.target.closest('a[data-nav]') : null;
      if (!(link instanceof HTMLAnchorElement) || !isPlainClick(event)) return;
      event.preventDefault();
      void navigate(parseState(new URL(link.href).search));
    },
    options,
  );
  doc.addEventListener(
    'keydown',
    (event) => {
      if (!handleGridKey(event)) handleSlashKey(event, el.searchBox, el.dialog.open);
    },
    options,
  );
  el.closeButton.addEventListener('click', () => el.dialog.close(), options);
  // However the dialog closed (the Close button, Escape), the URL follows: back to the search.
  el.dialog.addEventListener(
    'close',
    () => {
      if (state.image) void navigate(withoutPanel(state));
    },
    options,
  );
  win.addEventListener('popstate', () => void render(), options);
  watchPictureControl(doc, pictureControl, searchWithPicture, signal);

  return { render, navigate };
}
