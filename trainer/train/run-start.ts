import { existsSync } from 'node:fs';
import { Vocabulary } from '../../core/vocabulary.ts';
import type { SplitData } from '../data/dataset.ts';
import type { EncoderKind, TrainConfig } from '../model/config.ts';
import { JointModel } from '../model/model.ts';
import { Random } from '../random.ts';
import { type Checkpoint, loadCheckpoint, type TrainingProgress } from './checkpoint.ts';
import { RUN_FILES } from './run-files.ts';

/**
 * Where a training run starts: a new model with a vocabulary of the training captions, or the
 * run folder's latest checkpoint, whose own settings win (only how long to go on may change).
 */

export interface RunStartRequest {
  encoder: EncoderKind;
  wordDim: number;
  jointDim: number;
  train: TrainConfig;
  resume: boolean;
  /** On resume, which of epochs / maxUpdates the caller set on purpose (default: both). */
  limitsGiven?: { epochs: boolean; maxUpdates: boolean };
}

export interface RunStart {
  config: TrainConfig;
  vocab: Vocabulary;
  model: JointModel;
  progress: TrainingProgress;
  /** The checkpoint resumed from, whose optimizer state is still to be restored. */
  resumed?: Checkpoint;
}

export async function startRun(
  request: RunStartRequest,
  trainSplit: SplitData,
  runDir: string,
  say: (line: string) => void,
): Promise<RunStart> {
  const start = request.resume
    ? await resumeRun(request, RUN_FILES(runDir).latest, say)
    : newRun(request, trainSplit, runDir, say);
  if (trainSplit.dim !== start.model.config.featureDim) {
    start.model.dispose();
    throw new Error(
      `the data's features are ${trainSplit.dim}-d, the model expects ${start.model.config.featureDim}-d`,
    );
  }
  return start;
}

async function resumeRun(
  request: RunStartRequest,
  latestPath: string,
  say: (line: string) => void,
): Promise<RunStart> {
  if (!existsSync(latestPath)) throw new Error(`nothing to resume: ${latestPath} does not exist`);
  const resumed = await loadCheckpoint(latestPath);
  const given = request.limitsGiven ?? { epochs: true, maxUpdates: true };
  const own = resumed.header.train;
  const config = {
    ...own,
    epochs: given.epochs ? request.train.epochs : own.epochs,
    maxUpdates: given.maxUpdates ? request.train.maxUpdates : own.maxUpdates,
  };
  const progress = { ...resumed.header.progress };
  say(`resuming ${latestPath}: update ${progress.update}, epoch ${progress.epoch + 1}`);
  return {
    config,
    vocab: Vocabulary.fromJSON(resumed.header.vocabulary),
    model: new JointModel(resumed.header.model, resumed.weights),
    progress,
    resumed,
  };
}

function newRun(
  request: RunStartRequest,
  trainSplit: SplitData,
  runDir: string,
  say: (line: string) => void,
): RunStart {
  if (existsSync(RUN_FILES(runDir).latest)) {
    throw new Error(
      `${runDir} already holds a run; pass --resume to continue it, or choose another --out`,
    );
  }
  const config = request.train;
  const vocab = Vocabulary.build(trainSplit.tokens, { minCount: config.minCount });
  say(
    `initialising ${request.encoder} (vocabulary ${vocab.size} words, joint dimension ${request.jointDim})`,
  );
  const model = JointModel.create(
    {
      encoder: request.encoder,
      vocabSize: vocab.size,
      wordDim: request.wordDim,
      jointDim: request.jointDim,
      featureDim: trainSplit.dim,
    },
    new Random(config.seed),
  );
  const progress = {
    epoch: 0,
    batchInEpoch: 0,
    update: 0,
    bestRsum: -1,
    bestUpdate: 0,
    seconds: 0,
  };
  return { config, vocab, model, progress };
}
