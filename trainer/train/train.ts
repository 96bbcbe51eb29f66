import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import type { RankingMetrics } from '../../core/metrics.ts';
import { Vocabulary } from '../../core/vocabulary.ts';
import type { Dataset, SplitData } from '../data/dataset.ts';
import { evaluateSplit } from '../evaluate/evaluate.ts';
import type { EncoderKind, ModelConfig, TrainConfig } from '../model/config.ts';
import { contrastiveLoss } from '../model/loss.ts';
import { JointModel, paramShapes } from '../model/model.ts';
import { Random } from '../random.ts';
import { JsonlLog } from '../report/jsonl-log.ts';
import { writeTrainingPlot } from '../report/plot.ts';
import { Progress } from '../report/progress.ts';
import type { ValRecord } from '../report/records.ts';
import { encodeCaptions, epochBatches, packBatch } from './batches.ts';
import {
  type Checkpoint,
  type CheckpointHeader,
  loadCheckpoint,
  saveCheckpoint,
  type TrainingProgress,
} from './checkpoint.ts';
import { unitRows } from './features.ts';
import { RUN_FILES } from './run-files.ts';

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

/** A feature matrix of one batch: the rows of its captions' images. */
function gatherRows(features: Float32Array, dim: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => {
    out.set(features.subarray(r * dim, (r + 1) * dim), i * dim);
  });
  return out;
}

/** How many hinge terms the loss adds up: both directions, all other images or the hardest. */
function contrastiveTerms(imageOf: Int32Array, maxViolation: boolean): number {
  if (maxViolation) return 2 * imageOf.length;
  let pairs = 0;
  for (let i = 0; i < imageOf.length; i++) {
    for (let k = 0; k < imageOf.length; k++) if (imageOf[i] !== imageOf[k]) pairs++;
  }
  return Math.max(1, 2 * pairs);
}

/** Scales the gradients so that their global norm is at most `clip` (the authors' 2.0). */
function clipByGlobalNorm(grads: tf.NamedTensorMap, clip: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    const norm = tf.sqrt(tf.addN(squares));
    const scale = tf.div(clip, tf.maximum(norm, clip));
    const out: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) out[name] = tf.mul(g, scale);
    return out;
  });
}

function valRecord(m: RankingMetrics, update: number, epoch: number): ValRecord {
  const pick = (d: RankingMetrics['annotation']) => ({
    r1: d.r1,
    r5: d.r5,
    r10: d.r10,
    medianRank: d.medianRank,
  });
  return {
    kind: 'val',
    update,
    epoch,
    rsum: m.rsum,
    annotation: pick(m.annotation),
    search: pick(m.search),
  };
}

/**
 * Adam's running powers beta1^t and beta2^t. tfjs keeps them as variables updated by one
 * multiplication per step, but its setWeights recomputes them as pow(beta, t + 1), which differs
 * in the last bits: a resumed run would drift from an uninterrupted one. So they are saved and
 * restored as they are. (Private in tfjs's typings, hence the structural access.)
 */
const ADAM_POWERS = ['accBeta1', 'accBeta2'] as const;
const ADAM_POWER_PREFIX = 'adam:';
type AdamPowers = Partial<Record<(typeof ADAM_POWERS)[number], tf.Variable>>;

/** Model and optimizer state as a checkpoint. */
async function snapshot(
  model: JointModel,
  optimizer: tf.Optimizer | undefined,
  header: CheckpointHeader,
): Promise<Checkpoint> {
  const weights = await model.weights();
  const shapes: Record<string, number[]> = {};
  for (const [name, shape] of Object.entries(paramShapes(model.config)))
    shapes[`weights:${name}`] = shape;
  const state: Record<string, Float32Array> = {};
  if (optimizer) {
    for (const { name, tensor } of await optimizer.getWeights()) {
      const relative = name.startsWith(`${model.prefix}/`)
        ? name.slice(model.prefix.length + 1)
        : name;
      // Stored as float32, whatever the dtype: the iteration count is an int32 tensor, whose
      // bytes read back as float32 would be a denormal (so Adam's bias correction restarted).
      state[relative] = Float32Array.from(await tensor.data());
      shapes[`optimizer:${relative}`] = tensor.shape;
    }
    for (const key of ADAM_POWERS) {
      const power = (optimizer as unknown as AdamPowers)[key];
      if (!power) continue;
      state[`${ADAM_POWER_PREFIX}${key}`] = Float32Array.from(await power.data());
      shapes[`optimizer:${ADAM_POWER_PREFIX}${key}`] = [];
    }
  }
  return { header, weights, optimizer: state, shapes };
}

