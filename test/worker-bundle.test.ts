import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The worker as wrangler bundles it for deployment (`wrangler deploy --dry-run`, no account
 * needed): what goes in must be the worker's own code, ONNX Runtime and GraphQL, and never the
 * trainer's TensorFlow.js.
 */

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
let out: string;
let files: { name: string; bytes: Buffer }[];

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'jointspace-bundle-'));
  await run(join(ROOT, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', out], {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    maxBuffer: 1 << 24,
  });
  files = await Promise.all(
    (await readdir(out)).map(async (name) => ({ name, bytes: await readFile(join(out, name)) })),
  );
}, 120_000);
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('the worker bundle', () => {
  it('contains no TensorFlow.js', () => {
    const script = files.find((f) => f.name.endsWith('.js'));
    expect(script, files.map((f) => f.name).join(', ')).toBeDefined();
    for (const f of files.filter((x) => x.name.endsWith('.js') || x.name.endsWith('.mjs'))) {
      const text = f.bytes.toString('utf8');
      expect(text).not.toMatch(/@tensorflow|tfjs-core|tfjs-backend/);
    }
    // It does hold what the worker needs: ORT's compiled wasm beside the script, and yoga.
    expect(files.some((f) => f.name.endsWith('.wasm'))).toBe(true);
    expect(script?.bytes.toString('utf8')).toContain('graphql');
  });

  it('is within the paid plan limit of 10 MB gzip, and says how big it is', () => {
    const gzip = files.reduce((n, f) => n + gzipSync(f.bytes).length, 0);
    const raw = files.reduce((n, f) => n + f.bytes.length, 0);
    console.log(
      `worker bundle: ${(raw / 2 ** 20).toFixed(1)} MiB, ${(gzip / 2 ** 20).toFixed(2)} MiB gzip (${files.map((f) => f.name).join(', ')})`,
    );
    expect(gzip).toBeLessThan(10 * 2 ** 20);
  });
});
