import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The worker as wrangler bundles it for deployment (`wrangler deploy --dry-run`, no account
 * needed), locally and as production deploys it (wrangler.toml's [env.production]): what goes in
 * must be the worker's own code, ONNX Runtime and GraphQL, and never the trainer's TensorFlow.js;
 * and it must fit the Workers script size limit.
 */

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const MIB = 2 ** 20;
/** Script size limits after gzip, as wrangler 4.86 measures them (REFERENCE.md, Workers). */
const LIMITS = { free: 3 * MIB, paid: 10 * MIB };

interface Bundle {
  output: string;
  /** What wrangler uploads: the modules, not the source map or the README it writes. */
  files: { name: string; bytes: Buffer }[];
}

async function dryRun(out: string, env: string | undefined): Promise<Bundle> {
  // `--env ''` is wrangler's way to name the top level (else it warns that envs exist).
  const args = ['deploy', '--dry-run', '--outdir', out, '--env', env ?? ''];
  const { stdout, stderr } = await run(join(ROOT, 'node_modules/.bin/wrangler'), args, {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    maxBuffer: 1 << 24,
  });
  const names = (await readdir(out)).filter((n) => !n.endsWith('.map') && n !== 'README.md');
  const files = await Promise.all(
    names.map(async (name) => ({ name, bytes: await readFile(join(out, name)) })),
  );
  return { output: stripVTControlCharacters(`${stdout}${stderr}`), files };
}

describe.each([
  { label: 'local default', env: undefined },
  { label: 'production', env: 'production' },
])('the worker bundle ($label)', ({ env }) => {
  let out: string;
  let bundle: Bundle;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'jointspace-bundle-'));
    bundle = await dryRun(out, env);
  }, 120_000);
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('contains no TensorFlow.js', () => {
    const { files } = bundle;
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

  it('binds the bucket of its env, and production its vars', () => {
    // Both name jointspace-models: locally it is Miniflare's simulation, so the name is free.
    expect(bundle.output).toContain('env.MODELS (jointspace-models)');
    if (env) expect(bundle.output).toContain('env.VECTOR_INDEX ("vectorize")');
  });

  it('is within the paid plan limit of 10 MiB gzip, and says how big it is', () => {
    // Wrangler's own figure: every module concatenated, gzipped as one stream.
    const reported = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(bundle.output);
    expect(reported, bundle.output).not.toBeNull();
    const raw = Number(reported?.[1]) * 1024;
    const gzip = Number(reported?.[2]) * 1024;
    // The same measured here from the files, so that the figure is not only wrangler's word.
    const all = Buffer.concat(bundle.files.map((f) => f.bytes));
    expect(all.length).toBeCloseTo(raw, -2);
    // (gzip depends a little on the order of the files, which wrangler does not expose.)
    expect(Math.abs(gzipSync(all).length - gzip) / gzip).toBeLessThan(0.01);
    const pct = (limit: number) => `${((gzip / limit) * 100).toFixed(0)}%`;
    console.log(
      `worker bundle (${env ?? 'local'}): ${(raw / MIB).toFixed(2)} MiB, ${(gzip / MIB).toFixed(2)} MiB gzip: ${pct(LIMITS.free)} of the free plan's ${LIMITS.free / MIB} MiB, ${pct(LIMITS.paid)} of the paid plan's ${LIMITS.paid / MIB} MiB (${bundle.files.map((f) => `${f.name} ${(f.bytes.length / MIB).toFixed(2)} MiB`).join(', ')})`,
    );
    expect(gzip).toBeLessThan(LIMITS.paid);
  });
});
