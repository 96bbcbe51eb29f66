import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import type { RankingMetrics } from '../../core/metrics.ts';
import type { Dataset, SplitData } from '../data/dataset.ts';
import { evaluateSplit } from '../evaluate/evaluate.ts';
import type { EncoderKind, TrainConfig } from '../model/config.ts';
import { encodeCaptions, packBatch } from '../model/token-batch.ts';
import { JsonlLog } from '../report/jsonl-log.ts';
import { writeTrainingPlot } from '../report/plot.ts';
import { Progress } from '../report/progress.ts';
import { valRecordOf } from '../report/records.ts';
import { epochBatches } from './batches.ts';
import {
  type CheckpointHeader,
  restoreOptimizer,
  saveCheckpoint,
  snapshot,
  type TrainingProgress,
} from './checkpoint.ts';
import { unitRows } from './features.ts';
import { StopRequest } from './interrupt.ts';
import { RUN_FILES } from './run-files.ts';
import { startRun } from './run-start.ts';
import { gatherRows, trainingUpdate } from './update.ts';

export interface TrainRequest {
  dataset: Dataset;
  encoder: EncoderKind;
  wordDim: number;
  jointDim: number;
  train: TrainConfig;
  runDir: string;
  /** Continue from runDir's latest checkpoint (configs come from it). */
  resume: boolean;
  /**
   * On resume, which of train.epochs / train.maxUpdates the caller set on purpose; the others
   * keep the run's own values. Default: both set (the values in `train` win).
   */
  limitsGiven?: { epochs: boolean; maxUpdates: boolean };
  backend: string;
  /** Where progress lines and notes go (default stderr). */
  log?: (line: string) => void;
  /** Show the progress bar (default true). */
  progress?: boolean;
}

export interface TrainResult {
  progress: TrainingProgress;
  best?: RankingMetrics;
  /** Mean wall-clock seconds per update in this session (validation excluded). */
  secondsPerBatch: number;
  stoppedEarly: boolean;
}

/**
 * Trains a model on the dataset's train split, scoring the val split every
 * `validateEvery` updates and keeping the best model by the sum of the six recalls.
 * Writes into runDir: latest.ckpt (everything needed to resume), best.ckpt, log.jsonl and
 * curves.svg. Ctrl-C stops after the current update with a checkpoint written.
 */
/**
 * Trains a model on the dataset's train split, scoring the val split every
 * `validateEvery` updates and keeping the best model by the sum of the six recalls.
 * Writes into runDir: latest.ckpt (everything needed to resume), best.ckpt, log.jsonl and
 * curves.svg. Ctrl-C stops after the current update with a checkpoint written.
 */
