/// <reference types="vite/client" />
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, type Query } from '../../web/api.ts';
import { type App, type AppOptions, findElements, startApp } from '../../web/app.ts';
import pageHtml from '../../web/index.html?raw';
import { findPictureControl, NO_IMAGE_ENCODER_TEXT } from '../../web/picture-control.ts';
import { type Decoded, preparePicture } from '../../web/picture-file.ts';
import { NOT_SHAREABLE_TEXT, PICTURE_MATCHES } from '../../web/picture-search.ts';
import { PAGE_SIZE } from '../../web/search-view.ts';

// The page as a person uses it: index.html as served, the app started on it, a fake API.

/** A fake API: every call recorded, answers made up from the variables. */
function fakeApi(failures: Record<string, ApiError> = {}) {
  const calls: { name: string; variables: Record<string, unknown> }[] = [];
  const picture = (id: string) => ({
    id,
    file: id,
    url: `/images/v1/${id}`,
    captions: [{ text: `caption of ${id}` }],
  });
  const edges = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      cursor: `${prefix}${i}`,
      score: 0.9,
      node: picture(`${prefix}${i}.svg`),
    }));
  const answers: Record<string, (v: Record<string, unknown>) => unknown> = {
    Search: (v) => ({
      search: {
        query: { unknownWords: [] },
        edges: edges(v.after ? 'p2-' : 'p1-', PAGE_SIZE),
        pageInfo: { hasNextPage: !v.after, endCursor: v.after ? 'p2-23' : 'p1-23' },
      },
    }),
    ImageDetails: (v) => ({ image: { ...picture(String(v.id)), split: 'test' } }),
    Annotate: () => ({ annotate: { edges: [{ score: 0.7, node: { id: 'c#0', text: 'a dog' } }] } }),
    Similar: () => ({ similar: { edges: edges('like-', 3) } }),
    PictureSearch: () => ({
      annotate: { edges: [{ score: 0.6, node: { id: 'c#9', text: 'a dog on the grass' } }] },
      similar: { edges: edges('yours-', 4) },
    }),
    Analogy: () => ({
      analogy: {
        minus: { unknownWords: [] },
        plus: { unknownWords: [] },
        matches: [{ rank: 1, score: 0.5, node: picture('blue.svg') }],
      },
    }),
  };
  const query = (async (operation, variables) => {
    const name = /query (\w+)/.exec(operation.toString())?.[1] ?? '?';
    calls.push({ name, variables: variables as Record<string, unknown> });
    const failure = failures[name];
    if (failure) throw failure;
    return answers[name]!(variables as Record<string, unknown>);
  }) as Query;
  return { query, calls, names: () => calls.map((c) => c.name) };
}

let stop: AbortController;

/** A part of index.html, parsed inert (a template: nothing in it loads or runs). */
function part(tag: 'head' | 'body'): DocumentFragment {
  const inner = new RegExp(`<${tag}>([\\s\\S]*)</${tag}>`).exec(pageHtml)?.[1];
  if (inner === undefined) throw new Error(`index.html has no <${tag}>`);
  const template = document.createElement('template');
  template.innerHTML = inner;
  return template.content;
}

/** Preview URLs that say which file they show; every picture decodes as 800 x 600. */
const previewsMade: string[] = [];
const browser: AppOptions = {
  prepare: (file) =>
    preparePicture(file, {
      decode: async (): Promise<Decoded> => ({ width: 800, height: 600, close: () => undefined }),
      encodeJpeg: async () => new Blob(['jpeg']),
    }),
  previews: {
    create: (file) => {
      previewsMade.push(`blob:preview/${(file as File).name}`);
      return previewsMade.at(-1) as string;
    },
    revoke: () => undefined,
  },
};

/** Opens the page at `url` (index.html's body) and starts the app. */
async function open(url: string, api = fakeApi()): Promise<App & { api: typeof api }> {
  window.history.replaceState(null, '', url);
  document.body.replaceChildren(document.importNode(part('body'), true));
  const app = startApp(window, api.query, stop.signal, browser);
  await app.render();
  return { ...app, api };
}

