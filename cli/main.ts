#!/usr/bin/env node
// jointspace's command line: `jointspace <command> [options]` (via `npm run jointspace --`).
import { demoWorldCommand } from './commands/demo-world.ts';
import { deployCommand } from './commands/deploy.ts';
import { evaluateCommand } from './commands/evaluate.ts';
import { exportCommand } from './commands/export.ts';
import { serveCommand } from './commands/serve.ts';
import { startCommand } from './commands/start.ts';
import { trainCommand } from './commands/train.ts';
import { UsageError } from './options/kinds.ts';

const COMMANDS: Record<string, { summary: string; run: (argv: string[]) => Promise<void> }> = {
  'demo-world': { summary: 'write the synthetic demo dataset', run: demoWorldCommand },
  train: { summary: 'train a model (lstm, gru, bow, mean) on a dataset', run: trainCommand },
  evaluate: {
    summary: 'score a trained model on a split (R@K, median rank)',
    run: evaluateCommand,
  },
  export: {
    summary: 'write a model version: ONNX encoders, vectors (NDJSON, flat index), manifest',
    run: exportCommand,
  },
  start: {
    summary: 'the local default: demo models trained, exported, served by the worker',
    run: startCommand,
  },
  serve: {
    summary: 'serve two exported model versions of your own locally, with their pictures',
    run: serveCommand,
  },
  deploy: {
    summary: 'put a model version live on Cloudflare (R2, Vectorize, the worker); --rollback',
    run: deployCommand,
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
    await command.run(rest);
    return 0;
  } catch (e) {
    // Mistakes in the call (and parseArgs' own, which carry a code) get a message, not a stack.
    const err = e as Error & { code?: string };
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
