import { WRANGLER_STATE } from '../local/seed-r2.ts';
import { type LocalServeOptions, runLocalWorker } from '../local/serve-versions.ts';
import { readVersionPair, VersionPairError } from '../local/version-pair.ts';
import { command } from '../options/command.ts';
import { text, UsageError } from '../options/kinds.ts';
import { option, toggle } from '../options/option-table.ts';
import { servingOptions } from '../options/serving-options.ts';

const versions = 'Model versions';
const serving = 'Serving';

/** Every flag the command takes. */
export const SERVE_OPTIONS = {
  retrieval: option({
    flag: 'retrieval',
    kind: text('DIR'),
    required: '(an exported retrieval version folder, artifacts/<version>)',
    help: 'the version that answers search, annotate and similar',
    group: versions,
  }),
  regularities: option({
    flag: 'regularities',
    kind: text('DIR'),
    required: '(an exported regularities version folder, artifacts/<version>)',
    help: 'the bag-of-words version that answers analogy (same data and images)',
    group: versions,
  }),
  images: option({
    flag: 'images',
    kind: text('DIR'),
    help: 'a folder of pictures named as the images (file names); images without one still answer',
    group: versions,
  }),
  ...servingOptions(serving),
  persistTo: option({
    flag: 'persist-to',
    kind: text('DIR'),
    default: WRANGLER_STATE,
    help: "where the local bucket lives (wrangler dev's --persist-to)",
    group: serving,
  }),
  noServe: toggle({
    flag: 'no-serve',
    help: 'check and seed only, do not start the worker',
    group: serving,
  }),
};

export const serveCommand = command({
  name: 'serve',
  title: 'serve two model versions of your own locally, with their pictures',
  usage: [
    'jointspace serve --retrieval DIR --regularities DIR [--images DIR] [--port 8787]',
    '                 [--vectors float32|int8] [--persist-to DIR] [--no-serve]',
  ],
  about: `What \`npm start\` does for the demo, for any pair of exported model versions: checks that
both folders are model versions whose files match their manifests, that --retrieval is a
retrieval version and --regularities a regularities one, and that they are a pair (the same
data, splits and images); puts their files, and the pictures of --images that are images of the
versions, into the local R2 bucket that \`wrangler dev\` simulates (.wrangler/state); builds the
web page and starts the worker locally. No Cloudflare account, no network.`,
  epilogue: `Example (a model trained on Flickr8k, its 1,000 dev photos as pictures):
  npm run jointspace -- serve --retrieval artifacts/<lstm version> \\
    --regularities artifacts/<bow version> --images ../shared/data/flickr8k/images`,
  options: SERVE_OPTIONS,
  async run({ values }) {
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const pair = await readVersionPair({
      retrieval: values.retrieval,
      regularities: values.regularities,
    }).catch((e: unknown) => {
      // The folders are what the person typed: say what is wrong with them as a usage error.
      throw e instanceof VersionPairError ? new UsageError(e.message) : e;
    });
    const options: LocalServeOptions = {
      pair,
      ...(values.images !== undefined ? { picturesDir: values.images } : {}),
      encoding: values.vectors,
      port: values.port,
      stateDir: values.persistTo,
      showOutput: true,
      log,
    };
    await runLocalWorker(options, values.noServe);
  },
});

export const SERVE_HELP = serveCommand.help;
