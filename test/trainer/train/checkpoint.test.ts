import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Vocabulary } from '../../../core/vocabulary.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../../trainer/model/config.ts';
import { Random } from '../../../trainer/random.ts';
import {
  type Checkpoint,
  CheckpointError,
  loadCheckpoint,
  saveCheckpoint,
} from '../../../trainer/train/checkpoint.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jointspace-ckpt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A checkpoint with odd tensor sizes (so the data's alignment padding is exercised). */
function sample(seed: number, update = 10): Checkpoint {
  const rng = new Random(seed);
  return {
    header: {
      model: { encoder: 'gru', vocabSize: 7, wordDim: 3, jointDim: 5, featureDim: 6 },
      train: { ...DEFAULT_TRAIN_CONFIG, seed, maxUpdates: 40 },
      vocabulary: Vocabulary.build([
        ['a', 'dog', 'runs'],
        ['a', 'cat', 'näps'],
      ]).toJSON(),
      progress: {
        epoch: 2,
        batchInEpoch: 3,
        update,
        bestRsum: 123.4,
        bestUpdate: 8,
        seconds: 9.5,
      },
      dataset: { name: 'tiny', format: 'demo', source: '/data/tiny' },
      backend: 'wasm',
      createdAt: '2026-01-02T03:04:05.000Z',
    },
    weights: {
      embedding: rng.gaussians(7 * 3),
      'image.W': rng.gaussians(6 * 5),
      'gru.b': rng.gaussians(15),
    },
    optimizer: {
      iter: Float32Array.from([update]),
      'embedding/m': rng.gaussians(21),
      'embedding/v': rng.gaussians(21).map(Math.abs),
    },
    shapes: {
      'weights:embedding': [7, 3],
      'weights:image.W': [6, 5],
      'weights:gru.b': [15],
      'optimizer:iter': [],
      'optimizer:embedding/m': [7, 3],
      'optimizer:embedding/v': [7, 3],
    },
  };
}

describe('saveCheckpoint and loadCheckpoint', () => {
  it('round-trip weights, optimizer state, shapes and header exactly', async () => {
    const path = join(dir, 'round.ckpt');
    const original = sample(1);
    await saveCheckpoint(path, original);
    const loaded = await loadCheckpoint(path);
    expect(loaded.header).toEqual(original.header);
    expect(loaded.weights).toEqual(original.weights);
    expect(loaded.optimizer).toEqual(original.optimizer);
    expect(loaded.shapes).toEqual(original.shapes);
    expect(Object.keys(loaded.weights)).toEqual(Object.keys(original.weights));
    expect(Object.keys(loaded.optimizer)).toEqual(Object.keys(original.optimizer));
    // The vocabulary in it is usable as saved.
    expect(Vocabulary.fromJSON(loaded.header.vocabulary).idOf('näps')).toBeGreaterThan(1);
    // Each array stands alone (aligned, not a view that shares a Node buffer with others).
    for (const values of Object.values(loaded.weights)) expect(values.byteOffset % 4).toBe(0);
  });

  it('defaults a tensor without a recorded shape to a flat vector', async () => {
    const path = join(dir, 'flat.ckpt');
    const c = sample(2);
    c.shapes = {};
    await saveCheckpoint(path, c);
    const loaded = await loadCheckpoint(path);
    expect(loaded.shapes['weights:embedding']).toEqual([21]);
    expect(loaded.weights).toEqual(c.weights);
  });

  it('replaces the previous checkpoint and leaves no temporary file', async () => {
    const path = join(dir, 'replace.ckpt');
    await saveCheckpoint(path, sample(3, 10));
    await saveCheckpoint(path, sample(4, 20));
    const loaded = await loadCheckpoint(path);
    expect(loaded.header.progress.update).toBe(20);
    expect(loaded.weights).toEqual(sample(4).weights);
    expect((await readdir(dir)).filter((f) => f.startsWith('replace.ckpt.tmp'))).toEqual([]);
  });
});

