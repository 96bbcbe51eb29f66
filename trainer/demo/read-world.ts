import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WORLD_FILES, WORLD_GENERATOR } from '../data/demo-world-files.ts';
import { DatasetError, type KarpathyDataset, readKarpathy } from '../data/karpathy.ts';
import { readNpy } from '../data/npy.ts';
import { type AnalogyCase, matchesExpectation } from './analogies.ts';
import type { ImageAttributes } from './attributes.ts';
import type { AttributesFile, WorldMeta } from './write-world.ts';

export interface LoadedDemoWorld {
  dir: string;
  meta: WorldMeta;
  dataset: KarpathyDataset;
  features: Float32Array;
  dim: number;
  attributes: ImageAttributes[];
  analogies: AnalogyCase[];
}

async function readJson(path: string): Promise<unknown> {
  if (!existsSync(path)) throw new DatasetError(`${path}: missing`);
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new DatasetError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new DatasetError(message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads a demo world back and checks that its files agree with each other and with world.json:
 * image and caption counts, captions per image, the feature matrix's shape and finiteness, the
 * splits, the attribute ground truth, the pictures, and the analogy answers.
 */
export async function readDemoWorld(dir: string): Promise<LoadedDemoWorld> {
  const metaPath = join(dir, WORLD_FILES.meta);
  const metaJson = await readJson(metaPath);
  check(isObject(metaJson), `${metaPath}: not a demo world (not a JSON object)`);
  const meta = metaJson as unknown as WorldMeta;
  check(
    meta.generator === WORLD_GENERATOR,
    `${metaPath}: not a demo world (generator ${JSON.stringify(meta.generator)})`,
  );
  check(
    isObject(meta.counts) && isObject(meta.options) && isObject(meta.options.features),
    `${metaPath}: counts and options are missing (the world was not written completely)`,
  );
  const { counts, options } = meta;

  const datasetPath = join(dir, WORLD_FILES.dataset);
  const dataset = await readKarpathy(datasetPath);
  check(
    dataset.images.length === counts.images,
    `${datasetPath}: ${dataset.images.length} images, world.json says ${counts.images}`,
  );
  let captions = 0;
  dataset.images.forEach((im, i) => {
    check(im.imgid === i, `${datasetPath}: images[${i}] has imgid ${im.imgid}`);
    check(
      im.sentences.length === options.captionsPerImage,
      `${datasetPath}: images[${i}] (${im.filename}) has ${im.sentences.length} captions, expected ${options.captionsPerImage}`,
    );
    im.sentences.forEach((s, j) => {
      check(s.tokens.length > 0, `${datasetPath}: images[${i}] sentences[${j}] has no tokens`);
    });
    captions += im.sentences.length;
  });
  check(
    captions === counts.captions,
    `${datasetPath}: ${captions} captions, world.json says ${counts.captions}`,
  );
  for (const split of ['train', 'val', 'test'] as const) {
    const n = dataset.images.filter((im) => im.split === split).length;
    check(
      n === counts[split],
      `${datasetPath}: ${n} ${split} images, world.json says ${counts[split]}`,
    );
  }

  const featuresPath = join(dir, WORLD_FILES.features);
  check(existsSync(featuresPath), `${featuresPath}: missing`);
  const npy = await readNpy(featuresPath);
  const [rows, dim] = npy.shape;
  check(
    npy.shape.length === 2 && rows === counts.images && dim === options.features.dim,
    `${featuresPath}: shape (${npy.shape.join(', ')}), expected (${counts.images}, ${options.features.dim})`,
  );
  for (let i = 0; i < npy.data.length; i++) {
    const v = npy.data[i] as number;
    check(
      Number.isFinite(v) && v >= 0,
      `${featuresPath}: row ${Math.floor(i / dim)} holds ${v}; features must be finite and non-negative`,
    );
  }

  const attributesPath = join(dir, WORLD_FILES.attributes);
  const attrsJson = await readJson(attributesPath);
  check(
    isObject(attrsJson) && isObject(attrsJson.schema),
    `${attributesPath}: needs a schema of every attribute's values`,
  );
  const attrsFile = attrsJson as unknown as AttributesFile;
  check(
    Array.isArray(attrsFile.images) && attrsFile.images.length === counts.images,
    `${attributesPath}: needs one entry per image (${counts.images})`,
  );
  const attributes = attrsFile.images.map((a, i): ImageAttributes => {
    const image = dataset.images[i];
    check(
      a.filename === image?.filename && a.split === image.split,
      `${attributesPath}: images[${i}] is ${a.filename} (${a.split}), the dataset has ${image?.filename} (${image?.split})`,
    );
    check(
      attrsFile.schema.colour.includes(a.colour) &&
        attrsFile.schema.object.includes(a.object) &&
        attrsFile.schema.setting.includes(a.setting) &&
        attrsFile.schema.count.includes(a.count),
      `${attributesPath}: images[${i}] has a value outside the schema`,
    );
    check(
      existsSync(join(dir, WORLD_FILES.images, a.filename)),
      `${join(dir, WORLD_FILES.images, a.filename)}: picture missing`,
    );
    return {
      colour: a.colour,
      object: a.object,
      setting: a.setting,
      count: a.count,
    } as ImageAttributes;
  });

  const analogiesPath = join(dir, WORLD_FILES.analogies);
  const analogies = (await readJson(analogiesPath)) as AnalogyCase[];
  check(Array.isArray(analogies), `${analogiesPath}: expected a list of analogy cases`);
  check(
    analogies.length === meta.analogies,
    `${analogiesPath}: ${analogies.length} cases, world.json says ${meta.analogies}`,
  );
  const byId = new Map(attrsFile.images.map((a, i) => [a.id, i]));
  analogies.forEach((c, i) => {
    const row = byId.get(c.image);
    check(row !== undefined, `${analogiesPath}: case ${i} names unknown image ${c.image}`);
    const matches = attributes.filter((a) => matchesExpectation(a, c.expect)).length;
    check(
      matches === c.matches,
      `${analogiesPath}: case ${i} claims ${c.matches} answers, there are ${matches}`,
    );
  });

  return { dir, meta, dataset, features: npy.data, dim: dim as number, attributes, analogies };
}
