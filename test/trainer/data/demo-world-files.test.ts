import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WORLD_FILES, WORLD_GENERATOR } from '../../../trainer/data/demo-world-files.ts';
import { readNpy } from '../../../trainer/data/npy.ts';
import { SMALL_WORLD, writeSmallWorld } from '../../support/small-demo-world.ts';

let dir: string;
beforeAll(async () => {
  dir = await writeSmallWorld();
});

describe('WORLD_FILES', () => {
  it('names every file a written world holds, and nothing else', async () => {
    expect((await readdir(dir)).sort()).toEqual(Object.values(WORLD_FILES).sort());
    expect(WORLD_FILES).toMatchObject({ meta: 'world.json', features: 'feats.npy' });
  });

  it('holds what each name promises', async () => {
    const meta = JSON.parse(await readFile(join(dir, WORLD_FILES.meta), 'utf8'));
    expect(meta.generator).toBe(WORLD_GENERATOR);
    expect(WORLD_GENERATOR).toBe('jointspace-demo-world');
    const dataset = JSON.parse(await readFile(join(dir, WORLD_FILES.dataset), 'utf8')) as {
      images: { filename: string }[];
    };
    expect(dataset.images).toHaveLength(SMALL_WORLD.images);
    expect((await readNpy(join(dir, WORLD_FILES.features))).shape).toEqual([60, 16]);
    // One picture per image, named by the image's file name.
    const filenames = dataset.images.map((im) => im.filename).sort();
    expect((await readdir(join(dir, WORLD_FILES.images))).sort()).toEqual(filenames);
  });
});
