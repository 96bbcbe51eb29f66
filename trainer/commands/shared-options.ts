import type { SplitName } from '../data/dataset.ts';
import { DATASET_FORMATS, type LoadOptions } from '../data/load.ts';
import {
  BACKEND_CHOICES,
  type BackendReport,
  defaultThreads,
  describeBackend,
  selectBackend,
} from '../tf/backend.ts';
import { stopWasmThreads } from '../tf/wasm-threads.ts';
import { atLeast, oneOf } from './args.ts';

/** The flags that say where the data is, shared by train and evaluate. */
export const DATA_FLAGS = {
  data: { type: 'string' },
  format: { type: 'string' },
  features: { type: 'string' },
} as const;

/** The flags that choose the compute backend. */
export const BACKEND_FLAGS = {
  backend: { type: 'string' },
  threads: { type: 'string' },
} as const;

export const BACKEND_HELP = `  --backend B         ${BACKEND_CHOICES.join(' | ')} (default auto: the best that starts)
  --threads N         wasm threads (default: one per core, ${defaultThreads()} here)`;

/** loadDataset's options from the data flags. */
export function loadOptions(
  values: { format?: string | undefined; features?: string | undefined },
  splits?: SplitName[],
): LoadOptions {
  return {
    ...(values.format === undefined
      ? {}
      : { format: oneOf('--format', values.format, DATASET_FORMATS, 'karpathy') }),
    ...(values.features ? { features: values.features } : {}),
    ...(splits ? { splits } : {}),
  };
}

/** Starts the backend the flags ask for and says on stderr which runs and why. */
export async function startBackend(values: {
  backend?: string | undefined;
  threads?: string | undefined;
}): Promise<BackendReport> {
  const report = await selectBackend(oneOf('--backend', values.backend, BACKEND_CHOICES, 'auto'), {
    threads: atLeast('--threads', values.threads, defaultThreads(), 1),
  });
  process.stderr.write(`${describeBackend(report)}\n`);
  return report;
}

/**
 * A command that computes with tfjs: when it ends, the wasm pool threads are stopped, as
 * they would otherwise keep the process alive.
 */
export function computeCommand(run: (argv: string[]) => Promise<void>) {
  return async (argv: string[]): Promise<void> => {
    try {
      await run(argv);
    } finally {
      await stopWasmThreads();
    }
  };
}
