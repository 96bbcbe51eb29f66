import { existsSync } from 'node:fs';
import type { SplitName } from '../../trainer/data/dataset.ts';
import { DATASET_FORMATS, type LoadOptions } from '../../trainer/data/load.ts';
import {
  BACKEND_CHOICES,
  type BackendReport,
  defaultThreads,
  describeBackend,
  selectBackend,
} from '../../trainer/tf/backend.ts';
import { stopWasmThreads } from '../../trainer/tf/wasm-threads.ts';
import { RUN_FILES } from '../../trainer/train/run-files.ts';
import { atLeast, oneOf, UsageError } from './args.ts';

/** The flags that say where the data is, shared by train and evaluate. */
export const DATA_FLAGS = {
  data: { type: 'string' },
  format: { type: 'string' },
  features: { type: 'string' },
} as const;

/** The flags that name a trained model, shared by evaluate and export. */
export const CHECKPOINT_FLAGS = {
  run: { type: 'string' },
  checkpoint: { type: 'string' },
} as const;

/**
 * The checkpoint the flags name (a run folder's best.ckpt, or a file), which must exist, and
 * the --data path, which is required wherever a checkpoint is used.
 */
export function checkpointAndData(values: {
  run?: string | undefined;
  checkpoint?: string | undefined;
  data?: string | undefined;
}): { path: string; data: string } {
  const path = values.checkpoint ?? (values.run ? RUN_FILES(values.run).best : undefined);
  if (!path) throw new UsageError('--run or --checkpoint is required');
  if (!existsSync(path)) throw new UsageError(`${path} does not exist`);
  if (!values.data) throw new UsageError('--data is required');
  return { path, data: values.data };
}

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
