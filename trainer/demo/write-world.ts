import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WORLD_FILES, WORLD_GENERATOR } from '../data/demo-world-files.ts';
import { encodeNpy } from '../data/npy.ts';
import { type AnalogyCase, makeAnalogyCases } from './analogies.ts';
import { COLOUR_NAMES, COUNT_VALUES, OBJECT_NAMES, SETTING_NAMES } from './attributes.ts';
import { renderSvg } from './svg.ts';
import { type DemoWorld, type DemoWorldOptions, GENERATOR_VERSION, toKarpathy } from './world.ts';

export interface WorldMeta {
  generator: typeof WORLD_GENERATOR;
  version: number;
  options: DemoWorldOptions;
  counts: { images: number; captions: number; train: number; val: number; test: number };
  featureShape: [number, number];
  analogies: number;
}

export interface AttributesFile {
  schema: { colour: string[]; object: string[]; setting: string[]; count: number[] };
  images: {
    id: string;
    filename: string;
    split: string;
    colour: string;
    object: string;
    setting: string;
    count: number;
  }[];
}

export function worldMeta(world: DemoWorld, analogies: AnalogyCase[]): WorldMeta {
  const count = (split: string) => world.images.filter((im) => im.split === split).length;
  return {
    generator: WORLD_GENERATOR,
    version: GENERATOR_VERSION,
    options: world.options,
    counts: {
      images: world.images.length,
      captions: world.images.reduce((sum, im) => sum + im.captions.length, 0),
      train: count('train'),
      val: count('val'),
      test: count('test'),
    },
    featureShape: [world.images.length, world.options.features.dim],
    analogies: analogies.length,
  };
}

/** JSON with object keys sorted, so that equal options compare equal as text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}

/** True when `dir` holds a complete world made by this generator version from these options. */
export async function isUpToDate(dir: string, options: DemoWorldOptions): Promise<boolean> {
  try {
    const meta = JSON.parse(await readFile(join(dir, WORLD_FILES.meta), 'utf8')) as WorldMeta;
    return (
      meta.generator === WORLD_GENERATOR &&
      meta.version === GENERATOR_VERSION &&
      canonical(meta.options) === canonical(options)
    );
  } catch {
    return false;
  }
}

/**
 * Writes the world into `dir`. Everything goes to a sibling folder first and is renamed into
 * place at the end, so an interrupted run never leaves a half-written world behind, and an
 * existing world is only replaced (with `force`) by a complete one.
 */
export async function writeDemoWorld(
  world: DemoWorld,
  dir: string,
  { force = false }: { force?: boolean } = {},
): Promise<WorldMeta> {
  if (existsSync(dir) && !force) {
    throw new Error(`${dir} already exists; pass --force to replace it`);
  }
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  try {
    await mkdir(join(partial, WORLD_FILES.images), { recursive: true });
    const analogies = makeAnalogyCases(world);
    const meta = worldMeta(world, analogies);
    const attributes: AttributesFile = {
      schema: {
        colour: COLOUR_NAMES,
        object: OBJECT_NAMES,
        setting: SETTING_NAMES,
        count: COUNT_VALUES,
      },
      images: world.images.map((im) => ({
        id: im.id,
        filename: im.filename,
        split: im.split,
        ...im.attributes,
      })),
    };
    await writeFile(join(partial, WORLD_FILES.dataset), JSON.stringify(toKarpathy(world)));
    await writeFile(
      join(partial, WORLD_FILES.features),
      encodeNpy(world.features, meta.featureShape),
    );
    await writeFile(join(partial, WORLD_FILES.attributes), JSON.stringify(attributes));
    await writeFile(
      join(partial, WORLD_FILES.analogies),
      `${JSON.stringify(analogies, null, 1)}\n`,
    );
    for (const im of world.images) {
      await writeFile(
        join(partial, WORLD_FILES.images, im.filename),
        renderSvg(im.attributes, im.captions[0] ?? im.id),
      );
    }
    // world.json last: its presence marks a complete world.
    await writeFile(join(partial, WORLD_FILES.meta), `${JSON.stringify(meta, null, 2)}\n`);
    if (existsSync(dir)) {
      const old = `${dir}.old-${process.pid}`;
      await rename(dir, old);
      await rename(partial, dir);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(partial, dir);
    }
    return meta;
  } catch (e) {
    await rm(partial, { recursive: true, force: true });
    throw e;
  }
}