async function restoreOptimizer(
  optimizer: tf.Optimizer,
  model: JointModel,
  checkpoint: Checkpoint,
) {
  const entries = Object.entries(checkpoint.optimizer).filter(
    ([name]) => !name.startsWith(ADAM_POWER_PREFIX),
  );
  if (entries.length === 0) return;
  const tensors = entries.map(([name, values]) => {
    if (name === 'iter' && !Number.isInteger(values[0])) {
      // Written by a version that stored the int32 count's bytes as they were.
      values = Float32Array.from(new Int32Array(values.buffer, values.byteOffset, 1));
    }
    return {
      name: name === 'iter' ? name : `${model.prefix}/${name}`,
      tensor: tf.tensor(values, checkpoint.shapes[`optimizer:${name}`]),
    };
  });
  await optimizer.setWeights(tensors);
  tf.dispose(tensors.map((t) => t.tensor));
  for (const key of ADAM_POWERS) {
    const saved = checkpoint.optimizer[`${ADAM_POWER_PREFIX}${key}`];
    const power = (optimizer as unknown as AdamPowers)[key];
    if (saved && power) tf.tidy(() => power.assign(tf.scalar(saved[0] as number)));
  }
}

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

  let config: TrainConfig = request.train;
  let vocab: Vocabulary;
  let model: JointModel;
  let progress: TrainingProgress;
  let resumed: Checkpoint | undefined;
  if (request.resume) {
    if (!existsSync(files.latest))
      throw new Error(`nothing to resume: ${files.latest} does not exist`);
    resumed = await loadCheckpoint(files.latest);
    // The run's own settings win; only how long to go on may change.
    const given = request.limitsGiven ?? { epochs: true, maxUpdates: true };
    const own = resumed.header.train;
    config = {
      ...own,
      epochs: given.epochs ? request.train.epochs : own.epochs,
      maxUpdates: given.maxUpdates ? request.train.maxUpdates : own.maxUpdates,
    };
    vocab = Vocabulary.fromJSON(resumed.header.vocabulary);
    model = new JointModel(resumed.header.model, resumed.weights);
    progress = { ...resumed.header.progress };
    say(`resuming ${files.latest}: update ${progress.update}, epoch ${progress.epoch + 1}`);
  } else {
    if (existsSync(files.latest)) {
      throw new Error(
        `${runDir} already holds a run; pass --resume to continue it, or choose another --out`,
      );
    }
    vocab = Vocabulary.build(trainSplit.tokens, { minCount: config.minCount });
    const modelConfig: ModelConfig = {
      encoder: request.encoder,
      vocabSize: vocab.size,
      wordDim: request.wordDim,
      jointDim: request.jointDim,
      featureDim: trainSplit.dim,
    };
    say(
      `initialising ${request.encoder} (vocabulary ${vocab.size} words, joint dimension ${request.jointDim})`,
    );
    model = JointModel.create(modelConfig, new Random(config.seed));
    progress = { epoch: 0, batchInEpoch: 0, update: 0, bestRsum: -1, bestUpdate: 0, seconds: 0 };
  }
  if (trainSplit.dim !== model.config.featureDim) {
    throw new Error(
      `the data's features are ${trainSplit.dim}-d, the model expects ${model.config.featureDim}-d`,
    );
  }

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
  const totalUpdates =
    config.maxUpdates > 0
      ? Math.min(config.maxUpdates, config.epochs * batchesPerEpoch)
      : config.epochs * batchesPerEpoch;
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

  let stop = false;
  // One Ctrl-C often arrives twice: from the terminal and relayed by a wrapper (npm, tsx).
  // So only a second one at least a second later quits without saving.
  let stopAskedAt = 0;
  const onSigint = () => {
    if (stop) {
      if (Date.now() - stopAskedAt > 1000) process.exit(130);
      return;
    }
    stop = true;
    stopAskedAt = Date.now();
    say('\nstopping after this update (Ctrl-C again to quit without saving)');
  };
  process.on('SIGINT', onSigint);

  const vars = [...model.variables.values()];
  const bar =
    request.progress === false
      ? undefined
      : new Progress({
          total: totalUpdates,
          label: 'training',
          unit: 'updates',
          start: progress.update,
        });
  let best: RankingMetrics | undefined;
  let sessionSeconds = 0;
  let sessionUpdates = 0;

  const validate = async () => {
    if (!valSplit) return;
    const metrics = await evaluateSplit(model, valSplit, vocab, config.maxLength);
    // 1-based; after the last epoch the counter has moved past it, and the update is still its.
    await log.write(
      valRecord(metrics, progress.update, Math.min(progress.epoch + 1, config.epochs)),
    );
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
      for (; progress.batchInEpoch < batches.length; ) {
        if (stop || (config.maxUpdates > 0 && progress.update >= config.maxUpdates)) break outer;
        const indices = batches[progress.batchInEpoch] as number[];
        const started = performance.now();
        const imageRows = Int32Array.from(indices, (c) => captions.image[c] as number);
        const batch = packBatch(captions.ids, indices);
        const featureBatch = tf.tensor2d(gatherRows(features, trainSplit.dim, imageRows), [
          indices.length,
          trainSplit.dim,
        ]);
        const { value, grads } = tf.variableGrads(
          () =>
            contrastiveLoss(
              model.encodeImages(featureBatch),
              model.encodeSentences(batch),
              imageRows,
              config.margin,
              config.maxViolation,
            ),
          vars,
        );
        const clipped = clipByGlobalNorm(grads, config.gradClip);
        // Typed as a map of Variables, but the optimizer only reads the gradients' values.
        optimizer.applyGradients(clipped as unknown as Record<string, tf.Variable>);
        const lossSum = (await value.data())[0] as number;
        // Per contrastive term, so that batches of different sizes compare on the plot.
        const loss = lossSum / contrastiveTerms(imageRows, config.maxViolation);
        tf.dispose([value, featureBatch, ...Object.values(grads), ...Object.values(clipped)]);
        const seconds = (performance.now() - started) / 1000;
        sessionSeconds += seconds;
        sessionUpdates++;
        progress.seconds += seconds;
        progress.update++;
        progress.batchInEpoch++;
        await log.write({
          kind: 'train',
          update: progress.update,
          epoch: progress.epoch + 1,
          loss,
          lossSum,
          seconds,
        });
        if (!Number.isFinite(loss))
          throw new Error(`loss became ${loss} at update ${progress.update}; lower --lr`);
        bar?.update(progress.update, {
          epoch: `${progress.epoch + 1}/${config.epochs}`,
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
    if (progress.update !== progress.bestUpdate || !existsSync(files.best)) {
      if (valSplit && progress.update % config.validateEvery !== 0) await validate();
      if (!valSplit) await saveCheckpoint(files.best, await snapshot(model, undefined, header()));
    }
    await checkpoint();
    bar?.finish(stop ? 'stopped; resume with --resume' : 'done');
  } finally {
    process.off('SIGINT', onSigint);
    await log.close();
    model.dispose();
    optimizer.dispose();
  }
  return {
    progress,
    ...(best ? { best } : {}),
    secondsPerBatch: sessionUpdates > 0 ? sessionSeconds / sessionUpdates : 0,
    stoppedEarly: stop,
  };
}
