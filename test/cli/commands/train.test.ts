import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRAIN_OPTIONS } from '../../../cli/commands/train.ts';
import { DEFAULT_WORLD_OPTIONS, generateDemoWorld } from '../../../trainer/demo/world.ts';
import { writeDemoWorld } from '../../../trainer/demo/write-world.ts';
import { loadCheckpoint } from '../../../trainer/train/checkpoint.ts';
import { cli, cliWithin, ROOT } from '../../support/run-cli.ts';

let tmp: string;
let world: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'jointspace-cli-train-'));
  world = join(tmp, 'world');
  await writeDemoWorld(
    generateDemoWorld({
      ...DEFAULT_WORLD_OPTIONS,
      images: 200,
      val: 20,
      test: 20,
      seed: 2,
      features: { ...DEFAULT_WORLD_OPTIONS.features, dim: 64 },
    }),
    world,
  );
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('jointspace train', () => {
  it('trains, prints the paper-style table and writes the run folder', async () => {
    const out = join(tmp, 'run');
    // 160 train pictures, 800 captions: 25 batches of 32 an epoch; stop after 6 updates. The
    // cpu backend: at these sizes as fast as wasm, and it starts no threads.
    const flags = (maxUpdates: number) => [
      'train',
      '--data',
      world,
      '--encoder',
      'bow',
      '--joint-dim',
      '16',
      '--batch-size',
      '32',
      '--lr',
      '0.01',
      '--val-every',
      '3',
      '--max-updates',
      String(maxUpdates),
      '--backend',
      'cpu',
      '--no-progress',
      '--out',
      out,
    ];
    const first = await cli(...flags(6));
    expect(first.stderr).toMatch(/backend: cpu/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Trained 6 updates \(.* s\/batch on cpu\)\./);
    expect(first.stdout).toMatch(/Best on val \(update [36]\)/);
    expect(first.stdout).toMatch(/\s+R@1\s+R@5\s+R@10\s+Med r\s+Mean r/);
    expect(first.stdout).toMatch(
      /Annotation \(image -> text\)\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d\s+\d+\s+\d+\.\d/,
    );
    expect(first.stdout).toMatch(/Search \(text -> image\)\s+\d+\.\d/);
    expect(first.stdout).toMatch(/Sum of recalls \(rsum\): \d+\.\d/);
    expect(first.stdout).toContain(
      `Run folder ${out}: best.ckpt, latest.ckpt, log.jsonl, curves.svg`,
    );
    for (const f of ['best.ckpt', 'latest.ckpt', 'log.jsonl', 'curves.svg']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const latest = await loadCheckpoint(join(out, 'latest.ckpt'));
    expect(latest.header.model).toMatchObject({ encoder: 'bow', jointDim: 16, featureDim: 64 });
    expect(latest.header.train).toMatchObject({ batchSize: 32, learningRate: 0.01, maxUpdates: 6 });
    expect(latest.header.progress.update).toBe(6);
    expect(latest.header.backend).toBe('cpu');
    const log = (await readFile(join(out, 'log.jsonl'), 'utf8')).trim().split('\n');
    expect(log.map((l) => JSON.parse(l).kind)).toEqual([
      'run',
      'train',
      'train',
      'train',
      'val',
      'train',
      'train',
      'train',
      'val',
    ]);

    // The same command again refuses to overwrite; with --resume and a higher limit it goes on.
    const again = await cli(...flags(6));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds a run; pass --resume to continue it/);
    const resumed = await cli(...flags(8), '--resume');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^Trained 8 updates/);
    expect((await loadCheckpoint(join(out, 'latest.ckpt'))).header.progress.update).toBe(8);

    // Resumed without a limit, the run keeps its own (8): nothing more to do.
    const withoutLimit = flags(8).filter(
      (f, i, all) => f !== '--max-updates' && all[i - 1] !== '--max-updates',
    );
    const idle = await cli(...withoutLimit, '--resume');
    expect(idle.code).toBe(0);
    expect(idle.stdout).toMatch(/^Trained 8 updates/);
    expect((await loadCheckpoint(join(out, 'latest.ckpt'))).header.train.maxUpdates).toBe(8);
  });

  it('names the flag at fault and exits 2 on a usage error', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['--data', world, '--encoder', 'lstmx'],
        /--encoder must be one of lstm, gru, bow, mean; got "lstmx"/,
      ],
      [['--data', world, '--lr=-1'], /--lr must be greater than 0, got -1/],
      [['--data', world, '--lr', '-1'], /Option '--lr' argument is ambiguous/],
      [['--data', world, '--lr', 'fast'], /--lr expects a number, got "fast"/],
      [['--data', world, '--batch-size', '1'], /--batch-size must be at least 2, got 1/],
      [['--data', world, '--epochs', '2.5'], /--epochs expects a whole number, got "2.5"/],
      [['--data', world, '--epochs', '0'], /--epochs must be at least 1, got 0/],
      [['--encoder', 'bow'], /--data is required/],
      [['--data', world, '--colour', 'red'], /Unknown option '--colour'/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli('train', ...args)));
    results.forEach((r, i) => {
      const [args, message] = cases[i]!;
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain("Run 'jointspace train --help' for usage.");
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  });

  it('exits by itself when done on the wasm backend (default threads)', async () => {
    // The run takes about two seconds; a process still alive after 15 s is held open (by idle
    // wasm worker threads, say) and would hang every script that calls it.
    const out = join(tmp, 'wasm-run');
    const r = await cliWithin(
      15_000,
      'train',
      '--data',
      world,
      '--encoder',
      'bow',
      '--joint-dim',
      '8',
      '--batch-size',
      '32',
      '--max-updates',
      '2',
      '--backend',
      'wasm',
      '--no-progress',
      '--out',
      out,
    );
    expect(r.stdout).toMatch(/^Trained 2 updates \(.* on wasm\)/);
    expect(r.killed, 'the process had to be killed: it did not exit after training').toBe(false);
    expect(r.code).toBe(0);
  });

  it('explains a dataset it cannot read, exit 1', async () => {
    const r = await cli('train', '--data', join(tmp, 'nowhere'), '--backend', 'cpu');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nowhere: no such file or folder/);
  });

  it('lists its options', async () => {
    const r = await cli('train', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--encoder E\s+lstm \| gru \| bow \| mean/);
    expect(r.stdout).toMatch(/--max-updates N/);
    expect(r.stdout).toMatch(/--resume/);
    // Every flag it takes, with its default: the trainer's settings' own.
    for (const o of Object.values(TRAIN_OPTIONS)) {
      expect(r.stdout).toContain(`--${o.flag}`);
      expect(r.stdout).toContain(o.note);
    }
    expect(r.stdout).toMatch(/--epochs N +passes over the training captions \(default 15\)/);
    expect(r.stdout).toMatch(/--lr X +Adam learning rate \(default 0\.0002\)/);
    expect(r.stdout).toMatch(/--val-every N +.*\(default 100\)/);
    expect(r.stdout).toMatch(/--joint-dim N +.*\(default 1024\)/);
    expect(r.stdout).toMatch(/--data PATH +a demo world folder[\s\S]*?\(required\)\n {2}--format/);
    expect(r.stdout).toMatch(/--no-progress +no progress bars/);
    expect(r.stdout).toMatch(/^ {2}-h, --help +this text$/m);
  });
});

