/**
 * The groups of flags several commands share, declared once so that each means the same thing
 * everywhere it appears, and what the commands make of them.
 */

import { existsSync } from 'node:fs';
import type { DatasetFormat, SplitName } from '../../trainer/data/dataset.ts';
import { DATASET_FORMATS, type LoadOptions } from '../../trainer/data/load.ts';
import { HASH_SPLIT_TEXT } from '../../trainer/data/picture-folder.ts';
import type { ProgressStream } from '../../trainer/report/progress.ts';
import {
  BACKEND_CHOICES,
  type BackendChoice,
  type BackendReport,
  defaultThreads,
  describeBackend,
  selectBackend,
} from '../../trainer/tf/backend.ts';
import { RUN_FILES } from '../../trainer/train/run-files.ts';
import { featureComputer } from './feature-options.ts';
import { oneOf, text, UsageError, wholeNumber } from './kinds.ts';
import { option, toggle } from './option-table.ts';

/** Where the data is: train, evaluate, export. */
export const DATA_OPTIONS = {
  data: option({
    flag: 'data',
    kind: text('PATH'),
    required: '(e.g. --data data/demo)',
    help: `a demo world folder, a Karpathy dataset_*.json (or its folder) with row-aligned features (.npy or vgg_feats.mat), a VSE++ precomp folder, or a folder of photos with captions.txt (file<TAB>caption; splits by splits.json, else ${HASH_SPLIT_TEXT}; its features.npy is computed when missing)`,
    group: 'Data',
  }),
  format: option({
    flag: 'format',
    kind: oneOf(DATASET_FORMATS),
    defaultText: 'detected',
    help: 'the dataset format',
    group: 'Data',
  }),
  features: option({
    flag: 'features',
    kind: text('FILE'),
    defaultText: 'the one .npy / .mat beside the JSON',
    help: 'Karpathy features file',
    group: 'Data',
  }),
};

/** Which trained model: evaluate, export. */
export const CHECKPOINT_OPTIONS = {
  run: option({
    flag: 'run',
    kind: text('DIR'),
    help: 'a training run folder (uses its best.ckpt)',
    group: 'Model',
  }),
  checkpoint: option({
    flag: 'checkpoint',
    kind: text('FILE'),
    help: 'or a checkpoint file',
    group: 'Model',
  }),
};

/** The compute backend: train, evaluate, export. */
export const BACKEND_OPTIONS = {
  backend: option({
    flag: 'backend',
    kind: oneOf(BACKEND_CHOICES),
    default: 'auto',
    help: 'the compute backend; auto: the best that starts',
    group: 'Run',
  }),
  threads: option({
    flag: 'threads',
    kind: wholeNumber({ min: 1 }),
    default: defaultThreads(),
    defaultText: `one per core, ${defaultThreads()} here`,
    help: 'wasm threads',
    group: 'Run',
  }),
};

/** Progress bars on stderr: the commands that draw them (train, export). */
export const PROGRESS_OPTIONS = {
  noProgress: toggle({ flag: 'no-progress', help: 'no progress bars', group: 'Run' }),
};

/** The checkpoint --checkpoint or --run names (a run folder's best.ckpt), which must exist. */
export function checkpointPath(values: {
  readonly run: string | undefined;
  readonly checkpoint: string | undefined;
}): string {
  const path = values.checkpoint ?? (values.run ? RUN_FILES(values.run).best : undefined);
  if (!path) throw new UsageError('--run or --checkpoint is required');
  if (!existsSync(path)) throw new UsageError(`${path} does not exist`);
  return path;
}

/**
 * loadDataset's options from the data flags. With the backend flags too (train, evaluate,
 * export), a folder of photos without features gets them computed on that backend first.
 */
export function loadOptions(
  values: {
    readonly format: DatasetFormat | undefined;
    readonly features: string | undefined;
    readonly backend?: BackendChoice;
    readonly threads?: number;
    readonly noProgress?: boolean;
  },
  splits?: SplitName[],
): LoadOptions {
  const { backend, threads, noProgress } = values;
  return {
    ...(values.format !== undefined ? { format: values.format } : {}),
    ...(values.features !== undefined ? { features: values.features } : {}),
    ...(splits ? { splits } : {}),
    ...(backend !== undefined && threads !== undefined
      ? { computeFeatures: featureComputer({ backend, threads, noProgress: noProgress === true }) }
      : {}),
  };
}

/** Starts the backend the flags ask for and says on stderr which runs and why. */
export async function startBackend(values: {
  readonly backend: BackendChoice;
  readonly threads: number;
}): Promise<BackendReport> {
  const report = await selectBackend(values.backend, { threads: values.threads });
  process.stderr.write(`${describeBackend(report)}\n`);
  return report;
}

/** Draws nothing: not a terminal, so Progress only writes (plain lines) to it. */
export const QUIET_STREAM: ProgressStream = { write: () => true, isTTY: false };

/** Where progress bars draw: stderr, or nowhere with --no-progress. */
export function progressStream(values: { readonly noProgress: boolean }): ProgressStream {
  return values.noProgress ? QUIET_STREAM : process.stderr;
}
