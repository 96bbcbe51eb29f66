import { join } from 'node:path';

/** The files of a training run's folder. */
export const RUN_FILES = (dir: string) => ({
  /** Everything needed to resume: weights, optimizer state, progress, configs, vocabulary. */
  latest: join(dir, 'latest.ckpt'),
  /** The model with the best val rsum so far (weights, configs, vocabulary). */
  best: join(dir, 'best.ckpt'),
  /** One JSON record per update and per validation. */
  log: join(dir, 'log.jsonl'),
  /** Training curves, redrawn at each checkpoint. */
  plot: join(dir, 'curves.svg'),
});
