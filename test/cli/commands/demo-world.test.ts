import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WORLD_OPTIONS } from '../../../cli/commands/demo-world.ts';
import { readDemoWorld } from '../../../trainer/demo/read-world.ts';
import { cli } from '../../support/run-cli.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'jointspace-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('jointspace demo-world', () => {
  it('writes a world that reads back, then leaves it alone when asked again', async () => {
    const out = join(tmp, 'w');
    const first = await cli(
      'demo-world',
      '--out',
      out,
      '--images',
      '200',
      '--val',
      '20',
      '--test',
      '20',
      '--seed',
      '3',
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/200 pictures \(160 train \/ 20 val \/ 20 test\), 1000 captions/);
    expect((await readDemoWorld(out)).meta.options.seed).toBe(3);

    const again = await cli(
      'demo-world',
      '--out',
      out,
      '--images',
      '200',
      '--val',
      '20',
      '--test',
      '20',
      '--seed',
      '3',
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/is up to date/);

    const changed = await cli(
      'demo-world',
      '--out',
      out,
      '--images',
      '200',
      '--val',
      '20',
      '--test',
      '20',
      '--seed',
      '4',
    );
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/already exists; pass --force to replace it/);
  });

  it('explains bad flags without a stack trace, exit code 2', async () => {
    const bad = await cli('demo-world', '--images', 'many');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--images expects a whole number, got "many"');
    expect(bad.stderr).not.toMatch(/\n\s+at /);

    const unknown = await cli('demo-world', '--colour', 'red');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--colour'/);

    const none = await cli('demo-world', '--images', '0');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--images must be at least 1, got 0');
    const noisy = await cli('demo-world', '--noise=-1');
    expect(noisy.code).toBe(2);
    expect(noisy.stderr).toContain('--noise must be at least 0, got -1');

    const impossible = await cli('demo-world', '--images', '10', '--val', '5', '--test', '5');
    expect(impossible.code).toBe(2);
    expect(impossible.stderr).toContain('val (5) + test (5) must leave training images out of 10');
  });

  it('lists its commands and options', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/demo-world\s+write the synthetic demo dataset/);
    const options = await cli('demo-world', '--help');
    expect(options.stdout).toMatch(/--images N/);
    for (const o of Object.values(DEMO_WORLD_OPTIONS)) {
      expect(options.stdout).toContain(`--${o.flag}`);
      expect(options.stdout).toContain(o.note);
    }
    expect(options.stdout).toMatch(/--images N +number of pictures \(default 4000\)/);
    expect(options.stdout).toMatch(/--out DIR +where to write it \(default data\/demo\)/);
    const wrong = await cli('trian');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/Unknown command "trian"/);
  });
});
