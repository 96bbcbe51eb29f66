import { describe, expect, it } from 'vitest';
import { renderOfflineGraphiQL } from '../../../cli/local/graphiql-page.ts';
import {
  GRAPHIQL_OPTIONS_PLACEHOLDER,
  GRAPHIQL_TITLE_PLACEHOLDER,
} from '../../../core/r2-layout.ts';

describe('the offline GraphiQL page', () => {
  it('holds its scripts inline and one options placeholder for the worker to fill', () => {
    const page = renderOfflineGraphiQL();
    expect(page.split(GRAPHIQL_OPTIONS_PLACEHOLDER)).toHaveLength(2);
    expect(page).toContain(`<title>${GRAPHIQL_TITLE_PLACEHOLDER}</title>`);
    expect(page).toContain('YogaGraphiQL.renderYogaGraphiQL');
    // Nothing loaded from elsewhere: no external script or stylesheet.
    expect(page).not.toMatch(/<script[^>]+src=["']https?:/);
    expect(page).not.toMatch(/<link[^>]+href=["']https?:/);
  });
});
