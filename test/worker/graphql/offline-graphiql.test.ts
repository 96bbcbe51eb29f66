import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  GRAPHIQL_OPTIONS_PLACEHOLDER,
  GRAPHIQL_PAGE_KEY,
  GRAPHIQL_TITLE_PLACEHOLDER,
} from '../../../core/r2-layout.ts';

/** GraphiQL for browsers: graphql-yoga's page by default, the inline one once `npm start` seeded it. */

const browserGet = () =>
  exports.default.fetch(
    new Request('http://jointspace.test/graphql', { headers: { accept: 'text/html' } }),
  );

describe('GraphiQL', () => {
  it("is graphql-yoga's page when the bucket has no inline one", async () => {
    const res = await browserGet();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).not.toContain('inline-graphiql-test');
  });

  it('is the inline page, with this API title and default query, once seeded', async () => {
    await env.MODELS.put(
      GRAPHIQL_PAGE_KEY,
      `<title>${GRAPHIQL_TITLE_PLACEHOLDER}</title><script>/* inline-graphiql-test */ render(${GRAPHIQL_OPTIONS_PLACEHOLDER})</script>`,
    );
    const res = await browserGet();
    const html = await res.text();
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toContain('inline-graphiql-test');
    expect(html).toContain('<title>jointspace</title>');
    const options = JSON.parse(/render\((.*)\)<\/script>/s.exec(html)?.[1] ?? '{}') as {
      title: string;
      defaultQuery: string;
    };
    expect(options.title).toBe('jointspace');
    expect(options.defaultQuery).toContain('query Search');
    // A GraphQL client's POST is not affected.
    const post = await exports.default.fetch(
      new Request('http://jointspace.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ __typename }"}',
      }),
    );
    expect(await post.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
