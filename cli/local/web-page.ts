import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Message } from 'esbuild';

/**
 * Builds the web page (web/) into the folder the worker serves as Workers Static Assets
 * (wrangler.toml's [assets] directory): index.html, main.js (web/main.ts bundled and minified),
 * styles.css, and `_headers`, which gives every asset a strict Content-Security-Policy. The same
 * sources always give the same bytes. `npm run build:web` runs it; npm start, serve and deploy
 * build before they start wrangler, and vitest.config.ts before the tests.
 */

export const WEB_PAGE_DIR = 'dist/web';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOURCE_DIR = join(ROOT, 'web');

/**
 * The headers of every static asset (`_headers`; the worker's own answers, /graphql among them,
 * are not assets and keep theirs). Everything the page loads comes from this server; pictures
 * may come from an image base URL elsewhere (https) or be data: URLs, and blob: URLs preview the
 * visitor's own picture (the page makes them from the picked file; no other origin can).
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' https: data: blob:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
};

export class WebPageBuildError extends Error {
  override readonly name = 'WebPageBuildError';
}

export interface WebPageFile {
  /** The file's name in the output folder. */
  name: string;
  bytes: Uint8Array;
}

export interface WebPage {
  /** The output folder, absolute. */
  dir: string;
  files: WebPageFile[];
}

/** `_headers` in the format Workers Static Assets read: a URL pattern, then indented headers. */
export function headersFile(headers: Readonly<Record<string, string>> = PAGE_HEADERS): string {
  const lines = Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`);
  return `/*\n${lines.join('\n')}\n`;
}

function describeMessages(messages: readonly Message[]): string {
  return messages
    .map((m) => {
      const where = m.location
        ? `${m.location.file}:${m.location.line}:${m.location.column}: `
        : '';
      return `${where}${m.text}`;
    })
    .join('\n');
}

function isBuildFailure(error: unknown): error is { errors: Message[] } {
  return typeof error === 'object' && error !== null && Array.isArray(Reflect.get(error, 'errors'));
}

/** main.js and styles.css, bundled and minified by esbuild (in memory). */
async function bundle(sourceDir: string): Promise<WebPageFile[]> {
  try {
    const result = await build({
      absWorkingDir: ROOT,
      entryPoints: { main: join(sourceDir, 'main.ts'), styles: join(sourceDir, 'styles.css') },
      outdir: 'out',
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: ['es2022', 'chrome100', 'firefox100', 'safari16'],
      legalComments: 'none',
      charset: 'utf8',
      write: false,
      logLevel: 'silent',
    });
    return result.outputFiles
      .map((f) => ({ name: f.path.slice(f.path.lastIndexOf('/') + 1), bytes: f.contents }))
      .sort((a, b) => a.name.localeCompare(b.name));
  } catch (error) {
    const detail = isBuildFailure(error) ? describeMessages(error.errors) : String(error);
    throw new WebPageBuildError(`the web page did not build:\n${detail}`);
  }
}

/** Writes a file by renaming a finished copy into place: a reader never sees half of it. */
async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, bytes);
  await rename(partial, path);
}

/**
 * Builds the page into `outDir` (relative to the repository root, or absolute). The file names
 * never change, and each file is replaced on its own, so a wrangler already serving the folder
 * never finds it missing or half written; nothing else in the folder is touched.
 */
export async function buildWebPage(
  outDir: string = WEB_PAGE_DIR,
  sourceDir: string = SOURCE_DIR,
): Promise<WebPage> {
  const dir = resolve(ROOT, outDir);
  const files = [
    ...(await bundle(sourceDir)),
    { name: 'index.html', bytes: await readFile(join(sourceDir, 'index.html')) },
    { name: '_headers', bytes: new TextEncoder().encode(headersFile()) },
  ];
  await mkdir(dir, { recursive: true });
  for (const file of files) await writeAtomically(join(dir, file.name), file.bytes);
  return { dir, files };
}

// `npm run build:web`: build, and say what was written.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const page = await buildWebPage();
    for (const f of page.files) console.log(`  ${f.name.padEnd(12)} ${f.bytes.length} bytes`);
    console.log(`The web page is in ${page.dir}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
