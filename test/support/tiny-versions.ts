import { join } from 'node:path';
import type { ModelManifest } from '../../core/manifest.ts';
import { loadDataset } from '../../trainer/data/load.ts';
import { DEFAULT_WORLD_OPTIONS, generateDemoWorld } from '../../trainer/demo/world.ts';
import { writeDemoWorld } from '../../trainer/demo/write-world.ts';
import { exportModel } from '../../trainer/export/export-model.ts';
import { loadCheckpoint } from '../../trainer/train/checkpoint.ts';
import { RUN_FILES } from '../../trainer/train/run-files.ts';
import { trainTinyBow } from './tiny-run.ts';

/**
 * One exported model version per space, made under `root` from a tiny bag-of-words run on a
 * tiny demo world (120 pictures; a few seconds on the cpu backend): real version folders in
 * `<root>/artifacts` for the tests of what reads them (local serving's record, its R2 objects).
 */

export interface TinyVersions {
  /** The folder holding both version folders (export's outRoot). */
  artifacts: string;
  retrieval: ModelManifest;
  regularities: ModelManifest;
}

export async function exportTinyVersions(root: string): Promise<TinyVersions> {
  const world = join(root, 'world');
  await writeDemoWorld(
    generateDemoWorld({ ...DEFAULT_WORLD_OPTIONS, images: 120, val: 20, test: 20, seed: 5 }),
    world,
  );
  const dataset = await loadDataset(world);
  const runDir = join(root, 'run');
  await trainTinyBow(dataset, runDir);
  const checkpoint = await loadCheckpoint(RUN_FILES(runDir).best);
  const artifacts = join(root, 'artifacts');
  const exportAs = async (space: 'retrieval' | 'regularities') =>
    (
      await exportModel({
        checkpoint,
        dataset,
        outRoot: artifacts,
        precision: 'float32',
        splits: ['train', 'val', 'test'],
        evalSplit: null,
        space,
        log: () => undefined,
        progressStream: { write: () => true },
      })
    ).manifest;
  return {
    artifacts,
    retrieval: await exportAs('retrieval'),
    regularities: await exportAs('regularities'),
  };
}
