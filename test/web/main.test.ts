/// <reference types="vite/client" />
import { expect, it, vi } from 'vitest';
import pageHtml from '../../web/index.html?raw';

// The entry as the browser runs it: on import it starts the app on this window, which shows
// the URL it opened at by asking this server's /graphql through the window's fetch.
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
  const fetchStub = vi.fn(async () => Response.json({ data: { search } }));
  window.fetch = fetchStub as unknown as typeof fetch;

  await import('../../web/main.ts');
  await vi.waitFor(() =>
    expect(document.getElementById('results')?.textContent).toContain('No pictures found.'),
  );

  expect(fetchStub).toHaveBeenCalledOnce();
  const [url, init] = fetchStub.mock.calls[0] as unknown as [string, RequestInit];
  expect(url).toBe('/graphql');
  expect(JSON.parse(String(init.body)).variables.text).toBe('cats');
  expect(document.getElementById('results')?.textContent).toContain('Not in the vocabulary: qq');
  expect((document.getElementById('search-box') as HTMLInputElement).value).toBe('cats');
});