describe('a crash while saving', () => {
  it('leaves the previous checkpoint loadable when a half-written temp file remains', async () => {
    const path = join(dir, 'crash.ckpt');
    await saveCheckpoint(path, sample(5, 10));
    const good = await readFile(path);
    // A process killed mid-write leaves its temp file beside the target: this one (another
    // pid), and one under our own pid that the next save must overwrite.
    await writeFile(`${path}.tmp-999999`, good.subarray(0, 100));
    await writeFile(`${path}.tmp-${process.pid}`, good.subarray(0, good.length - 7));
    const loaded = await loadCheckpoint(path);
    expect(loaded.header.progress.update).toBe(10);
    expect(loaded.weights).toEqual(sample(5).weights);
    // The next save still works, and replaces our own stale temp file.
    await saveCheckpoint(path, sample(6, 20));
    expect((await loadCheckpoint(path)).header.progress.update).toBe(20);
    const left = (await readdir(dir)).filter((f) => f.startsWith('crash.ckpt.tmp'));
    expect(left).toEqual(['crash.ckpt.tmp-999999']);
  });

  it('leaves the previous checkpoint in place when a save fails part-way', async () => {
    const path = join(dir, 'failing.ckpt');
    await saveCheckpoint(path, sample(7, 10));
    const broken = sample(8, 20);
    // The header and the first tensors are written, then reading the next tensor fails.
    broken.optimizer['embedding/v'] = {
      length: 21,
      get buffer(): ArrayBuffer {
        throw new Error('disk full');
      },
    } as unknown as Float32Array;
    await expect(saveCheckpoint(path, broken)).rejects.toThrow('disk full');
    const loaded = await loadCheckpoint(path);
    expect(loaded.header.progress.update).toBe(10);
    expect(loaded.weights).toEqual(sample(7).weights);
    expect((await readdir(dir)).filter((f) => f.startsWith('failing.ckpt.tmp'))).toEqual([]);
  });
});

describe('loadCheckpoint on a bad file', () => {
  async function expectCheckpointError(path: string, message: RegExp): Promise<void> {
    const error = await loadCheckpoint(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(message);
  }

  it('names the file and says it is truncated, wherever it was cut', async () => {
    const path = join(dir, 'whole.ckpt');
    await saveCheckpoint(path, sample(9));
    const bytes = await readFile(path);
    const cuts: [number, RegExp][] = [
      [bytes.length - 1, /expected \d+ bytes, found \d+ \(the file is truncated or damaged\)/],
      [bytes.length - 4 * 21, /truncated/],
      [200, /truncated|damaged/],
      [24, /truncated/],
      [20, /truncated/],
      [18, /truncated/],
    ];
    for (const [length, message] of cuts) {
      const cut = join(dir, `cut-${length}.ckpt`);
      await writeFile(cut, bytes);
      await truncate(cut, length);
      await expectCheckpointError(cut, message);
    }
  });

  it('refuses a file with bytes after its data', async () => {
    const path = join(dir, 'long.ckpt');
    await saveCheckpoint(path, sample(10));
    await writeFile(path, Buffer.concat([await readFile(path), Buffer.alloc(8)]));
    await expectCheckpointError(path, /expected \d+ bytes, found \d+/);
  });

  it('refuses a file that is not a checkpoint', async () => {
    const foreign = join(dir, 'foreign.ckpt');
    await writeFile(foreign, '{"weights": [1, 2, 3]}\n');
    await expectCheckpointError(foreign, /not a jointspace checkpoint/);
    const empty = join(dir, 'empty.ckpt');
    await writeFile(empty, '');
    await expectCheckpointError(empty, /not a jointspace checkpoint/);
    // The right magic line but a damaged header.
    const garbled = join(dir, 'garbled.ckpt');
    const header = Buffer.from('not json at all');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    await writeFile(garbled, Buffer.concat([Buffer.from('JOINTSPACE-CKPT-1\n'), length, header]));
    await expectCheckpointError(garbled, /header is not valid JSON/);
  });

  it('says so when the file is missing', async () => {
    await expectCheckpointError(join(dir, 'nowhere.ckpt'), /cannot read/);
  });
});
