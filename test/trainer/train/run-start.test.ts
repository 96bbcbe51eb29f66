import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNK_ID, Vocabulary } from '../../../core/vocabulary.ts';
import type { SplitData } from '../../../trainer/data/dataset.ts';
import {
  DEFAULT_TRAIN_CONFIG,
  type ModelConfig,
  type TrainConfig,
} from '../../../trainer/model/config.ts';
import { initialWeights } from '../../../trainer/model/model.ts';
import { Random } from '../../../trainer/random.ts';
import { selectBackend } from '../../../trainer/tf/backend.ts';
import { type Checkpoint, saveCheckpoint } from '../../../trainer/train/checkpoint.ts';
import { RUN_FILES } from '../../../trainer/train/run-files.ts';
import { type RunStart, type RunStartRequest, startRun } from '../../../trainer/train/run-start.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jointspace-run-start-'));
  await selectBackend('cpu');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Three pictures, two captions each: 'a' 5 times, 'dog' 3, 'cat' 2, the rest once. */
function trainSplit(dim = 4): SplitData {
  const tokens = [
    ['a', 'dog'],
    ['the', 'dog', 'runs'],
    ['a', 'cat'],
    ['a', 'cat', 'sleeps'],
    ['a', 'dog'],
    ['a', 'bird'],
  ];
  return {
    name: 'train',
    imageIds: ['p0', 'p1', 'p2'],
    features: Float32Array.from({ length: 3 * dim }, (_, i) => i / 10),
    dim,
    captions: tokens.map((t) => t.join(' ')),
    tokens,
    captionImage: Int32Array.from([0, 0, 1, 1, 2, 2]),
  };
}

/** What the caller asks for: here, a new GRU run with rare words dropped. */
const TRAIN: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, seed: 7, epochs: 3, minCount: 2 };

function request(overrides: Partial<RunStartRequest> = {}): RunStartRequest {
  return { encoder: 'gru', wordDim: 3, jointDim: 5, train: TRAIN, resume: false, ...overrides };
}

/** Runs `use` on a started run and frees its model. */
async function withStart<T>(
  starting: Promise<RunStart>,
  use: (start: RunStart) => T | Promise<T>,
): Promise<T> {
  const start = await starting;
  try {
    return await use(start);
  } finally {
    start.model.dispose();
  }
}

/** tfjs variables alive in the process: a model that is not freed leaves its own. */
const liveVariables = () => Object.keys(tf.engine().registeredVariables).length;

describe('startRun, a new run', () => {
  it('builds the vocabulary of the training captions and a model of the data’s width', async () => {
    const lines: string[] = [];
    const dir = join(root, 'new');
    const split = trainSplit();
    await withStart(
      startRun(request(), split, dir, (line) => lines.push(line)),
      (start) => {
        // 'the', 'runs', 'sleeps' and 'bird' are seen once: below minCount 2, so <unk>.
        expect(start.vocab.toJSON()).toEqual(
          Vocabulary.build(split.tokens, { minCount: 2 }).toJSON(),
        );
        expect(start.vocab.size).toBe(5);
        expect(start.vocab.idOf('bird')).toBe(UNK_ID);
        expect(start.model.config).toEqual({
          encoder: 'gru',
          vocabSize: 5,
          wordDim: 3,
          jointDim: 5,
          featureDim: 4,
        });
        expect(start.config).toEqual(TRAIN);
        expect(start.progress).toEqual({
          epoch: 0,
          batchInEpoch: 0,
          update: 0,
          bestRsum: -1,
          bestUpdate: 0,
          seconds: 0,
        });
        expect(start.resumed).toBeUndefined();
        expect(lines).toEqual(['initialising gru (vocabulary 5 words, joint dimension 5)']);
      },
    );
    // Starting writes nothing: the run folder is the training loop's to make.
    expect(existsSync(dir)).toBe(false);
  });

  it('initialises the weights from the training seed, so that a run is repeatable', async () => {
    await withStart(
      startRun(request(), trainSplit(), join(root, 'seeded'), () => {}),
      async (s) => {
        expect(await s.model.weights()).toEqual(initialWeights(s.model.config, new Random(7)));
      },
    );
  });

  it('refuses a folder that already holds a run, and leaves it alone', async () => {
    const dir = join(root, 'taken');
    await mkdir(dir);
    await writeFile(RUN_FILES(dir).latest, 'a previous run');
    const lines: string[] = [];
    const variables = liveVariables();
    await expect(
      startRun(request(), trainSplit(), dir, (line) => lines.push(line)),
    ).rejects.toThrow(
      `${dir} already holds a run; pass --resume to continue it, or choose another --out`,
    );
    expect(liveVariables()).toBe(variables);
    expect(lines).toEqual([]);
  });
});

