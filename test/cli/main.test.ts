import { describe, expect, it } from 'vitest';
import { cli, cliWithEnv } from '../support/run-cli.ts';

// cli/main.ts runs when imported, so it is tested as people run it: as a process.

describe('jointspace (the command line)', () => {
  it('lists every command with a line each, for no command, -h, --help and help', async () => {
    for (const args of [[], ['-h'], ['--help'], ['help']]) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^Usage: jointspace <command> \[options\]/);
      for (const name of [
        'demo-world',
        'features',
        'train',
        'evaluate',
        'export',
        'start',
        'deploy',
      ])
        expect(r.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    }
  });

  it('refuses an unknown command with exit code 2 and the list', async () => {
    const r = await cli('trian');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Unknown command "trian"\./);
    expect(r.stderr).toContain('Usage: jointspace <command>');
  });

  it('answers a mistake in the call with exit code 2, the message and where help is', async () => {
    const r = await cli('train', '--data', 'data/nowhere', '--epochs', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "jointspace train: --epochs must be at least 1, got 0\nRun 'jointspace train --help' for usage.\n",
    );
    const unknown = await cli('evaluate', '--bogus');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^jointspace evaluate: Unknown option '--bogus'/);
  });

  it('answers a failure with exit code 1 and one line, the stack only with JOINTSPACE_DEBUG', async () => {
    const r = await cli('train', '--data', 'data/does-not-exist', '--backend', 'cpu');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/jointspace train: data\/does-not-exist: no such file or folder\n$/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const debug = await cliWithEnv(
      { JOINTSPACE_DEBUG: '1' },
      45_000,
      'train',
      '--data',
      'data/does-not-exist',
      '--backend',
      'cpu',
    );
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^\s+at .*load\.ts/m);
  });
});
