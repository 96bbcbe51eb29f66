import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Dataset, SplitName } from './dataset.ts';
import { WORLD_FILES, WORLD_GENERATOR } from './demo-world-files.ts';
import { DatasetError } from './karpathy.ts';
import { loadKarpathy } from './karpathy-load.ts';

/**
 * A demo world folder (world.json, dataset_demo.json, feats.npy) read as a Dataset: its split
 * file and features go through the Karpathy loader; the name is the split file's "dataset".
 * The deeper cross-checks of a world (attributes, analogies, pictures) are readDemoWorld's job.
 */

export interface DemoLoadOptions {
  splits?: readonly SplitName[];
}

/** `path` is the world's folder or its world.json. */
export async function loadDemoWorldDataset(
  path: string,
  options: DemoLoadOptions = {},
): Promise<Dataset> {
  if (!existsSync(path)) throw new DatasetError(`${path}: no such file or folder`);
  const dir =
    !statSync(path).isDirectory() && basename(path) === WORLD_FILES.meta ? dirname(path) : path;
  const metaPath = join(dir, WORLD_FILES.meta);
  if (!existsSync(metaPath))
    throw new DatasetError(`${dir}: not a demo world (no ${WORLD_FILES.meta})`);
  let meta: unknown;
  try {
    meta = JSON.parse(await readFile(metaPath, 'utf8'));
  } catch (e) {
    throw new DatasetError(`${metaPath}: not valid JSON (${(e as Error).message})`);
  }
  const generator = (meta as { generator?: unknown } | null)?.generator;
  if (generator !== WORLD_GENERATOR) {
    throw new DatasetError(
      `${metaPath}: not a demo world (generator ${JSON.stringify(generator)}, expected ${WORLD_GENERATOR})`,
    );
  }
  const dataset = await loadKarpathy(join(dir, WORLD_FILES.dataset), {
    features: join(dir, WORLD_FILES.features),
    ...(options.splits !== undefined ? { splits: options.splits } : {}),
  });
  return { ...dataset, format: 'demo', source: dir };
}
