import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WORLD_OPTIONS } from '../../../cli/commands/demo-world.ts';
import { DEPLOY_OPTIONS } from '../../../cli/commands/deploy.ts';
import { EVALUATE_OPTIONS } from '../../../cli/commands/evaluate.ts';
import { EXPORT_OPTIONS } from '../../../cli/commands/export.ts';
import { START_OPTIONS } from '../../../cli/commands/start.ts';
import { TRAIN_OPTIONS } from '../../../cli/commands/train.ts';
import { UsageError } from '../../../cli/options/kinds.ts';
import { optionsHelp, parseOptions } from '../../../cli/options/option-table.ts';
import {
  BACKEND_OPTIONS,
  CHECKPOINT_OPTIONS,
  checkpointPath,
  DATA_OPTIONS,
  loadOptions,
  PROGRESS_OPTIONS,
  progressStream,
  QUIET_STREAM,
} from '../../../cli/options/shared-options.ts';
import { Progress } from '../../../trainer/report/progress.ts';
import { defaultThreads } from '../../../trainer/tf/backend.ts';

const SHARED = { ...CHECKPOINT_OPTIONS, ...DATA_OPTIONS, ...BACKEND_OPTIONS, ...PROGRESS_OPTIONS };

function parse(argv: string[]) {
  const parsed = parseOptions(SHARED, argv);
  if (parsed.help) throw new Error('help');
  return parsed.values;
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'jointspace-shared-options-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('the shared flags', () => {
  it('default to: detected format, the auto backend, a thread per core, progress bars', () => {
    expect(parse(['--data', 'd'])).toEqual({
      run: undefined,
      checkpoint: undefined,
      data: 'd',
      format: undefined,
      features: undefined,
      backend: 'auto',
      threads: defaultThreads(),
      noProgress: false,
    });
  });

  it('check their values, naming the flag', () => {
    expect(() => parse([])).toThrow('--data is required (e.g. --data data/demo)');
    expect(() => parse(['--data', 'd', '--format', 'coco'])).toThrow(
      '--format must be one of karpathy, precomp, demo, folder; got "coco"',
    );
    expect(() => parse(['--data', 'd', '--backend', 'gpu'])).toThrow(
      '--backend must be one of auto, node-gpu, node, wasm, cpu; got "gpu"',
    );
    expect(() => parse(['--data', 'd', '--threads', '0'])).toThrow(
      '--threads must be at least 1, got 0',
    );
  });

  it('are listed in help with their defaults', () => {
    const help = optionsHelp(SHARED);
    expect(help).toContain(`(default: one per core, ${defaultThreads()} here)`);
    expect(help).toMatch(
      /--format F +karpathy \| precomp \| demo \| folder: .*\(default: detected\)/,
    );
    expect(help).toMatch(/--no-progress +no progress bars/);
    expect(help).toMatch(/--data PATH +a demo world folder/);
  });
});

describe('every command', () => {
  const COMMANDS = {
    'demo-world': DEMO_WORLD_OPTIONS,
    train: TRAIN_OPTIONS,
    evaluate: EVALUATE_OPTIONS,
    export: EXPORT_OPTIONS,
    start: START_OPTIONS,
    deploy: DEPLOY_OPTIONS,
  };

  it('that takes a shared flag takes the one declaration of it', () => {
    for (const shared of Object.values(SHARED)) {
      for (const [name, table] of Object.entries(COMMANDS)) {
        const own = Object.values(table).find((o) => o.flag === shared.flag);
        if (own) expect(own, `${name} --${shared.flag}`).toBe(shared);
      }
    }
  });

  it('that computes takes the data and backend flags; those that draw bars, --no-progress', () => {
    const flags = (table: object) => Object.values(table).map((o: { flag: string }) => o.flag);
    for (const table of [TRAIN_OPTIONS, EVALUATE_OPTIONS, EXPORT_OPTIONS]) {
      expect(flags(table)).toEqual(
        expect.arrayContaining(['data', 'format', 'features', 'backend', 'threads']),
      );
    }
    expect(flags(EVALUATE_OPTIONS)).toEqual(expect.arrayContaining(['run', 'checkpoint']));
    expect(flags(EXPORT_OPTIONS)).toEqual(expect.arrayContaining(['run', 'checkpoint']));
    expect(flags(TRAIN_OPTIONS)).toContain('no-progress');
    expect(flags(EXPORT_OPTIONS)).toContain('no-progress');
  });
});

describe('checkpointPath', () => {
  it("is --checkpoint, or --run's best.ckpt, which must exist", async () => {
    const file = join(tmp, 'model.ckpt');
    await writeFile(file, 'x');
    await writeFile(join(tmp, 'best.ckpt'), 'x');
    expect(checkpointPath({ run: undefined, checkpoint: file })).toBe(file);
    expect(checkpointPath({ run: tmp, checkpoint: file })).toBe(file);
    expect(checkpointPath({ run: tmp, checkpoint: undefined })).toBe(join(tmp, 'best.ckpt'));
    expect(() => checkpointPath({ run: undefined, checkpoint: undefined })).toThrow(
      new UsageError('--run or --checkpoint is required'),
    );
    const missing = join(tmp, 'nowhere', 'best.ckpt');
    expect(() => checkpointPath({ run: join(tmp, 'nowhere'), checkpoint: undefined })).toThrow(
      `${missing} does not exist`,
    );
  });
});

describe('loadOptions', () => {
  it('passes on only what was given', () => {
    expect(loadOptions({ format: undefined, features: undefined })).toEqual({});
    expect(loadOptions({ format: 'karpathy', features: 'f.npy' }, ['test'])).toEqual({
      format: 'karpathy',
      features: 'f.npy',
      splits: ['test'],
    });
  });

  it("with the backend flags, gives the loaders a way to compute a folder of photos' features", () => {
    const withBackend = loadOptions({
      format: undefined,
      features: undefined,
      backend: 'wasm',
      threads: 1,
      noProgress: true,
    });
    expect(Object.keys(withBackend)).toEqual(['computeFeatures']);
    expect(withBackend.computeFeatures).toBeTypeOf('function');
  });
});

describe('progressStream', () => {
  it('is stderr, or with --no-progress a stream on which Progress draws nothing', () => {
    expect(progressStream({ noProgress: false })).toBe(process.stderr);
    const quiet = progressStream({ noProgress: true });
    expect(quiet).toBe(QUIET_STREAM);
    // Not a terminal: Progress only writes whole lines to it (no cursor control), and they go nowhere.
    expect(quiet.isTTY).toBe(false);
    let clock = 0;
    const bar = new Progress({ total: 10, label: 'x', stream: quiet, now: () => clock });
    clock = 60_000;
    bar.update(5);
    bar.finish();
    expect(quiet.write('anything')).toBe(true);
  });
});
