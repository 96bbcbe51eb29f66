import { join } from 'node:path';
import type { FeatureSidecar, SkippedPicture } from '../data/feature-sidecar.ts';
import type { FeatureJob } from '../data/picture-folder.ts';
import { Progress, type ProgressStream } from '../report/progress.ts';
import { type OpenPolicy, openFeatureFile, type PictureOutcome } from './feature-file.ts';
import { PictureError, readPictureFile } from './read-picture.ts';

/**
 * Pictures to a features file, a batch at a time: the next batch is decoded (sharp works on its
 * own threads) while the CNN runs on the current one, every batch is written and recorded
 * before the next (feature-file.ts), and a stop asked for between batches leaves the file to be
 * taken up by running the same thing again. A picture that cannot be read stops the run
 * (after saving the pictures before it) or is skipped, as asked.
 */

/** A CNN as this loop sees it (trainer/pictures/cnn.ts's, or a stand-in in tests). */
export interface Extractor {
  id: string;
  featureDim: number;
  /** Features of 224 x 224 RGB pictures: pictures.length x featureDim, row-major. */
  extract(pictures: readonly Uint8Array[]): Promise<Float32Array>;
}

export interface FeatureRun {
  job: Pick<FeatureJob, 'imagesDir' | 'files' | 'out' | 'skipped'>;
  extractor: Extractor;
  /** Pictures per CNN call. */
  batch: number;
  /** A picture that cannot be read: stop (naming it) or skip it (and list it). */
  onError: 'skip' | 'stop';
  policy: OpenPolicy;
  /** Asked before each batch; true stops the run with the file resumable. */
  stopRequested?: () => boolean;
  /** Where the progress bar draws; none when absent. */
  progress?: ProgressStream;
}

export interface FeatureRunResult {
  /** complete: written now; already-complete: `out` was there for this list; stopped: resumable. */
  status: 'complete' | 'already-complete' | 'stopped';
  total: number;
  /** Pictures done, from the start of the list (all of them unless stopped). */
  done: number;
  /** Where this run started (0, or where an earlier one stopped). */
  resumedAt: number;
  /** Pictures through the CNN in this run. */
  computed: number;
  skipped: readonly SkippedPicture[];
  /** The finished file's sidecar; null when stopped. */
  sidecar: FeatureSidecar | null;
}

type Decoded = { file: string; pixels: Uint8Array } | { file: string; error: unknown };

/** Reads a batch of pictures; never rejects (each failure is that picture's outcome). */
function decodeBatch(imagesDir: string, files: readonly string[]): Promise<Decoded[]> {
  return Promise.all(
    files.map((file) =>
      readPictureFile(join(imagesDir, file), file).then(
        (pixels) => ({ file, pixels }),
        (error: unknown) => ({ file, error }),
      ),
    ),
  );
}

/** A picture's error as the sidecar records it; anything but a PictureError is a real failure. */
function reasonOf(error: unknown): string {
  if (error instanceof PictureError) return error.reason;
  throw error;
}

/** The CNN on the pictures that decoded; the others keep their reason. */
async function withFeatures(decoded: Decoded[], extractor: Extractor): Promise<PictureOutcome[]> {
  const pictures = decoded.flatMap((d) => ('pixels' in d ? [d.pixels] : []));
  const rows = pictures.length > 0 ? await extractor.extract(pictures) : new Float32Array(0);
  const dim = extractor.featureDim;
  if (rows.length !== pictures.length * dim) {
    throw new Error(`the CNN gave ${rows.length} values for ${pictures.length} pictures of ${dim}`);
  }
  let row = 0;
  return decoded.map((d) => {
    if (!('pixels' in d)) return { file: d.file, reason: reasonOf(d.error) };
    const features = rows.slice(row * dim, (row + 1) * dim);
    row++;
    return { file: d.file, features };
  });
}

/** Runs (or takes up, or finds finished) the features of `run.job`; see the top of the file. */
export async function computeFeatures(run: FeatureRun): Promise<FeatureRunResult> {
  const { job, extractor } = run;
  const total = job.files.length;
  const spec = { ...job, extractor: extractor.id, featureDim: extractor.featureDim };
  const opened = await openFeatureFile(spec, run.policy);
  if (opened.kind === 'complete') {
    const { sidecar } = opened;
    const done = { done: total, resumedAt: total, computed: 0, skipped: sidecar.skipped, sidecar };
    return { status: 'already-complete', total, ...done };
  }
  const { file } = opened;
  const resumedAt = file.done;
  const bar = run.progress
    ? new Progress({
        total,
        label: 'features',
        unit: 'pictures',
        start: resumedAt,
        stream: run.progress,
      })
    : undefined;
  const starts: number[] = [];
  for (let at = resumedAt; at < total; at += run.batch) starts.push(at);
  const slice = (k: number) => job.files.slice(starts[k], (starts[k] as number) + run.batch);
  let computed = 0;
  let stopped = false;
  try {
    let next = starts.length > 0 ? decodeBatch(job.imagesDir, slice(0)) : null;
    for (let k = 0; k < starts.length; k++) {
      if (run.stopRequested?.()) {
        stopped = true;
        break;
      }
      const decoded = (await next) as Decoded[];
      next = k + 1 < starts.length ? decodeBatch(job.imagesDir, slice(k + 1)) : null;
      const bad = run.onError === 'stop' ? decoded.findIndex((d) => 'error' in d) : -1;
      const usable = bad >= 0 ? decoded.slice(0, bad) : decoded;
      await file.append(await withFeatures(usable, extractor));
      computed += usable.filter((d) => 'pixels' in d).length;
      const skippedNow = file.skipped.length;
      bar?.update(file.done, skippedNow > 0 ? { skipped: skippedNow } : {});
      if (bad >= 0) throw (decoded[bad] as { error: unknown }).error;
    }
    const sidecar = stopped ? null : await file.finish();
    bar?.finish(stopped ? 'stopped; run the same again to go on' : 'done');
    const counts = { total, done: file.done, resumedAt, computed, skipped: file.skipped };
    return { status: stopped ? 'stopped' : 'complete', ...counts, sidecar };
  } finally {
    bar?.finish('stopped'); // a picture that cannot be read, or a failure: the bar ends its line
    await file.close();
  }
}
