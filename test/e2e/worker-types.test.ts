import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * worker/worker-configuration.d.ts is generated from wrangler.toml (`npm run types`); this fails
 * when wrangler.toml changed since. worker/cloudflare-env.d.ts adds only what a deploy chooses;
 * it must not redeclare a generated key (in .d.ts files, skipLibCheck would hide the clash).
 */

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const GENERATED = 'worker/worker-configuration.d.ts';

/** The property names of the first `interface Env {...}` inside `declare namespace Cloudflare`. */
function envKeys(text: string): string[] {
  const body = /interface Env \{([^}]*)\}/.exec(text)?.[1] ?? '';
  return [...body.matchAll(/^\s*(\w+)\??:/gm)].map((m) => m[1] ?? '');
}

describe('the worker Env types', () => {
  it('are up to date with wrangler.toml', async () => {
    const result = await run(
      join(ROOT, 'node_modules/.bin/wrangler'),
      ['types', GENERATED, '--check'],
      { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
    ).catch((e: { stdout?: string; stderr?: string }) => e);
    expect(`${result.stdout ?? ''}${result.stderr ?? ''}`).toContain('are up to date');
  }, 60_000);

  it('are extended by hand only with keys wrangler.toml cannot declare', async () => {
    const generated = envKeys(await readFile(join(ROOT, GENERATED), 'utf8'));
    const extra = envKeys(await readFile(join(ROOT, 'worker/cloudflare-env.d.ts'), 'utf8'));
    expect(generated).toContain('MODELS');
    expect(extra).toContain('RETRIEVAL_IMAGES');
    expect(extra.filter((k) => generated.includes(k))).toEqual([]);
  });
});
