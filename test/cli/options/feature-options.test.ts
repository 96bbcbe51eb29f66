import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  FEATURE_OPTIONS,
  featureComputer,
  reportSkipped,
  runFeatureJob,
} from '../../../cli/options/feature-options.ts';
import { UsageError } from '../../../cli/options/kinds.ts';
import { parseOptions } from '../../../cli/options/option-table.ts';
import { PictureError } from '../../../trainer/pictures/read-picture.ts';
import { selectBackend } from '../../../trainer/tf/backend.ts';
import { tempDir } from '../../support/datasets.ts';
import { writePicture } from '../../support/test-pictures.ts';

function parsed(argv: string[]) {
  const r = parseOptions(FEATURE_OPTIONS, argv);
  if (r.help) throw new Error('help');
  return r.values;
}

describe('FEATURE_OPTIONS', () => {
  it('default to batches of 10, stopping at a bad picture, taking up work under way', () => {
    expect(parsed([])).toEqual({ batch: 10, onError: 'stop', restart: false });
    expect(parsed(['--batch', '32', '--on-error', 'skip', '--restart'])).toEqual({
      batch: 32,
      onError: 'skip',
      restart: true,
    });
    expect(() => parsed(['--batch', '300'])).toThrow(
      new UsageError(
        '--batch must be at most 256 (a batch of 256 pictures takes about 1 GB), got 300',
      ),
    );
  });
});

describe('reportSkipped', () => {
  it('lists every picture that could not be read, on stderr, and nothing when there is none', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      reportSkipped({ skipped: [] });
      expect(write).not.toHaveBeenCalled();
      reportSkipped({
        skipped: [
          { file: 'a.jpg', row: null, reason: 'not a picture' },
          { file: 'b.gif', row: 3, reason: 'a GIF picture' },
        ],
      });
      expect(write.mock.calls.map((c) => c[0])).toEqual([
        'skipped 2 pictures that could not be read:\n  a.jpg: not a picture\n  b.gif: a GIF picture\n',
      ]);
    } finally {
      write.mockRestore();
    }
  });
});

describe('runFeatureJob', () => {
  let dir: string;
  beforeAll(async () => {
    await selectBackend('wasm', { threads: 1 });
    dir = await tempDir();
    await writePicture(join(dir, 'a.png'), { width: 30, height: 30, format: 'png' });
    await writeFile(join(dir, 'b.jpg'), 'text');
  });
  const settings = {
    backend: 'wasm' as const,
    threads: 1,
    noProgress: true,
    batch: 10,
    policy: { restart: false, otherList: 'refuse' as const },
    skipHint: 'pass --on-error skip',
  };

  it('runs the CNN over the job, and says how to go on past a picture it cannot read', async () => {
    const job = {
      imagesDir: dir,
      files: ['a.png', 'b.jpg'],
      out: join(dir, 'f.npy'),
      skipped: 'left-out' as const,
      why: '',
    };
    const error = await runFeatureJob(job, { ...settings, onError: 'stop' }).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      'b.jpg: not a picture (its bytes are no picture format known; JPEG, PNG and WebP are read)\n  (the pictures before it are saved: fix it and run the same command again, or pass --on-error skip)',
    );
    expect((error as Error).cause).toBeInstanceOf(PictureError);
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const result = await runFeatureJob(job, { ...settings, onError: 'skip' });
      expect(result).toMatchObject({ status: 'complete', resumedAt: 1, computed: 0 });
      expect(result.sidecar?.files).toEqual(['a.png']);
    } finally {
      write.mockRestore();
    }
  });
});

describe('featureComputer', () => {
  it('is a hook the loaders call with a job', () => {
    expect(featureComputer({ backend: 'wasm', threads: 1 })).toBeTypeOf('function');
  });
});
