import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SeedObject, seedLocalR2, WRANGLER_STATE } from '../../../cli/local/seed-r2.ts';
import { readLocalBucket } from '../../support/local-bucket.ts';

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

/** Every object in the persisted bucket, key -> its text and stored Content-Type. */
async function storedObjects(): Promise<Record<string, { text: string; contentType?: string }>> {
  const objects = await readLocalBucket(stateDir, BUCKET);
  return Object.fromEntries(
    Object.entries(objects).map(([key, { bytes, contentType }]) => [
      key,
      { text: new TextDecoder().decode(bytes), ...(contentType ? { contentType } : {}) },
    ]),
  );
}

/** Every object in the persisted bucket, key -> text. */
async function stored(): Promise<Record<string, string>> {
  const objects = await storedObjects();
  return Object.fromEntries(Object.entries(objects).map(([key, { text }]) => [key, text]));
}

describe('seedLocalR2', () => {
  it("puts each file under its key, where wrangler dev's R2 finds it", async () => {
    await seed([
      { key: 'models/v1/manifest.json', path: await file('manifest.json', '{"version":"v1"}') },
      { key: 'models/v1/flat/images.float32.bin', path: await file('images.bin', 'BYTES') },
    ]);
    expect(lines.sort()).toEqual([
      '  put models/v1/flat/images.float32.bin (5 bytes)',
      '  put models/v1/manifest.json (16 bytes)',
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
    // Objects go up a few at a time: the log's order within a batch is the order they finished.
    expect(lines.sort()).toEqual(['  put edited (4 bytes)', '  put grown (3 bytes)']);
    expect(await stored()).toEqual({ edited: 'bbbb', grown: 'xyz', same: 'unchanged' });
  });

  it('stores an object marked afterEarlier only once every object before it is stored', async () => {
    const pictures = Array.from({ length: 20 }, (_, i) => ({
      key: `images/v1/p${i}.svg`,
      bytes: new TextEncoder().encode(`<svg>${i}</svg>`),
    }));
    const list = {
      key: 'images/v1.json',
      bytes: new TextEncoder().encode('[]'),
      afterEarlier: true,
    };
    await seed([...pictures, list]);
    expect(lines.at(-1)).toBe('  put images/v1.json (2 bytes)');
    expect(lines).toHaveLength(21);
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

  it('puts bytes made in memory as they are', async () => {
    const list = new TextEncoder().encode('{"version":"v1","files":[]}\n');
    await seed([{ key: 'images/v1.json', bytes: list }]);
    expect(lines).toEqual(['  put images/v1.json (28 bytes)']);
    expect(await stored()).toEqual({ 'images/v1.json': '{"version":"v1","files":[]}\n' });
    lines = [];
    await seed([{ key: 'images/v1.json', bytes: list }]);
    expect(lines).toEqual([]);
  });

  it("stores a content type as the object's httpMetadata, and none when not given", async () => {
    await seed([
      { key: 'images/v1/a.svg', path: await file('a.svg', '<svg/>'), contentType: 'image/svg+xml' },
      { key: 'images/v1.json', bytes: Uint8Array.of(123, 125), contentType: 'application/json' },
      { key: 'models/v1/vocab.json', path: await file('vocab.json', '[]') },
    ]);
    expect(await storedObjects()).toEqual({
      'images/v1/a.svg': { text: '<svg/>', contentType: 'image/svg+xml' },
      'images/v1.json': { text: '{}', contentType: 'application/json' },
      'models/v1/vocab.json': { text: '[]' },
    });
  });

  it('puts the same bytes again when their content type changed', async () => {
    const page = await file('graphiql.html', '<html></html>');
    await seed([{ key: 'static/graphiql.html', path: page }]);
    lines = [];
    await seed([{ key: 'static/graphiql.html', path: page, contentType: 'text/html' }]);
    expect(lines).toEqual(['  put static/graphiql.html (13 bytes)']);
    expect(await storedObjects()).toEqual({
      'static/graphiql.html': { text: '<html></html>', contentType: 'text/html' },
    });
    lines = [];
    await seed([{ key: 'static/graphiql.html', path: page, contentType: 'text/html' }]);
    expect(lines).toEqual([]);
  });

  it("defaults to wrangler dev's own state folder", () => {
    expect(WRANGLER_STATE).toBe('.wrangler/state');
  });
});
