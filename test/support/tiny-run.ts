import type { Dataset } from '../../trainer/data/dataset.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../trainer/model/config.ts';
import { selectBackend } from '../../trainer/tf/backend.ts';
import { train } from '../../trainer/train/train.ts';

/**
 * A tiny bag-of-words run (16-d, 8 updates on the cpu backend, about a second): a real
 * checkpoint for the tests of the commands that read one (evaluate, export, deploy).
 */
export async function trainTinyBow(dataset: Dataset, runDir: string): Promise<void> {
  await selectBackend('cpu');
  await train({
    dataset,
    encoder: 'bow',
    wordDim: 8,
    jointDim: 16,
    train: {
      ...DEFAULT_TRAIN_CONFIG,
      batchSize: 32,
      learningRate: 0.01,
      validateEvery: 4,
      maxUpdates: 8,
    },
    runDir,
    resume: false,
    backend: 'cpu',
    log: () => undefined,
    progress: false,
  });
}