/** Lets the app finish what a click started (the fake API answers at once). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}

const el = () => findElements(document);
const here = () => `${location.pathname}${location.search}`;
const button = (name: string, root: ParentNode = document) =>
  [...root.querySelectorAll('button')].find((b) => b.textContent === name);
const results = () => document.querySelector('ol[aria-label="Results"]');

beforeEach(() => {
  stop = new AbortController();
});
afterEach(() => {
  stop.abort();
  if (el().dialog.open) el().dialog.close();
});

describe('the page', () => {
  it('finds every element it needs in index.html', async () => {
    await open('/');
    const parsed = document;
    const page = findElements(parsed);
    expect(page.searchBox.name).toBe('q');
    expect(page.searchBox.type).toBe('search');
    expect(parsed.querySelector(`label[for="${page.searchBox.id}"]`)?.textContent).toBe(
      'Search pictures',
    );
    expect(page.searchForm.querySelector('button[type="submit"]')?.textContent).toBe('Search');
    expect(page.closeButton.textContent).toBe('Close');
    expect(parsed.querySelector('a[href="/graphql"]')).not.toBeNull();
    // The head, as served: the bundle and the styles the build writes, from this server.
    const head = part('head');
    expect(head.querySelector('script')?.getAttribute('src')).toBe('/main.js');
    expect(head.querySelector('link[rel="stylesheet"]')?.getAttribute('href')).toBe('/styles.css');
  });

  it('opens at / with an introduction and nothing asked of the API', async () => {
    const app = await open('/');
    expect(el().resultsHeading.textContent).toBe('Search pictures with words');
    expect(el().results.querySelectorAll('.examples a').length).toBeGreaterThan(0);
    expect(app.api.calls).toEqual([]);
    expect(el().dialog.open).toBe(false);
  });

  it('searches: the text goes into the URL, the results into the grid', async () => {
    const app = await open('/');
    el().searchBox.value = '  two dogs on the beach ';
    el().searchForm.requestSubmit();
    await settle();
    expect(here()).toBe('/?q=two+dogs+on+the+beach');
    expect(app.api.calls).toEqual([
      {
        name: 'Search',
        variables: { text: 'two dogs on the beach', first: PAGE_SIZE, after: null, split: null },
      },
    ]);
    expect(results()?.querySelectorAll('li').length).toBe(PAGE_SIZE);
    expect(results()?.querySelector('img')?.getAttribute('alt')).toBe('caption of p1-0.svg');
    expect(el().resultsHeading.textContent).toBe('Pictures for “two dogs on the beach”');
    expect(document.title).toBe('two dogs on the beach – jointspace');
  });

  it('adds no history step for the URL it is already at', async () => {
    await open('/?q=dogs');
    const steps = history.length;
    el().searchForm.requestSubmit();
    await settle();
    expect(here()).toBe('/?q=dogs');
    expect(history.length).toBe(steps);
  });

  it('asks the API about a blank query and shows its refusal, leaving the URL', async () => {
    const app = await open(
      '/',
      fakeApi({ Search: new ApiError('the text is empty', 'EMPTY_TEXT') }),
    );
    el().searchBox.value = '   ';
    el().searchForm.requestSubmit();
    await settle();
    expect(here()).toBe('/');
    expect(app.api.calls.map((c) => [c.name, c.variables.text])).toEqual([['Search', '   ']]);
    const alert = el().results.querySelector('[role="alert"]');
    expect(alert?.textContent).toBe('the text is empty (EMPTY_TEXT)');
    expect(document.activeElement).toBe(el().searchBox);
  });

  it('pushes the next page as after=<cursor>, and Back returns to the first', async () => {
    const app = await open('/?q=dogs');
    button('Next page')?.click();
    await settle();
    expect(here()).toBe('/?q=dogs&after=p1-23');
    expect(results()?.querySelector('img')?.getAttribute('alt')).toBe('caption of p2-0.svg');
    expect(document.activeElement).toBe(el().resultsHeading);
    history.back();
    await settle();
    expect(here()).toBe('/?q=dogs');
    expect(results()?.querySelector('img')?.getAttribute('alt')).toBe('caption of p1-0.svg');
    expect(app.api.names()).toEqual(['Search', 'Search', 'Search']);
  });

  it('opens a result in the panel, without searching again', async () => {
    const app = await open('/?q=dogs');
    results()?.querySelector('a')?.click();
    await settle();
    expect(here()).toBe('/?q=dogs&image=p1-0.svg');
    expect(el().dialog.open).toBe(true);
    expect(el().panelTitle.textContent).toBe('p1-0.svg');
    const panel = el().dialog;
    expect([...panel.querySelectorAll('h3')].map((h) => h.textContent)).toEqual([
      'Captions',
      'Described as',
      'More like this',
      'Analogy',
    ]);
    expect(panel.querySelector('img.picture-large')?.getAttribute('alt')).toBe(
      'caption of p1-0.svg',
    );
    expect(panel.querySelectorAll('ol[aria-label="More like this"] li').length).toBe(3);
    expect(app.api.names()).toEqual(['Search', 'ImageDetails', 'Annotate', 'Similar']);
  });

  it('moves to a picture "like this" inside the open panel', async () => {
    const app = await open('/?q=dogs&image=p1-0.svg');
    el().dialog.querySelector<HTMLAnchorElement>('ol[aria-label="More like this"] a')?.click();
    await settle();
    expect(here()).toBe('/?q=dogs&image=like-0.svg');
    expect(el().dialog.open).toBe(true);
    expect(el().panelTitle.textContent).toBe('like-0.svg');
    expect(app.api.names().filter((n) => n === 'Search')).toHaveLength(1);
  });

  it('composes an analogy: the words into the URL, the statement, the results', async () => {
    const app = await open('/?q=cars&image=car.svg');
    const form = el().dialog.querySelector('form')!;
    (form.elements.namedItem('minus') as HTMLInputElement).value = 'red';
    (form.elements.namedItem('plus') as HTMLInputElement).value = 'blue, small';
    button('Compose', form)?.click();
    await settle();
    expect(here()).toBe('/?q=cars&image=car.svg&minus=red&plus=blue&plus=small');
    expect(el().dialog.querySelector('.statement')?.textContent).toBe(
      'This picture − red + blue + small',
    );
    expect(el().dialog.querySelectorAll('ol[aria-label="Analogy results"] li').length).toBe(1);
    // Only the analogy was asked: the panel's other parts stayed.
    expect(app.api.names()).toEqual(['Search', 'ImageDetails', 'Annotate', 'Similar', 'Analogy']);
  });

  it('refuses to compose nothing, saying why, and leaves the URL', async () => {
    const app = await open('/?image=car.svg');
    button('Compose', el().dialog)?.click();
    await settle();
    expect(here()).toBe('/?image=car.svg');
    expect(el().dialog.querySelector('[role="alert"]')?.textContent).toContain('(NO_WORDS)');
    expect(app.api.names()).not.toContain('Analogy');
  });

  it('closes the panel with Close, back to the search', async () => {
    await open('/?q=dogs&image=p1-0.svg&minus=red');
    button('Close')?.click();
    await settle();
    expect(here()).toBe('/?q=dogs');
    expect(el().dialog.open).toBe(false);
    expect(el().panelBody.childNodes.length).toBe(0);
  });

  it('follows the dialog closed any other way (Escape)', async () => {
    await open('/?q=dogs&image=p1-0.svg');
    el().dialog.close();
    await settle();
    expect(here()).toBe('/?q=dogs');
  });

  it('renders a URL opened fresh as the clicks that made it', async () => {
    await open('/');
    el().searchBox.value = 'dogs';
    el().searchForm.requestSubmit();
    await settle();
    button('Next page')?.click();
    await settle();
    results()?.querySelector('a')?.click();
    await settle();
    const form = el().dialog.querySelector('form')!;
    (form.elements.namedItem('plus') as HTMLInputElement).value = 'blue';
    form.requestSubmit();
    await settle();
    const url = here();
    const clicked = document.body.innerHTML;
    stop.abort();
    el().dialog.close();
    stop = new AbortController();
    await open(url);
    expect(url).toBe('/?q=dogs&after=p1-23&image=p2-0.svg&plus=blue');
    expect(document.body.innerHTML).toBe(clicked);
    expect((el().dialog.querySelector('[name="plus"]') as HTMLInputElement).value).toBe('blue');
  });

  it("shows the API's error message and code in an alert", async () => {
    const api = fakeApi({
      Search: new ApiError('the text has no word the model knows: "qqq"', 'NO_KNOWN_WORDS'),
    });
    await open('/?q=qqq', api);
    const alert = el().results.querySelector('[role="alert"]');
    expect(alert?.textContent).toBe('the text has no word the model knows: "qqq" (NO_KNOWN_WORDS)');
    expect(el().results.hasAttribute('aria-busy')).toBe(false);
  });

  it('lets "/" reach the search box from anywhere on the page', async () => {
    await open('/?q=dogs');
    results()?.querySelector('a')?.focus();
    document.activeElement?.dispatchEvent(
      new KeyboardEvent('keydown', { key: '/', bubbles: true, cancelable: true }),
    );
    expect(document.activeElement).toBe(el().searchBox);
  });
});

/** Picks a file with the header's "Search with your picture", as the file chooser would. */
function pick(file: File): void {
  const { input } = findPictureControl(document);
  const transfer = new DataTransfer();
  transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event('change'));
}

