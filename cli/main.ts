#!/usr/bin/env node
// jointspace's command line: `jointspace <command> [options]` (via `npm run jointspace --`).
import { Interrupted, UsageError } from './options/kinds.ts';

type Run = (argv: string[]) => Promise<void>;

/**
 * Each command's module is loaded only when that command runs: they pull in TensorFlow.js,
 * Miniflare, esbuild or wrangler's config, and `jointspace --help` (or a mistyped flag) should
 * not wait for all of them.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Run> }> = {
  'demo-world': {
    summary: 'write the synthetic demo dataset',
    load: async () => (await import('./commands/demo-world.ts')).demoWorldCommand,
  },
  features: {
    summary: "CNN features of a folder of photos or a dataset's pictures (resumable)",
    load: async () => (await import('./commands/features.ts')).featuresCommand,
  },
  train: {
    summary: 'train a model (lstm, gru, bow, mean) on a dataset',
    load: async () => (await import('./commands/train.ts')).trainCommand,
  },
  evaluate: {
    summary: 'score a trained model on a split (R@K, median rank)',
    load: async () => (await import('./commands/evaluate.ts')).evaluateCommand,
  },
  export: {
    summary: 'write a model version: ONNX encoders, vectors (NDJSON, flat index), manifest',
    load: async () => (await import('./commands/export.ts')).exportCommand,
  },
  start: {
    summary: 'the local default: demo models trained, exported, served with the search page',
    load: async () => (await import('./commands/start.ts')).startCommand,
  },
  serve: {
    summary: 'serve two exported model versions of your own locally, with their pictures',
    load: async () => (await import('./commands/serve.ts')).serveCommand,
  },
  deploy: {
    summary: 'put a model version live on Cloudflare (R2, Vectorize, the worker); --rollback',
    load: async () => (await import('./commands/deploy.ts')).deployCommand,
  },
};

const HELP = `Usage: jointspace <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`)
  .join('\n')}

Run 'jointspace <command> --help' for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    console.log(HELP);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`Unknown command ${JSON.stringify(name)}.\n\n${HELP}`);
    return 2;
  }
  try {
    const run = await command.load();
    await run(rest);
    return 0;
  } catch (e) {
    // Mistakes in the call (and parseArgs' own, which carry a code) get a message, not a stack.
    const err = e as Error & { code?: string };
    if (e instanceof Interrupted) {
      console.error(`jointspace ${name}: ${err.message}`);
      return 130;
    }
    if (e instanceof UsageError || err.code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(
        `jointspace ${name}: ${err.message}\nRun 'jointspace ${name} --help' for usage.`,
      );
      return 2;
    }
    console.error(`jointspace ${name}: ${err.message}`);
    if (process.env.JOINTSPACE_DEBUG) console.error(err.stack);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
