import {
  GRAPHIQL_OPTIONS_PLACEHOLDER,
  GRAPHIQL_PAGE_KEY,
  GRAPHIQL_TITLE_PLACEHOLDER,
} from '../../core/r2-layout.ts';
import { GRAPHIQL_DEFAULT_QUERY, GRAPHIQL_TITLE } from './graphiql.ts';

/**
 * GraphiQL without a CDN: when the bucket holds the inline page `npm start` puts there, a
 * browser gets that page (with this API's title and default query filled in) instead of
 * graphql-yoga's, whose scripts come from the internet. Read once per isolate.
 */

let page: Promise<string | null> | undefined;

async function load(bucket: R2Bucket): Promise<string | null> {
  const object = await bucket.get(GRAPHIQL_PAGE_KEY);
  if (!object) return null;
  const options = JSON.stringify({ title: GRAPHIQL_TITLE, defaultQuery: GRAPHIQL_DEFAULT_QUERY });
  return (await object.text())
    .replace(GRAPHIQL_OPTIONS_PLACEHOLDER, () => options)
    .replaceAll(GRAPHIQL_TITLE_PLACEHOLDER, () => GRAPHIQL_TITLE);
}

/** Whether a request is a browser asking for a page (GraphiQL), not a GraphQL client. */
export function wantsPage(request: Request): boolean {
  return request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/html');
}

/** The inline GraphiQL page, or null when the bucket has none (yoga's own page is served then). */
export async function offlineGraphiQL(bucket: R2Bucket): Promise<Response | null> {
  page ??= load(bucket).catch(() => null);
  const html = await page;
  if (html === null) {
    page = undefined; // seeded later? look again next time
    return null;
  }
  return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } });
}