describe('Ctrl-C during training', () => {
  it('stops after the current update with a checkpoint, even when the signal arrives twice', async () => {
    const out = join(tmp, 'interrupted');
    // Through npm, in a process group of its own, as a terminal's foreground job: Ctrl-C
    // reaches npm and the trainer, and npm relays it to the trainer once more.
    const child = spawn(
      'npm',
      [
        'run',
        '--silent',
        'jointspace',
        '--',
        'train',
        '--data',
        world,
        '--encoder',
        'lstm',
        '--joint-dim',
        '16',
        '--word-dim',
        '8',
        '--epochs',
        '500',
        '--val-every',
        '1000000',
        '--backend',
        'cpu',
        '--out',
        out,
        '--no-progress',
      ],
      { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    // Wait until training is under way (an update is in the log), then Ctrl-C the group.
    const log = join(out, 'log.jsonl');
    for (let i = 0; i < 300; i++) {
      if (existsSync(log) && (await readFile(log, 'utf8')).includes('"kind":"train"')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(-(child.pid as number), 'SIGINT');
    const { code, signal } = await exited;
    expect(stderr).toContain('stopping after this update');
    // The trainer exits 0; npm then re-raises the interrupt on itself, as shells expect.
    expect(code === 0 || signal === 'SIGINT').toBe(true);
    expect(stdout).toMatch(/^Stopped \d+ updates/m);
    const checkpoint = await loadCheckpoint(join(out, 'latest.ckpt'));
    expect(checkpoint.header.progress.update).toBeGreaterThan(0);
  }, 60_000);
});
