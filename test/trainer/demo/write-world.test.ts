import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDemoWorld } from '../../../trainer/demo/read-world.ts';
import {
  DEFAULT_WORLD_OPTIONS,
  type DemoWorldOptions,
  generateDemoWorld,
} from '../../../trainer/demo/world.ts';
import { isUpToDate, writeDemoWorld } from '../../../trainer/demo/write-world.ts';

const OPTIONS: DemoWorldOptions = {
  ...DEFAULT_WORLD_OPTIONS,
  images: 400,
  val: 50,
  test: 50,
  seed: 11,
};
let root: string;
let dir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jointspace-world-'));
  dir = join(root, 'world');
  await writeDemoWorld(generateDemoWorld(OPTIONS), dir);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('a written demo world', () => {
  it('reads back whole and consistent', async () => {
    const w = await readDemoWorld(dir);
    expect(w.meta.counts).toEqual({ images: 400, captions: 2000, train: 300, val: 50, test: 50 });
    expect(w.dataset.images).toHaveLength(400);
    expect(w.dataset.images.every((im) => im.sentences.length === 5)).toBe(true);
    expect(w.dim).toBe(512);
    expect(w.features).toHaveLength(400 * 512);
    expect(w.attributes).toHaveLength(400);
    expect(w.analogies.length).toBe(w.meta.analogies);
    expect(w.analogies.length).toBeGreaterThan(200);
  });

  it('holds the generated values exactly', async () => {
    const world = generateDemoWorld(OPTIONS);
    const w = await readDemoWorld(dir);
    expect(w.features).toEqual(world.features);
    expect(w.attributes).toEqual(world.images.map((im) => im.attributes));
    expect(w.dataset.images.map((im) => im.sentences.map((s) => s.raw))).toEqual(
      world.images.map((im) => im.captions),
    );
  });

  it('has one SVG picture per image and nothing half-written beside it', async () => {
    expect((await readdir(join(dir, 'images'))).length).toBe(400);
    expect((await readdir(root)).sort()).toEqual(['world']);
  });

  it('knows when it is up to date', async () => {
    expect(await isUpToDate(dir, OPTIONS)).toBe(true);
    expect(await isUpToDate(dir, { ...OPTIONS, seed: 12 })).toBe(false);
    expect(await isUpToDate(join(root, 'nowhere'), OPTIONS)).toBe(false);
  });

  it('is not replaced without force, and is replaced whole with it', async () => {
    const other = join(root, 'other');
    await writeDemoWorld(generateDemoWorld({ ...OPTIONS, images: 100, val: 10, test: 10 }), other);
    await expect(writeDemoWorld(generateDemoWorld(OPTIONS), other)).rejects.toThrow(
      `${other} already exists; pass --force to replace it`,
    );
    await writeDemoWorld(generateDemoWorld(OPTIONS), other, { force: true });
    expect((await readDemoWorld(other)).meta.counts.images).toBe(400);
    await rm(other, { recursive: true });
  });
});
