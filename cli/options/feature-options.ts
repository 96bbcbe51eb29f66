/**
 * Computing CNN features from the command line: the flags of `jointspace features`, and the one
 * way both it and train / evaluate / export (on a folder of photos without features) run the
 * CNN: the backend, the model, the progress bar, Ctrl-C, and errors that say what to do next.
 */

import type { ComputeFeatures, FeatureJob } from '../../trainer/data/load.ts';
import { DEFAULT_EXTRACTOR, extractFeatures, loadCnn } from '../../trainer/pictures/cnn.ts';
import { computeFeatures, type FeatureRunResult } from '../../trainer/pictures/compute-features.ts';
import type { OpenPolicy } from '../../trainer/pictures/feature-file.ts';
import { PictureError } from '../../trainer/pictures/read-picture.ts';
import type { ProgressStream } from '../../trainer/report/progress.ts';
import { type BackendChoice, describeBackend, selectBackend } from '../../trainer/tf/backend.ts';
import { StopRequest } from '../../trainer/train/interrupt.ts';
import { Interrupted, oneOf, wholeNumber } from './kinds.ts';
import { option, toggle } from './option-table.ts';

export const ON_ERROR_CHOICES = ['stop', 'skip'] as const;
export type OnError = (typeof ON_ERROR_CHOICES)[number];

/** The flags of `jointspace features` that say how (the backend's are shared-options.ts's). */
export const FEATURE_OPTIONS = {
  batch: option({
    flag: 'batch',
    kind: wholeNumber({ min: 1, max: 256, maxReason: 'a batch of 256 pictures takes about 1 GB' }),
    default: 10,
    help: 'pictures per CNN call',
    group: 'Features',
  }),
  onError: option({
    flag: 'on-error',
    value: 'WHAT',
    kind: oneOf(ON_ERROR_CHOICES),
    default: 'stop',
    help: 'a picture that cannot be read: stop, naming it; or skip it, listing it at the end and in the sidecar (--images and folders leave it out; with a Karpathy file its row is zeros and train leaves the image out)',
    group: 'Features',
  }),
  restart: toggle({
    flag: 'restart',
    help: 'start over: discard work under way, or a finished --out, even one made for another list of pictures',
    group: 'Features',
  }),
};

/** What runFeatureJob needs of the parsed flags. */
export interface FeatureSettings {
  readonly backend: BackendChoice;
  readonly threads: number;
  readonly noProgress?: boolean;
  readonly batch: number;
  readonly onError: OnError;
  readonly policy: OpenPolicy;
  /** How to go on past a picture that cannot be read, told when one stops the run. */
  readonly skipHint: string;
}

/** Draws nothing: the progress bar with --no-progress. */
const NO_PROGRESS: ProgressStream = { write: () => true, isTTY: false };

const say = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Runs a features job with the default CNN on the backend already started; Ctrl-C stops it
 * after the current batch (Interrupted: exit 130, the work kept for the next run).
 */
export async function runFeatureJob(
  job: FeatureJob,
  settings: FeatureSettings,
): Promise<FeatureRunResult> {
  const cnn = await loadCnn();
  const stop = StopRequest.listen(
    say,
    'stopping after this batch (Ctrl-C again to quit at once; the batches done are kept)',
  );
  let result: FeatureRunResult;
  try {
    result = await computeFeatures({
      job,
      extractor: {
        id: DEFAULT_EXTRACTOR.id,
        featureDim: DEFAULT_EXTRACTOR.featureDim,
        extract: (pictures) => extractFeatures(cnn, pictures),
      },
      batch: settings.batch,
      onError: settings.onError,
      policy: settings.policy,
      stopRequested: () => stop.requested,
      progress: settings.noProgress ? NO_PROGRESS : process.stderr,
    });
  } catch (e) {
    if (!(e instanceof PictureError)) throw e;
    throw new Error(
      `${e.message}\n  (the pictures before it are saved: fix it and run the same command again, or ${settings.skipHint})`,
      { cause: e },
    );
  } finally {
    stop.dispose();
  }
  if (result.status === 'stopped') {
    throw new Interrupted(
      `stopped after ${result.done} of ${result.total} pictures; run the same command again to go on (nothing done is computed twice)`,
    );
  }
  reportSkipped(result);
  return result;
}

/** Every picture that could not be read, one a line, on stderr. */
export function reportSkipped(result: Pick<FeatureRunResult, 'skipped'>): void {
  const { skipped } = result;
  if (skipped.length === 0) return;
  const lines = skipped.map((s) => `  ${s.file}: ${s.reason}`);
  say(
    `skipped ${skipped.length} picture${skipped.length === 1 ? '' : 's'} that could not be read:\n${lines.join('\n')}`,
  );
}

/**
 * The loaders' hook for a folder of photos without (complete) features: starts the backend the
 * flags ask for, says what it computes and why, and computes it. Work under way for an older
 * list of the folder's pictures is replaced: the folder's features.npy is jointspace's own.
 */
export function featureComputer(values: {
  readonly backend: BackendChoice;
  readonly threads: number;
  readonly noProgress?: boolean;
}): ComputeFeatures {
  return async (job) => {
    const backend = await selectBackend(values.backend, { threads: values.threads });
    say(
      `features: ${job.why}; computing them for ${job.files.length} pictures into ${job.out} (resumable)\n${describeBackend(backend)}`,
    );
    await runFeatureJob(job, {
      ...values,
      batch: FEATURE_OPTIONS.batch.read(undefined),
      onError: 'stop',
      policy: { restart: false, otherList: 'replace' },
      skipHint: `run jointspace features --data ${job.imagesDir} --on-error skip to leave such pictures out`,
    });
  };
}
