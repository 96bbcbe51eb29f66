import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SeedObject, seedLocalR2, WRANGLER_STATE } from '../../../cli/local/seed-r2.ts';

/**
 * Seeding the R2 bucket that `wrangler dev` simulates, for real: Miniflare persisting into a
 * temp state folder, read back by a second Miniflare opened on the same folder (as wrangler dev
 * opens it).
 */

const BUCKET = 'jointspace-models-test';
let root: string;
let stateDir: string;
let lines: string[];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'jointspace-seed-r2-'));
  stateDir = join(root, 'state');
  lines = [];
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(root, name);
  await writeFile(path, text);
  return path;
}

function seed(objects: readonly SeedObject[]): Promise<void> {
  return seedLocalR2(BUCKET, objects, { stateDir, log: (line) => lines.push(line) });
}

/** Every object in the persisted bucket, key -> text. */
async function stored(): Promise<Record<string, string>> {
  const mf = new Miniflare({
    modules: true,
    script: 'export default { fetch() { return new Response(null); } }',
    r2Buckets: { BUCKET },
    r2Persist: join(stateDir, 'v3', 'r2'),
  });
  try {
    const bucket = await mf.getR2Bucket('BUCKET');
    const out: Record<string, string> = {};
    for (const { key } of (await bucket.list()).objects) {
      out[key] = (await (await bucket.get(key))?.text()) ?? '';
    }
    return out;
  } finally {
    await mf.dispose();
  }
}

describe('seedLocalR2', () => {
  it("puts each file under its key, where wrangler dev's R2 finds it", async () => {
    await seed([
      { key: 'models/v1/manifest.json', path: await file('manifest.json', '{"version":"v1"}') },
      { key: 'models/v1/flat/images.float32.bin', path: await file('images.bin', 'BYTES') },
    ]);
    expect(lines).toEqual([
      '  put models/v1/manifest.json (16 bytes)',
      '  put models/v1/flat/images.float32.bin (5 bytes)',
    ]);
    expect(existsSync(join(stateDir, 'v3', 'r2', BUCKET))).toBe(true);
    expect(await stored()).toEqual({
      'models/v1/flat/images.float32.bin': 'BYTES',
      'models/v1/manifest.json': '{"version":"v1"}',
    });
  });

  it('skips what the bucket already holds, and replaces what changed, size or not', async () => {
    const same = await file('same.json', 'unchanged');
    const edited = await file('edited.json', 'aaaa');
    const grown = await file('grown.json', 'x');
    await seed([
      { key: 'same', path: same },
      { key: 'edited', path: edited },
      { key: 'grown', path: grown },
    ]);
    lines = [];
    await writeFile(edited, 'bbbb'); // same size, other bytes
    await writeFile(grown, 'xyz');
    await seed([
      { key: 'same', path: same },
      { key: 'edited', path: edited },
      { key: 'grown', path: grown },
    ]);
    expect(lines).toEqual(['  put edited (4 bytes)', '  put grown (3 bytes)']);
    expect(await stored()).toEqual({ edited: 'bbbb', grown: 'xyz', same: 'unchanged' });
  });

  it('keeps objects seeded before that are not named again', async () => {
    await seed([{ key: 'a', path: await file('a.txt', 'A') }]);
    await seed([{ key: 'b', path: await file('b.txt', 'B') }]);
    expect(await stored()).toEqual({ a: 'A', b: 'B' });
  });

  it('refuses a file that does not exist, naming the key and the path', async () => {
    const missing = join(root, 'missing.onnx');
    await expect(seed([{ key: 'models/v1/missing.onnx', path: missing }])).rejects.toThrow(
      `cannot seed models/v1/missing.onnx: ${missing} does not exist`,
    );
    expect(await stored()).toEqual({});
  });

  it("defaults to wrangler dev's own state folder", () => {
    expect(WRANGLER_STATE).toBe('.wrangler/state');
  });
});
