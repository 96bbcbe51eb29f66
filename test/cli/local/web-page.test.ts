import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildWebPage,
  headersFile,
  PAGE_HEADERS,
  WEB_PAGE_DIR,
  type WebPage,
  WebPageBuildError,
} from '../../../cli/local/web-page.ts';

const KIB = 1024;

describe('buildWebPage', () => {
  let dir: string;
  let page: WebPage;
  const text = (name: string) => readFile(join(dir, name), 'utf8');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jointspace-web-'));
    await writeFile(join(dir, 'keep.txt'), 'not the build’s');
    page = await buildWebPage(dir);
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the page, its script, its styles and _headers (and leaves the rest alone)', async () => {
    expect(WEB_PAGE_DIR).toBe('dist/web');
    expect(page.dir).toBe(dir);
    expect(page.files.map((f) => f.name).sort()).toEqual([
      '_headers',
      'index.html',
      'main.js',
      'styles.css',
    ]);
    expect((await readdir(dir)).sort()).toEqual([
      '_headers',
      'index.html',
      'keep.txt',
      'main.js',
      'styles.css',
    ]);
    for (const f of page.files) {
      expect(Buffer.from(await readFile(join(dir, f.name))).equals(Buffer.from(f.bytes))).toBe(
        true,
      );
    }
  });

  it('loads only what it wrote, from this server', async () => {
    const html = await text('index.html');
    expect(html).toContain('<script type="module" src="/main.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/styles.css" />');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('bundles the script with nothing from outside and no graphql runtime, minified and small', async () => {
    const js = await text('main.js');
    expect(js).not.toMatch(/\bimport\s*\(?\s*["'`]/); // one file: no import left at all
    expect(js).not.toMatch(/["'`]https?:\/\/[^"'`]*\.m?js["'`]/);
    expect(js).not.toMatch(/GraphQLError|graphql\/language/);
    // Text from the API goes in as text: no HTML parsing anywhere in the page.
    expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect(js).toContain('x-graphql-csrf');
    expect(js).not.toMatch(/\/\*\*|^\s*\/\//m); // minified: no comments
    expect(js.length).toBeLessThan(40 * KIB);
    const css = await text('styles.css');
    expect(css).toContain(':focus-visible');
    expect(css).not.toMatch(/@import|url\(\s*["']?https?:/);
  });

  it('gives every asset a strict Content-Security-Policy and the other headers', async () => {
    const headers = await text('_headers');
    expect(headers).toBe(headersFile());
    expect(headers.startsWith('/*\n')).toBe(true);
    const csp = PAGE_HEADERS['Content-Security-Policy'];
    expect(headers).toContain(`  Content-Security-Policy: ${csp}\n`);
    for (const directive of [
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' https: data:",
      "connect-src 'self'",
      "frame-ancestors 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(headers).toContain('  X-Content-Type-Options: nosniff\n');
    expect(headers).toMatch(/^ {2}Referrer-Policy: \S+$/m);
  });

  it('writes the same bytes every time', async () => {
    const again = await buildWebPage(dir);
    expect(again.files.map((f) => [f.name, Buffer.from(f.bytes).toString('base64')])).toEqual(
      page.files.map((f) => [f.name, Buffer.from(f.bytes).toString('base64')]),
    );
  });
});

describe('a page that does not build', () => {
  it('fails with the file, the line and what is wrong', async () => {
    const source = await mkdtemp(join(tmpdir(), 'jointspace-web-src-'));
    const out = await mkdtemp(join(tmpdir(), 'jointspace-web-out-'));
    try {
      await writeFile(join(source, 'main.ts'), "import { gone } from './gone.ts';\ngone();\n");
      await writeFile(join(source, 'styles.css'), 'body { margin: 0 }\n');
      await writeFile(join(source, 'index.html'), '<!doctype html>\n');
      const error = await buildWebPage(out, source).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WebPageBuildError);
      expect((error as Error).message).toMatch(/^the web page did not build:\n/);
      expect((error as Error).message).toMatch(/main\.ts:1:\d+: Could not resolve "\.\/gone\.ts"/);
      expect(await readdir(out)).toEqual([]);
    } finally {
      await rm(source, { recursive: true, force: true });
      await rm(out, { recursive: true, force: true });
    }
  });
});
