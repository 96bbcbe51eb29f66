import { join } from 'node:path';
import { FLAT_INDEX_ENCODINGS } from '../../core/model-files.ts';
import { GRAPHIQL_PAGE_KEY } from '../../core/r2-layout.ts';
import { stopWasmThreads } from '../../trainer/tf/wasm-threads.ts';
import { writeOfflineGraphiQL } from '../local/graphiql-page.ts';
import { DEFAULT_LOCAL_PATHS, prepareLocalModels } from '../local/local-models.ts';
import { localR2Objects } from '../local/r2-objects.ts';
import { seedLocalR2 } from '../local/seed-r2.ts';
import { localWorkerVars, startWranglerDev } from '../local/serve.ts';
import { command } from '../options/command.ts';
import { oneOf, wholeNumber } from '../options/kinds.ts';
import { option, toggle } from '../options/option-table.ts';

const group = 'Options';

/** Every flag the command takes. */
export const START_OPTIONS = {
  port: option({
    flag: 'port',
    kind: wholeNumber({ min: 1, max: 65535 }),
    default: 8787,
    help: 'where the worker listens',
    group,
  }),
  vectors: option({
    flag: 'vectors',
    value: 'E',
    kind: oneOf(FLAT_INDEX_ENCODINGS),
    default: 'float32',
    help: 'how the flat index stores vectors; int8 is 4x smaller',
    group,
  }),
  noServe: toggle({
    flag: 'no-serve',
    help: 'prepare and seed only, do not start the worker',
    group,
  }),
};

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

export const startCommand = command({
  name: 'start',
  title: 'the local default, end to end (what `npm start` runs)',
  usage: ['jointspace start [--port 8787] [--vectors float32|int8] [--no-serve]'],
  about: `Makes the demo world (data/demo), trains a small model per space if runs/ has none
(retrieval: LSTM, regularities: bag of words), exports them to artifacts/, puts the model
files and vectors into the local R2 bucket that \`wrangler dev\` simulates (.wrangler/state),
starts the worker locally and prints the GraphiQL address. No Cloudflare account, no network.
Each step is skipped when its result is already there; Ctrl-C stops the worker.`,
  options: START_OPTIONS,
  async run({ values }) {
    const { port, vectors: encoding } = values;
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
    if (values.noServe) {
      console.log(
        `Ready to serve: ${Object.entries(localWorkerVars(versions, encoding))
          .map(([name, value]) => `${name}=${value}`)
          .join(' ')}`,
      );
      return;
    }
    log('Starting the worker (wrangler dev, local mode) ...');
    const server = await startWranglerDev({
      port,
      vars: localWorkerVars(versions, encoding),
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
  },
});

export const START_HELP = startCommand.help;
