import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_FILES } from '../../../trainer/train/run-files.ts';

describe('RUN_FILES', () => {
  it('names the files of a run folder: checkpoints, log and curves', () => {
    const dir = join('runs', 'local-lstm');
    expect(RUN_FILES(dir)).toEqual({
      latest: join(dir, 'latest.ckpt'),
      best: join(dir, 'best.ckpt'),
      log: join(dir, 'log.jsonl'),
      plot: join(dir, 'curves.svg'),
    });
  });

  it('keeps every file directly inside the folder, each under its own name', () => {
    const dir = join('/', 'tmp', 'a run');
    const paths = Object.values(RUN_FILES(dir));
    for (const path of paths) expect(dirname(path)).toBe(dir);
    expect(new Set(paths).size).toBe(4);
  });

  it('joins paths as path.join does: a trailing separator or a dot segment changes nothing', () => {
    expect(RUN_FILES(`runs/x/`).latest).toBe(join('runs', 'x', 'latest.ckpt'));
    expect(RUN_FILES('runs/./x').best).toBe(join('runs', 'x', 'best.ckpt'));
  });
});
