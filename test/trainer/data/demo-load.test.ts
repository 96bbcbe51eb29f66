import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDemoWorldDataset } from '../../../trainer/data/demo-load.ts';
import { DatasetError } from '../../../trainer/data/karpathy.ts';
import { generateDemoWorld } from '../../../trainer/demo/world.ts';
import { row, tempDir } from '../../support/datasets.ts';
import { SMALL_WORLD, writeSmallWorld } from '../../support/small-demo-world.ts';

let dir: string;
beforeAll(async () => {
  dir = await writeSmallWorld();
});

describe('loadDemoWorldDataset', () => {
  it('loads a world folder through its split file and features', async () => {
    const d = await loadDemoWorldDataset(dir);
    expect(d).toMatchObject({ name: 'jointspace-demo', format: 'demo', source: dir });
    expect(Object.keys(d.splits)).toEqual(['train', 'val', 'test']);
    expect(d.splits.train?.imageIds.length).toBe(40);
    expect(d.splits.val?.imageIds.length).toBe(10);
    expect(d.splits.test?.captions.length).toBe(50);
    const train = d.splits.train!;
    expect(train.dim).toBe(16);
    // Row 3 of a split holds the generated features and captions of the picture it names.
    const world = generateDemoWorld(SMALL_WORLD);
    const picture = world.images.find((im) => im.filename === train.imageIds[3]);
    expect(row(train.features, 16, 3)).toEqual(row(world.features, 16, picture!.imgid));
    expect(train.captions.slice(15, 20)).toEqual(picture!.captions);
  });

  it('takes the world.json path as the world', async () => {
    const d = await loadDemoWorldDataset(join(dir, 'world.json'));
    expect(d.source).toBe(dir);
    expect(d.splits.val?.imageIds.length).toBe(10);
  });

  it('loads only the splits asked for', async () => {
    const d = await loadDemoWorldDataset(dir, { splits: ['test', 'val'] });
    expect(Object.keys(d.splits)).toEqual(['val', 'test']);
  });

  it('refuses a path that is not there, or is not a world', async () => {
    const nope = join(dir, 'nope');
    await expect(loadDemoWorldDataset(nope)).rejects.toThrow(
      new DatasetError(`${nope}: no such file or folder`),
    );
    const images = join(dir, 'images');
    await expect(loadDemoWorldDataset(images)).rejects.toThrow(
      `${images}: not a demo world (no world.json)`,
    );
    // A world's other files do not stand for the world.
    const split = join(dir, 'dataset_demo.json');
    await expect(loadDemoWorldDataset(split)).rejects.toThrow(
      `${split}: not a demo world (no world.json)`,
    );
  });

  it('refuses a world.json that is not JSON, or from another generator', async () => {
    const fake = await tempDir();
    const meta = join(fake, 'world.json');
    await writeFile(meta, '{"generator": ');
    await expect(loadDemoWorldDataset(fake)).rejects.toThrow(`${meta}: not valid JSON (`);
    await writeFile(meta, '{"generator": "someone-else"}');
    await expect(loadDemoWorldDataset(fake)).rejects.toThrow(
      `${meta}: not a demo world (generator "someone-else", expected jointspace-demo-world)`,
    );
    await writeFile(meta, 'null');
    await expect(loadDemoWorldDataset(fake)).rejects.toThrow(
      `${meta}: not a demo world (generator undefined, expected jointspace-demo-world)`,
    );
  });

  it('reads the features from the world, not from any .npy beside them', async () => {
    const world = await writeSmallWorld();
    await rename(join(world, 'feats.npy'), join(world, 'other.npy'));
    await expect(loadDemoWorldDataset(world)).rejects.toThrow(
      `${join(world, 'feats.npy')}: features file not found`,
    );
  });
});
