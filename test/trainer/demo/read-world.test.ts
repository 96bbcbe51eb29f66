import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../../../trainer/data/karpathy.ts';
import { encodeNpy, readNpy } from '../../../trainer/data/npy.ts';
import { type LoadedDemoWorld, readDemoWorld } from '../../../trainer/demo/read-world.ts';
import { generateDemoWorld } from '../../../trainer/demo/world.ts';
import { tempDir } from '../../support/datasets.ts';
import { SMALL_WORLD, writeSmallWorld } from '../../support/small-demo-world.ts';

const DIM = SMALL_WORLD.features.dim;

let pristine: string;
let good: LoadedDemoWorld;
beforeAll(async () => {
  pristine = await writeSmallWorld();
  good = await readDemoWorld(pristine);
});

/** A parsed JSON file that holds an images list (world.json, the split file, attributes). */
type Json = Record<string, unknown> & { images: Record<string, unknown>[] };

/** Edits one JSON file in place. */
async function editJson<T>(path: string, edit: (json: T) => void): Promise<void> {
  const json = JSON.parse(await readFile(path, 'utf8')) as T;
  edit(json);
  await writeFile(path, JSON.stringify(json));
}

/** A copy of the pristine world, damaged by `edit`. */
async function damaged(edit: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(await tempDir(), 'world');
  await cp(pristine, dir, { recursive: true });
  await edit(dir);
  return dir;
}

const meta = (d: string) => join(d, 'world.json');
const dataset = (d: string) => join(d, 'dataset_demo.json');
const attributes = (d: string) => join(d, 'attributes.json');
const analogies = (d: string) => join(d, 'analogies.json');

describe('readDemoWorld', () => {
  it('reads a written world back whole, holding the generated values', async () => {
    const world = generateDemoWorld(SMALL_WORLD);
    const w = await readDemoWorld(pristine);
    expect(w.dir).toBe(pristine);
    expect(w.meta.counts).toEqual({ images: 60, captions: 300, train: 40, val: 10, test: 10 });
    expect(w.meta.options).toEqual(SMALL_WORLD);
    expect(w.dim).toBe(DIM);
    expect(w.features).toEqual(world.features);
    expect(w.attributes).toEqual(world.images.map((im) => im.attributes));
    expect(w.dataset.images.map((im) => im.sentences.map((s) => s.raw))).toEqual(
      world.images.map((im) => im.captions),
    );
    expect(w.analogies).toHaveLength(w.meta.analogies);
    expect(w.analogies.length).toBeGreaterThan(0);
  });
});