export async function train(request: TrainRequest): Promise<TrainResult> {
  const say = request.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { dataset, runDir } = request;
  const trainSplit = dataset.splits.train;
  if (!trainSplit) throw new Error(`${dataset.source} has no train split`);
  const valSplit: SplitData | undefined = dataset.splits.val;
  if (!valSplit) say('note: no val split; the last model is kept as the best');
  await mkdir(runDir, { recursive: true });
  const files = RUN_FILES(runDir);

  const { config, vocab, model, progress, resumed } = await startRun(
    request,
    trainSplit,
    runDir,
    say,
  );
  const optimizer = tf.train.adam(config.learningRate);
  if (resumed) await restoreOptimizer(optimizer, model, resumed);
  const header = (): CheckpointHeader => ({
    model: model.config,
    train: config,
    vocabulary: vocab.toJSON(),
    progress,
    dataset: { name: dataset.name, format: dataset.format, source: dataset.source },
    backend: request.backend,
    createdAt: new Date().toISOString(),
  });

  const captions = encodeCaptions(
    trainSplit.tokens,
    trainSplit.captionImage,
    vocab,
    config.maxLength,
  );
  const lengths = Int32Array.from(captions.ids, (ids) => ids.length);
  const features = unitRows(trainSplit.features, trainSplit.dim);
  const batchesPerEpoch = epochBatches(lengths, config.batchSize, config.seed, 0).length;
  const log = await JsonlLog.open(files.log, { append: request.resume });
  await log.write({
    kind: 'run',
    resumed: request.resume,
    update: progress.update,
    model: model.config,
    train: config,
    backend: request.backend,
    dataset: dataset.source,
    at: new Date().toISOString(),
  });
  const stop = StopRequest.listen(say);
  const bar =
    request.progress === false
      ? undefined
      : new Progress({
          total: plannedUpdates(config, batchesPerEpoch),
          label: 'training',
          unit: 'updates',
          start: progress.update,
        });
  let best: RankingMetrics | undefined;
  let sessionSeconds = 0;
  let sessionUpdates = 0;

  /** Scores val; a better rsum than ever is kept as best.ckpt. */
  const validate = async () => {
    if (!valSplit) return;
    const metrics = await evaluateSplit(model, valSplit, vocab, config.maxLength);
    // 1-based; after the last epoch the counter has moved past it, and the update is still its.
    const epoch = Math.min(progress.epoch + 1, config.epochs);
    await log.write(valRecordOf(metrics, progress.update, epoch));
    if (metrics.rsum > progress.bestRsum) {
      progress.bestRsum = metrics.rsum;
      progress.bestUpdate = progress.update;
      best = metrics;
      await saveCheckpoint(files.best, await snapshot(model, undefined, header()));
    }
    const line = `update ${progress.update}: val rsum ${metrics.rsum.toFixed(1)} (best ${progress.bestRsum.toFixed(1)} at update ${progress.bestUpdate})`;
    if (bar) bar.note(line);
    else say(line);
  };
  const checkpoint = async () => {
    await saveCheckpoint(files.latest, await snapshot(model, optimizer, header()));
    await writeTrainingPlot(files.log, files.plot);
  };

  try {
    outer: for (; progress.epoch < config.epochs; progress.epoch++, progress.batchInEpoch = 0) {
      const batches = epochBatches(lengths, config.batchSize, config.seed, progress.epoch);
      while (progress.batchInEpoch < batches.length) {
        if (stop.requested || reachedMaxUpdates(config, progress)) break outer;
        const indices = batches[progress.batchInEpoch] as number[];
        const started = performance.now();
        const imageRows = Int32Array.from(indices, (c) => captions.image[c] as number);
        const { loss, lossSum } = await trainingUpdate(
          model,
          optimizer,
          {
            batch: packBatch(captions.ids, indices),
            features: gatherRows(features, trainSplit.dim, imageRows),
            featureDim: trainSplit.dim,
            imageRows,
          },
          config,
        );
        const seconds = (performance.now() - started) / 1000;
        sessionSeconds += seconds;
        sessionUpdates++;
        progress.seconds += seconds;
        progress.update++;
        progress.batchInEpoch++;
        const epoch = progress.epoch + 1;
        await log.write({ kind: 'train', update: progress.update, epoch, loss, lossSum, seconds });
        if (!Number.isFinite(loss))
          throw new Error(`loss became ${loss} at update ${progress.update}; lower --lr`);
        bar?.update(progress.update, {
          epoch: `${epoch}/${config.epochs}`,
          loss,
          's/batch': sessionSeconds / sessionUpdates,
          best: progress.bestRsum >= 0 ? progress.bestRsum : '-',
        });
        if (progress.update % config.validateEvery === 0) {
          await validate();
          await checkpoint();
        }
      }
    }
    // The last updates since a validation still count: score them (or, without val, keep them).
    if (progress.update !== progress.bestUpdate || !existsSync(files.best)) {
      if (valSplit && progress.update % config.validateEvery !== 0) await validate();
      if (!valSplit) await saveCheckpoint(files.best, await snapshot(model, undefined, header()));
    }
    await checkpoint();
    bar?.finish(stop.requested ? 'stopped; resume with --resume' : 'done');
  } finally {
    stop.dispose();
    await log.close();
    model.dispose();
    optimizer.dispose();
  }
  return {
    progress,
    ...(best ? { best } : {}),
    secondsPerBatch: sessionUpdates > 0 ? sessionSeconds / sessionUpdates : 0,
    stoppedEarly: stop.requested,
  };
}

/** Updates the run will make in all: its epochs, or fewer when maxUpdates stops it sooner. */
function plannedUpdates(config: TrainConfig, batchesPerEpoch: number): number {
  const all = config.epochs * batchesPerEpoch;
  return config.maxUpdates > 0 ? Math.min(config.maxUpdates, all) : all;
}

function reachedMaxUpdates(config: TrainConfig, progress: TrainingProgress): boolean {
  return config.maxUpdates > 0 && progress.update >= config.maxUpdates;
}
