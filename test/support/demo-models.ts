import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { r2ObjectsOf } from '../../cli/local/r2-objects.ts';
import { loadDataset } from '../../trainer/data/load.ts';
import type { AnalogyCase } from '../../trainer/demo/analogies.ts';
import type { AttributesFile } from '../../trainer/demo/write-world.ts';
import { exportDemoVersions, TEST_VERSIONS } from './demo-versions.ts';

/**
 * Global setup of the workerd tests, run in Node before them: a demo world, a small model per
 * space trained on it, exported, and turned into the R2 objects the worker reads. The objects
 * travel to the tests through vitest's provide/inject (base64), and each test file puts them in
 * its own simulated bucket. The world's analogy cases and attributes come along for the
 * analogy test.
 */

export interface DemoModels {
  objects: { key: string; base64: string }[];
  /** Analogy cases of the world, with vector ids (file names) for the images. */
  analogies: (AnalogyCase & { imageId: string })[];
  /** Vector id -> the picture's attributes. */
  attributes: Record<string, { colour: string; object: string; setting: string; count: number }>;
  /** A test-split image id, its CNN features and one of its captions. */
  sample: { imageId: string; features: number[]; caption: string };
}

declare module 'vitest' {
  export interface ProvidedContext {
    demoModels: DemoModels;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), 'jointspace-worker-models-'));
  await exportDemoVersions(root);
  const objects: DemoModels['objects'] = [];
  for (const version of Object.values(TEST_VERSIONS)) {
    // Both encodings' flat files, so that the tests can serve either.
    const seen = new Set<string>();
    for (const encoding of ['float32', 'int8'] as const) {
      for (const o of await r2ObjectsOf(join(root, 'artifacts'), version, encoding)) {
        if (seen.has(o.key)) continue;
        seen.add(o.key);
        objects.push({ key: o.key, base64: (await readFile(o.path)).toString('base64') });
      }
    }
  }
  const dataset = await loadDataset(join(root, 'world'), { splits: ['test'] });

  const attributesFile = JSON.parse(
    await readFile(join(root, 'world', 'attributes.json'), 'utf8'),
  ) as AttributesFile;
  const fileOf = new Map(attributesFile.images.map((im) => [im.id, im.filename]));
  const attributes: DemoModels['attributes'] = {};
  for (const im of attributesFile.images)
    attributes[im.filename] = {
      colour: im.colour,
      object: im.object,
      setting: im.setting,
      count: im.count,
    };
  const cases = JSON.parse(
    await readFile(join(root, 'world', 'analogies.json'), 'utf8'),
  ) as AnalogyCase[];
  const test = dataset.splits.test;
  if (!test) throw new Error('the test world has no test split');
  project.provide('demoModels', {
    objects,
    analogies: cases.map((c) => ({ ...c, imageId: fileOf.get(c.image) ?? c.image })),
    attributes,
    sample: {
      imageId: test.imageIds[0] as string,
      features: Array.from(test.features.subarray(0, test.dim)),
      caption: test.captions[0] as string,
    },
  });
  return async () => {
    await rm(root, { recursive: true, force: true });
  };
}
