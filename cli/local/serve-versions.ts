import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlatIndexEncoding } from '../../core/model-files.ts';
import { GRAPHIQL_PAGE_KEY } from '../../core/r2-layout.ts';
import { writeOfflineGraphiQL } from './graphiql-page.ts';
import { versionPictures } from './pictures.ts';
import { servedObjects } from './r2-objects.ts';
import { type SeedObject, seedLocalR2, WRANGLER_STATE } from './seed-r2.ts';
import { type DevServer, localWorkerVars, startWranglerDev } from './serve.ts';
import type { VersionPair } from './version-pair.ts';
import { buildWebPage } from './web-page.ts';

/**
 * The local worker for a pair of model versions, the steps `npm start` and `jointspace serve`
 * share: the versions' files (checked against their manifests), their pictures and the offline
 * GraphiQL page go into the local R2 bucket; the web page is built; `wrangler dev` starts in
 * local mode (no account, no network) and the models are loaded before anyone asks.
 */

export const LOCAL_BUCKET = 'jointspace-models';

export interface LocalServeOptions {
  pair: VersionPair;
  /** A folder holding the pictures, named as the images' files; none: no pictures are seeded. */
  picturesDir?: string;
  encoding: FlatIndexEncoding;
  port: number;
  /** wrangler dev's state folder (its --persist-to); the default is wrangler's own. */
  stateDir?: string;
  /** Inherit wrangler's output (a person at a terminal) or keep it quiet (tests, benchmarks). */
  showOutput: boolean;
  log: (line: string) => void;
}

/** What goes into the bucket, pictures counted for the log. */
async function bucketObjects(options: LocalServeOptions, scratch: string): Promise<SeedObject[]> {
  const { pair, encoding, log } = options;
  // readVersionPair checked every file against its manifest: not hashed a second time here.
  const objects: SeedObject[] = [
    ...servedObjects(pair.retrieval.dir, pair.retrieval.manifest, encoding),
    ...servedObjects(pair.regularities.dir, pair.regularities.manifest, encoding),
  ];
  if (options.picturesDir !== undefined) {
    const { version } = pair.retrieval.manifest;
    const pictures = await versionPictures(version, pair.retrieval.imageFiles, options.picturesDir);
    const images = new Set(pair.retrieval.imageFiles).size;
    log(
      `Pictures: ${pictures.list.files.length} of the ${images} images have one in ${options.picturesDir}` +
        (pictures.missing > 0
          ? ` (${pictures.missing} without: they answer, with no picture)`
          : ''),
    );
    for (const { file, reason } of pictures.refused) log(`  left out ${file}: ${reason}`);
    objects.push(...pictures.objects);
  }
  // GraphiQL with its scripts inline: the browser needs no CDN either.
  const graphiql = join(scratch, 'graphiql.html');
  await writeOfflineGraphiQL(graphiql);
  objects.push({ key: GRAPHIQL_PAGE_KEY, path: graphiql, contentType: 'text/html' });
  return objects;
}

/** Seeds the bucket and builds the page: everything but starting the worker. */
export async function prepareLocalWorker(options: LocalServeOptions): Promise<void> {
  const { log } = options;
  const scratch = await mkdtemp(join(tmpdir(), 'jointspace-serve-'));
  try {
    log(`Seeding the local R2 bucket (${options.encoding} vectors) ...`);
    const objects = await bucketObjects(options, scratch);
    await seedLocalR2(LOCAL_BUCKET, objects, {
      stateDir: options.stateDir ?? WRANGLER_STATE,
      log,
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  log('Building the web page ...');
  await buildWebPage();
}

export function servedVars(options: LocalServeOptions): Record<string, string> {
  const { pair, encoding } = options;
  return localWorkerVars(
    {
      retrieval: pair.retrieval.manifest.version,
      regularities: pair.regularities.manifest.version,
    },
    encoding,
  );
}

/** Starts the worker on a prepared bucket and loads both models. */
export async function startLocalWorker(options: LocalServeOptions): Promise<DevServer> {
  options.log('Starting the worker (wrangler dev, local mode) ...');
  const server = await startWranglerDev({
    port: options.port,
    vars: servedVars(options),
    showOutput: options.showOutput,
    ...(options.stateDir !== undefined ? { persistTo: options.stateDir } : {}),
  });
  // Load the models now, so the first person to query does not wait for it.
  await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: '{ models { retrieval { version } regularities { version } } }',
    }),
  }).catch(() => undefined);
  return server;
}

/** What a person at the terminal reads once the worker answers. */
export function servingBanner(url: string, pair: VersionPair): string {
  const { retrieval, regularities } = pair;
  const image = retrieval.imageFiles[0] ?? 'IMAGE';
  return `
jointspace is running locally.

  Search page  ${url}/
  GraphiQL     ${url}/graphql
  models       ${retrieval.manifest.version} (retrieval: search, annotate, similar)
               ${regularities.manifest.version} (regularities: analogy)

Try, in GraphiQL:
  { search(text: "two dogs on the beach", first: 4) { edges { score node { id file url } } } }
  { similar(imageId: ${JSON.stringify(image)}, first: 4) { edges { score node { id } } } }
or with curl:
  curl -s ${url}/graphql -H 'content-type: application/json' \\
    -d '{"query":"{ search(text: \\"a dog on the beach\\", first: 3) { edges { score node { id } } } }"}'

Ctrl-C stops it.
`;
}

/** Serves until the worker exits (Ctrl-C, or a signal to this process). */
export async function serveUntilStopped(server: DevServer): Promise<void> {
  const stop = () => void server.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise<void>((resolve) => server.process.once('exit', () => resolve()));
}

/**
 * The whole local run: prepare, then either say what would be served (`--no-serve`) or serve
 * until stopped.
 */
export async function runLocalWorker(options: LocalServeOptions, noServe: boolean): Promise<void> {
  await prepareLocalWorker(options);
  if (noServe) {
    const vars = Object.entries(servedVars(options)).map(([name, value]) => `${name}=${value}`);
    console.log(`Ready to serve: ${vars.join(' ')}`);
    return;
  }
  const server = await startLocalWorker(options);
  console.log(servingBanner(server.url, options.pair));
  await serveUntilStopped(server);
}
