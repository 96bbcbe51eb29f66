import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest } from '../../core/manifest.ts';
import { MODEL_FILES, SPACE_SERVES, SPACES, type Space } from '../../core/model-files.ts';
import { loadDataset } from '../../trainer/data/load.ts';
import { DEFAULT_WORLD_OPTIONS, generateDemoWorld } from '../../trainer/demo/world.ts';
import { isUpToDate, writeDemoWorld } from '../../trainer/demo/write-world.ts';
import { exportModel } from '../../trainer/export/export-model.ts';
import { DEFAULT_TRAIN_CONFIG, type EncoderKind } from '../../trainer/model/config.ts';
import { describeBackend, selectBackend } from '../../trainer/tf/backend.ts';
import { loadCheckpoint } from '../../trainer/train/checkpoint.ts';
import { RUN_FILES } from '../../trainer/train/run-files.ts';
import { train } from '../../trainer/train/train.ts';

/**
 * The local default's models: the demo world, one small model per space trained on it, and
 * their exports. Each step is skipped when its result is already there (a finished run, an
 * exported version), so a second `npm start` goes straight to serving.
 */

export interface LocalPaths {
  data: string;
  runs: string;
  artifacts: string;
}

export const DEFAULT_LOCAL_PATHS: LocalPaths = {
  data: 'data/demo',
  runs: 'runs',
  artifacts: 'artifacts',
};

interface SpacePlan {
  space: Space;
  encoder: EncoderKind;
  wordDim: number;
  jointDim: number;
  epochs: number;
  learningRate: number;
}

/** Small enough to train in about a minute on two cores; good enough to answer sensibly. */
export const LOCAL_PLANS: readonly SpacePlan[] = [
  {
    space: 'retrieval',
    encoder: 'lstm',
    wordDim: 128,
    jointDim: 128,
    epochs: 4,
    learningRate: 2e-3,
  },
  {
    space: 'regularities',
    encoder: 'bow',
    wordDim: 128,
    jointDim: 128,
    epochs: 4,
    learningRate: 2e-3,
  },
];

export interface LocalVersions {
  retrieval: string;
  regularities: string;
}

/** Where the versions served locally are recorded, beside the exported folders. */
export function localRecordPath(paths: LocalPaths): string {
  return join(paths.artifacts, 'local.json');
}

async function recordedVersions(paths: LocalPaths): Promise<LocalVersions | null> {
  const path = localRecordPath(paths);
  if (!existsSync(path)) return null;
  try {
    const v = JSON.parse(await readFile(path, 'utf8')) as LocalVersions;
    // Only that the folders are there, say they are these versions and hold flat index files
    // (older exports did not): their files' checksums are verified by r2ObjectsOf, which every
    // caller runs next, before anything is seeded.
    for (const space of SPACES) {
      const version = v[space];
      const file = join(paths.artifacts, version, MODEL_FILES.manifest);
      const manifest = parseManifest(JSON.parse(await readFile(file, 'utf8')));
      const flat = SPACE_SERVES[space].kinds.every((k) => manifest.vectors[k].flat !== undefined);
      if (manifest.version !== version || manifest.space !== space || !flat) return null;
    }
    return v;
  } catch {
    return null; // damaged or gone: make them again
  }
}

export async function prepareLocalModels(
  paths: LocalPaths = DEFAULT_LOCAL_PATHS,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<LocalVersions> {
  const recorded = await recordedVersions(paths);
  if (recorded) {
    log(
      `Models already exported: ${recorded.retrieval} (retrieval), ${recorded.regularities} (regularities).`,
    );
    return recorded;
  }
  if (!(await isUpToDate(paths.data, DEFAULT_WORLD_OPTIONS))) {
    log(`Making the demo world in ${paths.data} ...`);
    await writeDemoWorld(generateDemoWorld(DEFAULT_WORLD_OPTIONS), paths.data);
  }
  const dataset = await loadDataset(paths.data);
  const backend = await selectBackend('auto');
  log(describeBackend(backend));
  const versions: Partial<LocalVersions> = {};
  for (const plan of LOCAL_PLANS) {
    const runDir = join(paths.runs, `local-${plan.space}`);
    const files = RUN_FILES(runDir);
    const finished =
      existsSync(files.best) &&
      existsSync(files.latest) &&
      (await loadCheckpoint(files.latest)).header.progress.epoch >= plan.epochs;
    if (!finished) {
      log(
        `Training the ${plan.space} model (${plan.encoder}, ${plan.jointDim}-d, ${plan.epochs} epochs) into ${runDir} ...`,
      );
      await train({
        dataset,
        encoder: plan.encoder,
        wordDim: plan.wordDim,
        jointDim: plan.jointDim,
        train: { ...DEFAULT_TRAIN_CONFIG, epochs: plan.epochs, learningRate: plan.learningRate },
        runDir,
        resume: existsSync(files.latest),
        backend: backend.choice,
        log,
      });
    }
    log(`Exporting the ${plan.space} model ...`);
    const result = await exportModel({
      checkpoint: await loadCheckpoint(files.best),
      dataset,
      outRoot: paths.artifacts,
      precision: 'float32',
      splits: ['train', 'val', 'test'],
      evalSplit: 'test',
      space: plan.space,
      log,
    });
    versions[plan.space] = result.manifest.version;
  }
  const done = versions as LocalVersions;
  await writeFile(localRecordPath(paths), `${JSON.stringify(done, null, 2)}\n`);
  return done;
}