/** The run a checkpoint records: an LSTM over another vocabulary, with settings of its own. */
const SAVED_VOCAB = Vocabulary.build([
  ['a', 'red', 'car'],
  ['a', 'blue', 'car'],
]);
const SAVED_MODEL: ModelConfig = {
  encoder: 'lstm',
  vocabSize: SAVED_VOCAB.size,
  wordDim: 3,
  jointDim: 4,
  featureDim: 4,
};
const SAVED_TRAIN: TrainConfig = {
  ...DEFAULT_TRAIN_CONFIG,
  seed: 11,
  epochs: 8,
  maxUpdates: 50,
  batchSize: 16,
  learningRate: 1e-3,
};
const SAVED_PROGRESS = {
  epoch: 2,
  batchInEpoch: 3,
  update: 20,
  bestRsum: 150.5,
  bestUpdate: 10,
  seconds: 12.5,
};

/** A run folder with a latest checkpoint; returns the folder. */
async function savedRun(name: string): Promise<{ dir: string; checkpoint: Checkpoint }> {
  const dir = join(root, name);
  await mkdir(dir);
  const checkpoint: Checkpoint = {
    header: {
      model: SAVED_MODEL,
      train: SAVED_TRAIN,
      vocabulary: SAVED_VOCAB.toJSON(),
      progress: SAVED_PROGRESS,
      dataset: { name: 'tiny', format: 'demo', source: '/data/tiny' },
      backend: 'cpu',
      createdAt: '2026-01-02T03:04:05.000Z',
    },
    weights: initialWeights(SAVED_MODEL, new Random(3)),
    optimizer: { iter: Float32Array.from([20]) },
    shapes: { 'optimizer:iter': [] },
  };
  await saveCheckpoint(RUN_FILES(dir).latest, checkpoint);
  return { dir, checkpoint };
}

describe('startRun, resuming', () => {
  it('continues the checkpoint: its model, vocabulary, progress and settings', async () => {
    const { dir, checkpoint } = await savedRun('resume');
    const lines: string[] = [];
    const starting = startRun(request({ resume: true }), trainSplit(), dir, (l) => lines.push(l));
    await withStart(starting, async (start) => {
      // The request's encoder, sizes and vocabulary threshold do not apply: the run has its own.
      expect(start.model.config).toEqual(SAVED_MODEL);
      expect(await start.model.weights()).toEqual(checkpoint.weights);
      expect(start.vocab.toJSON()).toEqual(SAVED_VOCAB.toJSON());
      expect(start.vocab.idOf('dog')).toBe(UNK_ID);
      expect(start.progress).toEqual(SAVED_PROGRESS);
      // Only the limits come from the request (both, unless told otherwise).
      expect(start.config).toEqual({ ...SAVED_TRAIN, epochs: 3, maxUpdates: 0 });
      // The optimizer state is handed on, to be restored by the caller.
      expect(start.resumed?.header).toEqual(checkpoint.header);
      expect(start.resumed?.optimizer).toEqual(checkpoint.optimizer);
      // A copy: the loop counts on in it, the checkpoint's header stays as read.
      expect(start.progress).not.toBe(start.resumed?.header.progress);
      expect(lines).toEqual([`resuming ${RUN_FILES(dir).latest}: update 20, epoch 3`]);
    });
  });

  it.each([
    [
      { epochs: false, maxUpdates: true },
      { epochs: 8, maxUpdates: 0 },
    ],
    [
      { epochs: true, maxUpdates: false },
      { epochs: 3, maxUpdates: 50 },
    ],
    [
      { epochs: false, maxUpdates: false },
      { epochs: 8, maxUpdates: 50 },
    ],
  ])('keeps the run’s own limit where the caller did not set it: %o', async (given, limits) => {
    const { dir } = await savedRun(`limits-${given.epochs}-${given.maxUpdates}`);
    const starting = startRun(
      request({ resume: true, limitsGiven: given }),
      trainSplit(),
      dir,
      () => {},
    );
    await withStart(starting, (start) => {
      expect(start.config).toEqual({ ...SAVED_TRAIN, ...limits });
    });
  });

  it('says there is nothing to resume where the folder holds no run', async () => {
    const dir = join(root, 'empty');
    await expect(startRun(request({ resume: true }), trainSplit(), dir, () => {})).rejects.toThrow(
      `nothing to resume: ${RUN_FILES(dir).latest} does not exist`,
    );
  });

  it('passes on the error of a damaged checkpoint, naming the file', async () => {
    const dir = join(root, 'damaged');
    await mkdir(dir);
    await writeFile(RUN_FILES(dir).latest, 'not a checkpoint');
    await expect(startRun(request({ resume: true }), trainSplit(), dir, () => {})).rejects.toThrow(
      `${RUN_FILES(dir).latest}: not a jointspace checkpoint`,
    );
  });

  it('refuses data whose features do not fit the model, and frees the model', async () => {
    const { dir } = await savedRun('wrong-width');
    const variables = liveVariables();
    await expect(startRun(request({ resume: true }), trainSplit(6), dir, () => {})).rejects.toThrow(
      "the data's features are 6-d, the model expects 4-d",
    );
    expect(liveVariables()).toBe(variables);
  });
});
