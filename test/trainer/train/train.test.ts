import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Vocabulary } from '../../../core/vocabulary.ts';
import type { Dataset, SplitData } from '../../../trainer/data/dataset.ts';
import { loadDataset } from '../../../trainer/data/load.ts';
import { DEFAULT_WORLD_OPTIONS, generateDemoWorld } from '../../../trainer/demo/world.ts';
import { writeDemoWorld } from '../../../trainer/demo/write-world.ts';
import { evaluateSplit } from '../../../trainer/evaluate/evaluate.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../../trainer/model/config.ts';
import { JointModel } from '../../../trainer/model/model.ts';
import { selectBackend } from '../../../trainer/tf/backend.ts';
import { loadCheckpoint, saveCheckpoint } from '../../../trainer/train/checkpoint.ts';
import { RUN_FILES } from '../../../trainer/train/run-files.ts';
import { type TrainRequest, train } from '../../../trainer/train/train.ts';

/**
 * The training loop end to end on a small demo world (1,000 pictures: 800 train, 100 val, 100
 * test, 5 captions each): it learns, it resumes exactly, and it keeps its run folder in order.
 */

let root: string;
let dataset: Dataset;
const notes: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jointspace-train-'));
  const world = generateDemoWorld({
    ...DEFAULT_WORLD_OPTIONS,
    images: 1000,
    val: 100,
    test: 100,
    seed: 5,
  });
  await writeDemoWorld(world, join(root, 'world'));
  dataset = await loadDataset(join(root, 'world'));
  // The backend training runs on; the pure-JS cpu backend is ~20x slower for these sizes.
  await selectBackend('wasm');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function request(
  runDir: string,
  overrides: Partial<TrainRequest> = {},
  train: Partial<TrainConfig> = {},
): TrainRequest {
  return {
    dataset,
    encoder: 'lstm',
    wordDim: 16,
    jointDim: 32,
    train: { ...DEFAULT_TRAIN_CONFIG, learningRate: 2e-3, ...train },
    runDir: join(root, runDir),
    resume: false,
    backend: 'wasm',
    log: (line) => notes.push(line),
    progress: false,
    ...overrides,
  };
}

function split(name: 'train' | 'val' | 'test'): SplitData {
  const s = dataset.splits[name];
  if (!s) throw new Error(`no ${name} split`);
  return s;
}

