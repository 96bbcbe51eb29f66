import { describe, expect, it } from 'vitest';
import { QUERY_LIMITS } from '../../../core/limits.ts';
import { encodeCursor } from '../../../worker/graphql/cursor.ts';
import { pageWindow, toConnection } from '../../../worker/graphql/paging.ts';
import { CAPTIONS, createFakeServices, IMAGES } from '../../support/fake-services.ts';
import { graphqlClient } from '../../support/graphql-client.ts';

// Forward paging (first/after) over the ranked lists: pages join up into the whole list, in a
// stable order, and pageInfo says where the list ends.

interface Page {
  edges: { cursor: string; score: number; node: { id: string } }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

const SEARCH = `query ($first: Int!, $after: String) {
  search(text: "red dog", first: $first, after: $after) {
    edges { cursor score node { id } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  } }`;

async function searchPage(first: number, after: string | null): Promise<Page> {
  const { body } = await graphqlClient(createFakeServices()).query(SEARCH, { first, after });
  expect(body.errors).toBeUndefined();
  return body.data.search;
}

describe('paging', () => {
  it('walks the whole list page by page, each page continuing where the last ended', async () => {
    const { body } = await graphqlClient(createFakeServices()).query(SEARCH, { first: 100 });
    const whole: Page = body.data.search;
    expect(whole.edges).toHaveLength(IMAGES.length);
    expect(whole.pageInfo.hasNextPage).toBe(false);

    const seen: Page['edges'] = [];
    let after: string | null = null;
    for (let pages = 1; ; pages++) {
      const page = await searchPage(5, after);
      seen.push(...page.edges);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor);
      if (!page.pageInfo.hasNextPage) {
        expect(pages).toBe(Math.ceil(IMAGES.length / 5));
        break;
      }
      after = page.pageInfo.endCursor;
    }
    // Same items, same order, same scores, same cursors as the one big page.
    expect(seen).toEqual(whole.edges);
  });

  it('gives the same page for the same arguments (a stable order)', async () => {
    const first = await searchPage(4, encodeCursor(2));
    const again = await searchPage(4, encodeCursor(2));
    expect(again).toEqual(first);
    expect(first.edges.map((e) => e.cursor)).toEqual([3, 4, 5, 6].map(encodeCursor));
  });

  it('says there is no next page when the list ends exactly at the page', async () => {
    const page = await searchPage(IMAGES.length, null);
    expect(page.edges).toHaveLength(IMAGES.length);
    expect(page.pageInfo.hasNextPage).toBe(false);
  });

  it('answers an empty page after the last result, with null cursors', async () => {
    const page = await searchPage(5, encodeCursor(IMAGES.length - 1));
    expect(page).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null },
    });
  });

  it('pages annotations the same way', async () => {
    const client = graphqlClient(createFakeServices());
    const query = `query ($after: String) { annotate(image: { id: "img_00.jpg" }, first: 10, after: $after) {
        edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { body } = await client.query(query, { after });
      expect(body.errors).toBeUndefined();
      ids.push(...body.data.annotate.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!body.data.annotate.pageInfo.hasNextPage) break;
      after = body.data.annotate.pageInfo.endCursor;
    }
    expect(ids).toHaveLength(CAPTIONS.length);
    expect(new Set(ids).size).toBe(CAPTIONS.length);
    expect(ids.slice(0, 2)).toEqual(['img_00.jpg#0', 'img_00.jpg#1']);
  });
});

describe('page windows', () => {
  it('ask the services for one result more than the page, up to the list limit', () => {
    expect(pageWindow(10, null)).toEqual({ start: 0, end: 10, topK: 11 });
    expect(pageWindow(10, encodeCursor(9))).toEqual({ start: 10, end: 20, topK: 21 });
    expect(pageWindow(QUERY_LIMITS.maxResults, null)).toEqual({ start: 0, end: 100, topK: 100 });
    expect(pageWindow(10, encodeCursor(95))).toEqual({ start: 96, end: 100, topK: 100 });
    expect(pageWindow(1, encodeCursor(99))).toEqual({ start: 100, end: 100, topK: 100 });
  });

  it('never report a next page past the list limit, even if the services return more', () => {
    const results = Array.from({ length: 120 }, (_, i) => ({ item: i, score: 1 - i / 200 }));
    const page = toConnection(results, pageWindow(10, encodeCursor(89)));
    expect(page.edges.map((e) => e.node)).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
    expect(page.pageInfo.hasNextPage).toBe(false);
  });
});
