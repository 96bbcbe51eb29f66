/// <reference types="vite/client" />
import { expect, it, vi } from 'vitest';
import pageHtml from '../../web/index.html?raw';
import { NO_IMAGE_ENCODER_TEXT } from '../../web/picture-control.ts';

// The entry as the browser runs it: on import it starts the app on this window, which shows
// the URL it opened at by asking this server's /graphql through the window's fetch, and asks
// whether the model takes pictures (this one does not: the control turns off, saying why).
it("starts the page on the window, searching for the URL's text through /graphql", async () => {
  const body = /<body>([\s\S]*)<\/body>/.exec(pageHtml)?.[1] ?? '';
  const template = document.createElement('template');
  template.innerHTML = body;
  document.body.replaceChildren(document.importNode(template.content, true));
  window.history.replaceState(null, '', '/?q=cats');
  const search = {
    query: { unknownWords: ['qq'] },
    edges: [],
    pageInfo: { hasNextPage: false, endCursor: null },
  };
  const models = { retrieval: { imageEncoder: null } };
  const fetchStub = vi.fn(async (_url: string, init: RequestInit) => {
    const { query } = JSON.parse(String(init.body)) as { query: string };
    return Response.json({ data: query.includes('query PictureInput') ? { models } : { search } });
  });
  window.fetch = fetchStub as unknown as typeof fetch;

  await import('../../web/main.ts');
  await vi.waitFor(() =>
    expect(document.getElementById('results')?.textContent).toContain('No pictures found.'),
  );
  await vi.waitFor(() =>
    expect((document.getElementById('picture-input') as HTMLInputElement).disabled).toBe(true),
  );

  const bodies = fetchStub.mock.calls.map(([url, init]) => {
    expect(url).toBe('/graphql');
    return JSON.parse(String(init.body)) as { query: string; variables: { text?: string } };
  });
  expect(bodies.map((b) => /query (\w+)/.exec(b.query)?.[1]).sort()).toEqual([
    'PictureInput',
    'Search',
  ]);
  expect(bodies.find((b) => b.query.includes('query Search'))?.variables.text).toBe('cats');
  expect(document.getElementById('results')?.textContent).toContain('Not in the vocabulary: qq');
  expect((document.getElementById('search-box') as HTMLInputElement).value).toBe('cats');
  expect(document.getElementById('picture-note')?.textContent).toBe(NO_IMAGE_ENCODER_TEXT);
});
