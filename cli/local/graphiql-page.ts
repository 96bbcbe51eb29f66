import { writeFile } from 'node:fs/promises';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GRAPHIQL_OPTIONS_PLACEHOLDER, GRAPHIQL_TITLE_PLACEHOLDER } from '../../core/r2-layout.ts';

/**
 * GraphiQL with its scripts, styles and editor workers inline (@graphql-yoga/render-graphiql,
 * about 9 MB), for the local default: graphql-yoga's own page loads them from a CDN, which a
 * machine without internet cannot reach. The page is rendered with a placeholder in place of
 * its options; the worker puts its title and default query there when it serves the page.
 */
export function renderOfflineGraphiQL(): string {
  const page = renderGraphiQL({ title: GRAPHIQL_TITLE_PLACEHOLDER });
  const marker = JSON.stringify({ title: GRAPHIQL_TITLE_PLACEHOLDER });
  if (!page.includes(marker))
    throw new Error(
      'render-graphiql no longer embeds its options as JSON; update graphiql-page.ts',
    );
  // The options object becomes one placeholder; the <title> keeps the title placeholder.
  return page.replace(marker, () => GRAPHIQL_OPTIONS_PLACEHOLDER);
}

export async function writeOfflineGraphiQL(path: string): Promise<void> {
  await writeFile(path, renderOfflineGraphiQL());
}
