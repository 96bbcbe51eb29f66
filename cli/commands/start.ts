import { join } from 'node:path';
import { WORLD_FILES } from '../../trainer/data/demo-world-files.ts';
import { stopWasmThreads } from '../../trainer/tf/wasm-threads.ts';
import {
  DEFAULT_LOCAL_PATHS,
  type LocalVersions,
  prepareLocalModels,
} from '../local/local-models.ts';
import { type LocalServeOptions, runLocalWorker } from '../local/serve-versions.ts';
import { readVersionPair } from '../local/version-pair.ts';
import { command } from '../options/command.ts';
import { toggle } from '../options/option-table.ts';
import { servingOptions } from '../options/serving-options.ts';

const group = 'Options';

/** Every flag the command takes. */
export const START_OPTIONS = {
  ...servingOptions(group),
  noServe: toggle({
    flag: 'no-serve',
    help: 'prepare and seed only, do not start the worker',
    group,
  }),
};

export const startCommand = command({
  name: 'start',
  title: 'the local default, end to end (what `npm start` runs)',
  usage: ['jointspace start [--port 8787] [--vectors float32|int8] [--no-serve]'],
  about: `Makes the demo world (data/demo), trains a small model per space if runs/ has none
(retrieval: LSTM, regularities: bag of words), exports them to artifacts/, puts the model
files, vectors and the demo's pictures into the local R2 bucket that \`wrangler dev\` simulates
(.wrangler/state), builds the web page, starts the worker locally and prints the page's
address. No Cloudflare account, no network. Each step is skipped when its result is already
there; Ctrl-C stops the worker. To serve a model of your own, see \`jointspace serve\`.`,
  options: START_OPTIONS,
  async run({ values }) {
    const { port, vectors: encoding } = values;
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const paths = DEFAULT_LOCAL_PATHS;
    let versions: LocalVersions;
    try {
      versions = await prepareLocalModels(paths, log);
    } finally {
      await stopWasmThreads();
    }
    const pair = await readVersionPair({
      retrieval: join(paths.artifacts, versions.retrieval),
      regularities: join(paths.artifacts, versions.regularities),
    });
    const options: LocalServeOptions = {
      pair,
      // The demo world's pictures: one SVG per image, drawn from its attributes.
      picturesDir: join(paths.data, WORLD_FILES.images),
      encoding,
      port,
      showOutput: true,
      log,
    };
    await runLocalWorker(options, values.noServe);
  },
});

export const START_HELP = startCommand.help;