describe('readDemoWorld rejects a damaged world, naming the file', () => {
  it('a missing or unreadable world.json, or one from another generator', async () => {
    const gone = await damaged((d) => rm(meta(d)));
    await expect(readDemoWorld(gone)).rejects.toThrow(new DatasetError(`${meta(gone)}: missing`));
    const broken = await damaged((d) => writeFile(meta(d), '{'));
    await expect(readDemoWorld(broken)).rejects.toThrow(`${meta(broken)}: not valid JSON (`);
    const other = await damaged((d) =>
      editJson<Record<string, unknown>>(meta(d), (m) => {
        m.generator = 'someone-else';
      }),
    );
    await expect(readDemoWorld(other)).rejects.toThrow(
      `${meta(other)}: not a demo world (generator "someone-else")`,
    );
  });

  it('a world.json that is not an object or lacks its counts, attributes without a schema, no features', async () => {
    const notObject = await damaged((d) => writeFile(meta(d), 'null'));
    await expect(readDemoWorld(notObject)).rejects.toThrow(
      new DatasetError(`${meta(notObject)}: not a demo world (not a JSON object)`),
    );
    const noCounts = await damaged((d) =>
      editJson<Record<string, unknown>>(meta(d), (m) => {
        delete m.counts;
      }),
    );
    await expect(readDemoWorld(noCounts)).rejects.toThrow(`${meta(noCounts)}: counts and options`);
    const noSchema = await damaged((d) =>
      editJson<Record<string, unknown>>(attributes(d), (m) => {
        delete m.schema;
      }),
    );
    await expect(readDemoWorld(noSchema)).rejects.toThrow(
      `${attributes(noSchema)}: needs a schema of every attribute's values`,
    );
    const noFeatures = await damaged((d) => rm(join(d, 'feats.npy')));
    await expect(readDemoWorld(noFeatures)).rejects.toThrow(
      new DatasetError(`${join(noFeatures, 'feats.npy')}: missing`),
    );
  });

  it('an image count that disagrees with world.json', async () => {
    const d = await damaged((d) =>
      editJson<{ counts: { images: number } }>(meta(d), (m) => {
        m.counts.images = 61;
      }),
    );
    await expect(readDemoWorld(d)).rejects.toThrow(`${dataset(d)}: 60 images, world.json says 61`);
  });

  it('an image out of place', async () => {
    const d = await damaged((d) =>
      editJson<Json>(dataset(d), (k) => {
        k.images[4]!.imgid = 40;
      }),
    );
    await expect(readDemoWorld(d)).rejects.toThrow(`${dataset(d)}: images[4] has imgid 40`);
  });

  it('a caption too few', async () => {
    const d = await damaged((d) =>
      editJson<Json>(dataset(d), (k) => {
        (k.images[7]!.sentences as unknown[]).pop();
      }),
    );
    await expect(readDemoWorld(d)).rejects.toThrow(
      `${dataset(d)}: images[7] (demo_000007.svg) has 4 captions, expected 5`,
    );
  });

  it('a caption without tokens', async () => {
    const d = await damaged((d) =>
      editJson<Json>(dataset(d), (k) => {
        (k.images[2]!.sentences as { tokens: string[] }[])[1]!.tokens = [];
      }),
    );
    await expect(readDemoWorld(d)).rejects.toThrow(
      `${dataset(d)}: images[2] sentences[1] has no tokens`,
    );
  });

  it('caption and split counts that disagree with world.json', async () => {
    const captions = await damaged((d) =>
      editJson<{ counts: { captions: number } }>(meta(d), (m) => {
        m.counts.captions = 299;
      }),
    );
    await expect(readDemoWorld(captions)).rejects.toThrow(
      `${dataset(captions)}: 300 captions, world.json says 299`,
    );
    const val = await damaged((d) =>
      editJson<{ counts: { val: number } }>(meta(d), (m) => {
        m.counts.val = 11;
      }),
    );
    await expect(readDemoWorld(val)).rejects.toThrow(
      `${dataset(val)}: 10 val images, world.json says 11`,
    );
  });

  it('features of the wrong shape', async () => {
    const d = await damaged((d) =>
      writeFile(join(d, 'feats.npy'), encodeNpy(new Float32Array(59 * DIM), [59, DIM])),
    );
    await expect(readDemoWorld(d)).rejects.toThrow(
      `${join(d, 'feats.npy')}: shape (59, 16), expected (60, 16)`,
    );
  });

  it.each([
    [Number.NaN, 'NaN'],
    [-1, '-1'],
  ])('a feature of %s, naming its row', async (bad, text) => {
    const d = await damaged(async (d) => {
      const npy = await readNpy(join(d, 'feats.npy'));
      npy.data[5 * DIM + 3] = bad;
      await writeFile(join(d, 'feats.npy'), encodeNpy(npy.data, npy.shape));
    });
    await expect(readDemoWorld(d)).rejects.toThrow(
      `${join(d, 'feats.npy')}: row 5 holds ${text}; features must be finite and non-negative`,
    );
  });

  it('attributes missing an image', async () => {
    const d = await damaged((d) =>
      editJson<Json>(attributes(d), (a) => {
        a.images.pop();
      }),
    );
    await expect(readDemoWorld(d)).rejects.toThrow(
      `${attributes(d)}: needs one entry per image (60)`,
    );
  });

  it('attributes of another picture', async () => {
    const d = await damaged((d) =>
      editJson<Json>(attributes(d), (a) => {
        a.images.reverse();
      }),
    );
    const first = good.dataset.images[0]!;
    const last = good.dataset.images[59]!;
    await expect(readDemoWorld(d)).rejects.toThrow(
      `${attributes(d)}: images[0] is demo_000059.svg (${last.split}), the dataset has demo_000000.svg (${first.split})`,
    );
  });

  it('an attribute value outside the schema', async () => {
    const d = await damaged((d) =>
      editJson<Json>(attributes(d), (a) => {
        a.images[3]!.colour = 'pink';
      }),
    );
    await expect(readDemoWorld(d)).rejects.toThrow(
      `${attributes(d)}: images[3] has a value outside the schema`,
    );
  });

  it('a missing picture', async () => {
    const d = await damaged((d) => rm(join(d, 'images', 'demo_000003.svg')));
    await expect(readDemoWorld(d)).rejects.toThrow(
      `${join(d, 'images', 'demo_000003.svg')}: picture missing`,
    );
  });

  it('analogies that are not a list, or not as many as world.json says', async () => {
    const notList = await damaged((d) => writeFile(analogies(d), '{}'));
    await expect(readDemoWorld(notList)).rejects.toThrow(
      `${analogies(notList)}: expected a list of analogy cases`,
    );
    const short = await damaged((d) =>
      editJson<unknown[]>(analogies(d), (cases) => {
        cases.pop();
      }),
    );
    const n = good.meta.analogies;
    await expect(readDemoWorld(short)).rejects.toThrow(
      `${analogies(short)}: ${n - 1} cases, world.json says ${n}`,
    );
  });

  it('an analogy on an unknown picture', async () => {
    const d = await damaged((d) =>
      editJson<{ image: string }[]>(analogies(d), (cases) => {
        cases[0]!.image = 'demo_999999';
      }),
    );
    await expect(readDemoWorld(d)).rejects.toThrow(
      `${analogies(d)}: case 0 names unknown image demo_999999`,
    );
  });

  it('an analogy whose answer count is wrong', async () => {
    const d = await damaged((d) =>
      editJson<{ matches: number }[]>(analogies(d), (cases) => {
        cases[2]!.matches += 1;
      }),
    );
    const right = good.analogies[2]!.matches;
    await expect(readDemoWorld(d)).rejects.toThrow(
      `${analogies(d)}: case 2 claims ${right + 1} answers, there are ${right}`,
    );
  });
});