const jpeg = (name: string) => new File(['jpeg'], name, { type: 'image/jpeg' });
const preview = () => el().results.querySelector('.picture-preview img')?.getAttribute('src');
const captions = () =>
  [...el().results.querySelectorAll('.ranked-captions .caption-text')].map((c) => c.textContent);
const likeYours = () => el().results.querySelector('ol[aria-label="Pictures like yours"]');

describe('search with your picture', () => {
  it('is a labelled file input for JPEG, PNG and WebP in the header', async () => {
    await open('/');
    const { input, zone } = findPictureControl(document);
    expect(input.type).toBe('file');
    expect(input.accept).toBe('image/jpeg,image/png,image/webp');
    expect(document.querySelector(`label[for="${input.id}"]`)?.textContent).toBe(
      'Search with your picture',
    );
    expect(zone.closest('header')).not.toBeNull();
    expect(zone.textContent).toContain('or drop one here');
  });

  it('shows the picture, what the model says of it and the pictures like it', async () => {
    const app = await open('/?q=dogs');
    const photo = jpeg('my dog.jpg');
    pick(photo);
    await settle();
    expect(here()).toBe('/?by=picture');
    expect(el().resultsHeading.textContent).toBe('Search with your picture');
    expect(document.title).toBe('Your picture – jointspace');
    expect(document.activeElement).toBe(el().resultsHeading);
    expect(app.api.calls.at(-1)).toEqual({
      name: 'PictureSearch',
      variables: { picture: photo, captions: 5, first: PICTURE_MATCHES, split: null },
    });
    expect(preview()).toBe('blob:preview/my dog.jpg');
    expect(el().results.textContent).toContain(NOT_SHAREABLE_TEXT);
    expect(captions()).toEqual(['a dog on the grass']);
    expect(likeYours()?.querySelectorAll('li').length).toBe(4);
    // The search box no longer holds a search it is not showing.
    expect(el().searchBox.value).toBe('');
  });

  it('keeps the split of the search it started from', async () => {
    const app = await open('/?q=dogs&split=test');
    pick(jpeg('a.jpg'));
    await settle();
    expect(here()).toBe('/?by=picture&split=test');
    expect(app.api.calls.at(-1)?.variables.split).toBe('test');
  });

  it('keeps Back and Forward sane: each step shows its own picture, asked once', async () => {
    const app = await open('/?q=dogs');
    pick(jpeg('first.jpg'));
    await settle();
    pick(jpeg('second.jpg'));
    await settle();
    expect(preview()).toBe('blob:preview/second.jpg');
    history.back();
    await settle();
    expect(here()).toBe('/?by=picture');
    expect(preview()).toBe('blob:preview/first.jpg');
    history.back();
    await settle();
    expect(here()).toBe('/?q=dogs');
    expect(results()?.querySelectorAll('li').length).toBe(PAGE_SIZE);
    history.forward();
    await settle();
    expect(preview()).toBe('blob:preview/first.jpg');
    expect(captions()).toEqual(['a dog on the grass']);
    expect(app.api.names()).toEqual(['Search', 'PictureSearch', 'PictureSearch', 'Search']);
  });

  it('opens a picture like yours in the panel, and closes back to your picture', async () => {
    const app = await open('/');
    pick(jpeg('mine.png'));
    await settle();
    likeYours()?.querySelector('a')?.click();
    await settle();
    expect(here()).toBe('/?by=picture&image=yours-0.svg');
    expect(el().dialog.open).toBe(true);
    button('Close')?.click();
    await settle();
    expect(here()).toBe('/?by=picture');
    expect(preview()).toBe('blob:preview/mine.png');
    history.back();
    history.back();
    await settle();
    expect(here()).toBe('/?by=picture');
    expect(preview()).toBe('blob:preview/mine.png');
    expect(app.api.names().filter((n) => n === 'PictureSearch')).toEqual(['PictureSearch']);
  });

  it('goes back to words with a new text search', async () => {
    await open('/');
    pick(jpeg('mine.jpg'));
    await settle();
    el().searchBox.value = 'cats';
    el().searchForm.requestSubmit();
    await settle();
    expect(here()).toBe('/?q=cats');
    expect(preview()).toBeUndefined();
    expect(results()?.querySelectorAll('li').length).toBe(PAGE_SIZE);
  });

  it('says a picture search opened from its address is not shareable, and offers to choose', async () => {
    const app = await open('/?by=picture');
    expect(el().resultsHeading.textContent).toBe('Search with your picture');
    expect(el().results.textContent).toContain(NOT_SHAREABLE_TEXT);
    const { input } = findPictureControl(document);
    let chooserOpened = false;
    input.addEventListener('click', () => {
      chooserOpened = true;
    });
    button('Choose a picture', el().results)?.click();
    expect(chooserOpened).toBe(true);
    expect(app.api.calls).toEqual([]);
  });

  it('refuses a file that is not JPEG, PNG or WebP before sending it', async () => {
    const app = await open('/');
    pick(new File(['GIF89a'], 'funny.gif', { type: 'image/gif' }));
    await settle();
    expect(here()).toBe('/?by=picture');
    const alert = el().results.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain('“funny.gif” is a picture of type image/gif');
    expect(alert?.textContent).toContain('(UNSUPPORTED_PICTURE)');
    expect(preview()).toBeUndefined();
    expect(app.api.calls).toEqual([]);
  });

  it("explains the server's NO_IMAGE_ENCODER: the model takes no pictures", async () => {
    const api = fakeApi({ PictureSearch: new ApiError('no image encoder', 'NO_IMAGE_ENCODER') });
    await open('/', api);
    pick(jpeg('a.jpg'));
    await settle();
    expect(el().results.querySelector('[role="alert"]')?.textContent).toBe(
      `${NO_IMAGE_ENCODER_TEXT} (NO_IMAGE_ENCODER)`,
    );
    expect(preview()).toBe('blob:preview/a.jpg');
  });

  it('takes a picture dropped on the zone', async () => {
    const app = await open('/');
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    const photo = jpeg('dropped.webp');
    Object.defineProperty(drop, 'dataTransfer', { value: { types: ['Files'], files: [photo] } });
    findPictureControl(document).zone.dispatchEvent(drop);
    await settle();
    expect(drop.defaultPrevented).toBe(true);
    expect(here()).toBe('/?by=picture');
    expect(app.api.calls.at(-1)?.variables.picture).toBe(photo);
  });
});
