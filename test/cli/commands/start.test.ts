import { describe, expect, it } from 'vitest';
import { START_OPTIONS } from '../../../cli/commands/start.ts';
import { cli } from '../../support/run-cli.ts';

/** `jointspace start`'s flags (running it end to end is test/e2e's business). */

describe('jointspace start', () => {
  it('has help that names every flag with its default', async () => {
    const r = await cli('start', '--help');
    expect(r.code).toBe(0);
    for (const o of Object.values(START_OPTIONS)) {
      expect(r.stdout).toContain(`--${o.flag}`);
      expect(r.stdout).toContain(o.note);
    }
    expect(r.stdout).toMatch(/--port N +where the worker listens \(default 8787\)/);
    expect(r.stdout).toMatch(/--vectors E +float32 \| int8: .*\(default float32\)/s);
    expect(r.stdout).toMatch(/--no-serve +prepare and seed only/);
  });

  it('refuses a bad flag before doing anything, naming it, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--port', '0'], /--port must be at least 1, got 0/],
      [['--port', '70000'], /--port must be at most 65535, got 70000/],
      [['--vectors', 'int4'], /--vectors must be one of float32, int8; got "int4"/],
    ];
    for (const [args, message] of cases) {
      const r = await cli('start', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain("Run 'jointspace start --help' for usage.");
    }
  });
});
