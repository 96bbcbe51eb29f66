import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '../../../trainer/data/npy.ts';
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

describe('readDemoWorld rejects a damaged world, naming the file', () => {
  async function damaged(edit: (d: string) => Promise<void>): Promise<string> {
    const d = join(root, `damaged-${Math.random().toString(36).slice(2)}`);
    await writeDemoWorld(generateDemoWorld({ ...OPTIONS, images: 60, val: 10, test: 10 }), d);
    await edit(d);
    return d;
  }

  it('a caption too few', async () => {
    const d = await damaged(async (d) => {
      const path = join(d, 'dataset_demo.json');
      const json = JSON.parse(await readFile(path, 'utf8'));
      json.images[7].sentences.pop();
      await writeFile(path, JSON.stringify(json));
    });
    await expect(readDemoWorld(d)).rejects.toThrow(
      /dataset_demo\.json: images\[7\] \(demo_000007\.svg\) has 4 captions, expected 5/,
    );
  });

  it('features of the wrong shape', async () => {
    const d = await damaged(async (d) => {
      const { encodeNpy } = await import('../../../trainer/data/npy.ts');
      await writeFile(join(d, 'feats.npy'), encodeNpy(new Float32Array(59 * 512), [59, 512]));
    });
    await expect(readDemoWorld(d)).rejects.toThrow(
      /feats\.npy: shape \(59, 512\), expected \(60, 512\)/,
    );
  });

  it('a NaN feature, naming its row', async () => {
    const d = await damaged(async (d) => {
      const npy = await readNpy(join(d, 'feats.npy'));
      npy.data[5 * 512 + 3] = Number.NaN;
      const { encodeNpy } = await import('../../../trainer/data/npy.ts');
      await writeFile(join(d, 'feats.npy'), encodeNpy(npy.data, npy.shape));
    });
    await expect(readDemoWorld(d)).rejects.toThrow(/feats\.npy: row 5 holds NaN/);
  });

  it('an analogy whose answer count is wrong', async () => {
    const d = await damaged(async (d) => {
      const path = join(d, 'analogies.json');
      const cases = JSON.parse(await readFile(path, 'utf8'));
      cases[2].matches += 1;
      await writeFile(path, JSON.stringify(cases));
    });
    await expect(readDemoWorld(d)).rejects.toThrow(
      /analogies\.json: case 2 claims \d+ answers, there are \d+/,
    );
  });

  it('a missing picture', async () => {
    const d = await damaged((d) => rm(join(d, 'images', 'demo_000003.svg')));
    await expect(readDemoWorld(d)).rejects.toThrow(/demo_000003\.svg: picture missing/);
  });
});
