import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FLAT_INDEX_ENCODINGS } from '../../core/flat-index.ts';
import { GRAPHIQL_PAGE_KEY } from '../../core/r2-layout.ts';
import { stopWasmThreads } from '../../trainer/tf/wasm-threads.ts';
import { writeOfflineGraphiQL } from '../local/graphiql-page.ts';
import { DEFAULT_LOCAL_PATHS, prepareLocalModels } from '../local/local-models.ts';
import { localR2Objects } from '../local/r2-objects.ts';
import { seedLocalR2 } from '../local/seed-r2.ts';
import { startWranglerDev } from '../local/serve.ts';
import { atLeast, oneOf } from './args.ts';

export const START_HELP = `jointspace start: the local default, end to end (what \`npm start\` runs)

  jointspace start [--port 8787] [--vectors float32|int8] [--no-serve]

Makes the demo world (data/demo), trains a small model per space if runs/ has none
(retrieval: LSTM, regularities: bag of words), exports them to artifacts/, puts the model
files and vectors into the local R2 bucket that \`wrangler dev\` simulates (.wrangler/state),
starts the worker locally and prints the GraphiQL address. No Cloudflare account, no network.
Each step is skipped when its result is already there; Ctrl-C stops the worker.

  --port N          where the worker listens (default 8787)
  --vectors E       how the flat index stores vectors: float32 (default) or int8 (4x smaller)
  --no-serve        prepare and seed only, do not start the worker
  -h, --help`;

const BUCKET = 'jointspace-models';

function banner(url: string, versions: { retrieval: string; regularities: string }): string {
  return `
jointspace is running locally.

  GraphiQL   ${url}/graphql
  models     ${versions.retrieval} (retrieval: search, annotate)
             ${versions.regularities} (regularities: analogy)

Try, in GraphiQL:
  { search(text: "two red cars in the snow", first: 4) { edges { score node { id file } } } }
  { annotate(image: { id: "demo_000001.svg" }, first: 3) { edges { score node { text } } } }
  { analogy(imageId: "demo_000001.svg", minus: ["red"], plus: ["blue"]) { matches { rank score node { id } } } }
or with curl:
  curl -s ${url}/graphql -H 'content-type: application/json' \\
    -d '{"query":"{ search(text: \\"a dog on the beach\\", first: 3) { edges { score node { id } } } }"}'

Ctrl-C stops it.
`;
}

export async function startCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      vectors: { type: 'string' },
      'no-serve': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(START_HELP);
    return;
  }
  const port = atLeast('--port', values.port, 8787, 1);
  const encoding = oneOf('--vectors', values.vectors, FLAT_INDEX_ENCODINGS, 'float32');
  const log = (line: string) => process.stderr.write(`${line}\n`);

  let versions: { retrieval: string; regularities: string };
  try {
    versions = await prepareLocalModels(DEFAULT_LOCAL_PATHS, log);
  } finally {
    await stopWasmThreads();
  }
  log(`Seeding the local R2 bucket (${encoding} vectors) ...`);
  const objects = await localR2Objects(DEFAULT_LOCAL_PATHS.artifacts, versions, encoding);
  // GraphiQL with its scripts inline: the browser needs no CDN either.
  const graphiql = join(DEFAULT_LOCAL_PATHS.artifacts, 'graphiql.html');
  await writeOfflineGraphiQL(graphiql);
  objects.push({ key: GRAPHIQL_PAGE_KEY, path: graphiql });
  await seedLocalR2(BUCKET, objects, { log });
  if (values['no-serve']) {
    console.log(
      `Ready to serve: RETRIEVAL_MODEL=${versions.retrieval} REGULARITIES_MODEL=${versions.regularities}`,
    );
    return;
  }
  log('Starting the worker (wrangler dev, local mode) ...');
  const server = await startWranglerDev({
    port,
    vars: { RETRIEVAL_MODEL: versions.retrieval, REGULARITIES_MODEL: versions.regularities },
    showOutput: true,
  });
  // Load the models now, so the first person to query does not wait for it.
  await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ models { retrieval { version } } }' }),
  }).catch(() => undefined);
  console.log(banner(server.url, versions));
  const stop = () => void server.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise<void>((resolve) => server.process.once('exit', () => resolve()));
}