async function records(runDir: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(RUN_FILES(join(root, runDir)).log, 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** What must repeat exactly: everything but the run headers and the timings. */
function repeatable(rs: Record<string, unknown>[]): Record<string, unknown>[] {
  return rs.filter((r) => r.kind !== 'run').map(({ seconds: _, ...r }) => r);
}

/**
 * Recall@K of random scores. Search: the right picture among N at random, K / N. Annotation: the
 * best of a picture's c captions among all M, 1 - C(M - c, K) / C(M, K).
 */
function chanceRecall(s: SplitData, k: number): { annotation: number; search: number } {
  const n = s.imageIds.length;
  const m = s.captions.length;
  const c = m / n;
  let none = 1;
  for (let i = 0; i < k; i++) none *= (m - c - i) / (m - i);
  return { annotation: 100 * (1 - none), search: (100 * k) / n };
}

/** Resume runs: 20 updates stop mid-epoch; 40 cross into the second epoch (32 updates each). */
const settings = { epochs: 5, validateEvery: 10, seed: 9 };
let straight: Promise<unknown> | undefined;
/** The uninterrupted 40-update run the resumed ones are compared with (trained once). */
function straightRun(): Promise<unknown> {
  straight ??= train(request('once', {}, { ...settings, maxUpdates: 40 }));
  return straight;
}

describe('train', () => {
  it('learns the demo world: test recalls far above chance after a few epochs', async () => {
    const started = performance.now();
    const result = await train(
      request('learn', { jointDim: 64, wordDim: 32 }, { epochs: 3, validateEvery: 32 }),
    );
    const seconds = (performance.now() - started) / 1000;
    // 4,000 captions in batches of 128: 32 updates an epoch.
    expect(result.progress.update).toBe(96);
    expect(result.progress.epoch).toBe(3);
    expect(result.stoppedEarly).toBe(false);
    expect(seconds).toBeLessThan(40);

    const best = await loadCheckpoint(RUN_FILES(join(root, 'learn')).best);
    expect(best.header.progress.bestRsum).toBe(result.progress.bestRsum);
    const model = new JointModel(best.header.model, best.weights);
    const test = split('test');
    const m = await evaluateSplit(
      model,
      test,
      Vocabulary.fromJSON(best.header.vocabulary),
      best.header.train.maxLength,
    );
    model.dispose();
    // 100 pictures, 500 captions. At random: R@10 is 9.6 (annotation) and 10 (search), and the
    // six recalls sum to about 31.5. A trained model must be far from that: at least 4x chance
    // at R@10 both ways, and an rsum of 200 (six times chance; this run reaches about 440, an
    // untrained model about 30).
    const chance10 = chanceRecall(test, 10);
    const rsumChance = [1, 5, 10]
      .map((k) => chanceRecall(test, k))
      .reduce((s, r) => s + r.annotation + r.search, 0);
    expect(chance10.annotation).toBeCloseTo(9.6, 1);
    expect(rsumChance).toBeCloseTo(31.5, 0);
    expect(m.annotation.r10).toBeGreaterThanOrEqual(4 * chance10.annotation);
    expect(m.search.r10).toBeGreaterThanOrEqual(4 * chance10.search);
    expect(m.rsum).toBeGreaterThan(200);
    expect(m.annotation.medianRank).toBeLessThanOrEqual(5);

    // The loss per contrastive term falls.
    const losses = (await records('learn'))
      .filter((r) => r.kind === 'train')
      .map((r) => r.loss as number);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-10))).toBeLessThan(0.5 * mean(losses.slice(0, 10)));
  });

  it('resumes exactly: N updates, then N more, equals 2N in one go', async () => {
    await straightRun();
    const first = await train(request('twice', {}, { ...settings, maxUpdates: 20 }));
    expect(first.progress.update).toBe(20);
    expect(first.progress.batchInEpoch).toBe(20);
    const second = await train(request('twice', { resume: true }, { ...settings, maxUpdates: 40 }));
    expect(second.progress.update).toBe(40);
    expect(notes.some((n) => /resuming .*latest\.ckpt: update 20, epoch 1/.test(n))).toBe(true);

    const once = await loadCheckpoint(RUN_FILES(join(root, 'once')).latest);
    const twice = await loadCheckpoint(RUN_FILES(join(root, 'twice')).latest);
    expect(twice.header.progress).toEqual({ ...once.header.progress, seconds: expect.any(Number) });
    expect(twice.header.progress.epoch).toBe(1);
    expect(twice.header.progress.batchInEpoch).toBe(8);
    // Bitwise: the same backend, the same batches, the same optimizer state.
    for (const [name, values] of Object.entries(once.weights)) {
      expect(
        Buffer.from((twice.weights[name] as Float32Array).buffer).equals(
          Buffer.from(values.buffer),
        ),
        name,
      ).toBe(true);
    }
    expect(twice.optimizer).toEqual(once.optimizer);
    const onceBest = await loadCheckpoint(RUN_FILES(join(root, 'once')).best);
    const twiceBest = await loadCheckpoint(RUN_FILES(join(root, 'twice')).best);
    expect(twiceBest.weights).toEqual(onceBest.weights);

    const onceLog = await records('once');
    const twiceLog = await records('twice');
    expect(twiceLog.filter((r) => r.kind === 'run').map((r) => r.resumed)).toEqual([false, true]);
    expect(repeatable(twiceLog)).toEqual(repeatable(onceLog));
    expect(
      repeatable(onceLog)
        .filter((r) => r.kind === 'val')
        .map((r) => r.update),
    ).toEqual([10, 20, 30, 40]);
  });

  it('resumes a checkpoint written before the optimizer state was stored faithfully', async () => {
    // Older checkpoints held the int32 iteration count's raw bytes (read back as a float32
    // denormal, which restarted Adam's bias correction) and not Adam's running beta powers.
    await straightRun();
    await train(request('old', {}, { ...settings, maxUpdates: 20 }));
    const path = RUN_FILES(join(root, 'old')).latest;
    const c = await loadCheckpoint(path);
    expect(Array.from(c.optimizer.iter!)).toEqual([20]);
    c.optimizer = Object.fromEntries(
      Object.entries(c.optimizer)
        .filter(([name]) => !name.startsWith('adam:'))
        .map(([name, v]) => [
          name,
          name === 'iter' ? new Float32Array(Int32Array.from([20]).buffer) : v,
        ]),
    );
    await saveCheckpoint(path, c);
    await train(request('old', { resume: true }, { ...settings, maxUpdates: 40 }));

    const once = await loadCheckpoint(RUN_FILES(join(root, 'once')).latest);
    const old = await loadCheckpoint(path);
    expect(old.header.progress.bestRsum).toBe(once.header.progress.bestRsum);
    expect(old.optimizer.iter).toEqual(once.optimizer.iter);
    // Not bitwise (pow(beta, t + 1) is not the product of t + 1 betas to the last bit), but
    // within float32 rounding of it.
    for (const [name, values] of Object.entries(once.weights)) {
      const other = old.weights[name]!;
      const worst = values.reduce((m, v, i) => Math.max(m, Math.abs(v - other[i]!)), 0);
      expect(worst, name).toBeLessThan(1e-4);
    }
  });

  it('keeps its run folder: checkpoints, log and curves; no overwriting without resume', async () => {
    const dir = join(root, 'folder');
    const files = RUN_FILES(dir);
    const result = await train(
      request('folder', { encoder: 'bow' }, { maxUpdates: 5, validateEvery: 100 }),
    );
    expect(result.progress.update).toBe(5);
    for (const file of [files.latest, files.best, files.log, files.plot]) {
      expect(existsSync(file), file).toBe(true);
    }
    expect(await readFile(files.plot, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    const log = await records('folder');
    expect(log[0]).toMatchObject({ kind: 'run', resumed: false, update: 0 });
    expect(log.filter((r) => r.kind === 'train').map((r) => r.update)).toEqual([1, 2, 3, 4, 5]);
    // Never validated on schedule, so once at the end, and that model is the best.
    expect(log.filter((r) => r.kind === 'val').map((r) => r.update)).toEqual([5]);
    const best = await loadCheckpoint(files.best);
    expect(best.header.progress.bestUpdate).toBe(5);
    expect(best.optimizer).toEqual({});
    const latest = await loadCheckpoint(files.latest);
    expect(Object.keys(latest.optimizer).length).toBeGreaterThan(0);
    expect(latest.header.model).toMatchObject({ encoder: 'bow', jointDim: 32, featureDim: 512 });

    const before = await readFile(files.latest);
    await expect(train(request('folder', { encoder: 'bow' }, { maxUpdates: 5 }))).rejects.toThrow(
      /already holds a run; pass --resume to continue it, or choose another --out/,
    );
    expect((await readFile(files.latest)).equals(before)).toBe(true);
    await expect(train(request('empty', { resume: true }))).rejects.toThrow(
      /nothing to resume: .*latest\.ckpt does not exist/,
    );
  });
});
