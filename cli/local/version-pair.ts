import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ModelManifest } from '../../core/manifest.ts';
import { MODEL_FILES, type Space } from '../../core/model-files.ts';
import { readModelVersion } from '../../trainer/export/model-version.ts';
import { imageFilesOf } from './pictures.ts';

/**
 * The two model versions a worker serves together: a retrieval version (search, annotate) and a
 * regularities version (analogy) of the same data and the same image vectors' ids, so that an
 * image found in one space is the same image in the other. Checked before anything is seeded.
 */

export interface ServedVersion {
  dir: string;
  manifest: ModelManifest;
  /** The dataset file names of its images, in index order. */
  imageFiles: string[];
}

export type VersionPair = Record<Space, ServedVersion>;

/** A version folder that cannot be served, or two that are not a pair; the message says why. */
export class VersionPairError extends Error {
  override name = 'VersionPairError';
}

async function readServedVersion(dir: string, space: Space): Promise<ServedVersion> {
  const flag = `--${space}`;
  if (!existsSync(dir)) throw new VersionPairError(`${flag}: the folder ${dir} does not exist`);
  if (!(await stat(dir)).isDirectory()) {
    throw new VersionPairError(`${flag}: ${dir} is not a folder`);
  }
  if (!existsSync(resolve(dir, MODEL_FILES.manifest))) {
    throw new VersionPairError(
      `${flag}: ${dir} has no ${MODEL_FILES.manifest}; give an exported model version folder (artifacts/<version>)`,
    );
  }
  let manifest: ModelManifest;
  try {
    manifest = await readModelVersion(dir);
  } catch (e) {
    throw new VersionPairError(`${flag}: ${(e as Error).message}`);
  }
  if (manifest.space !== space) {
    throw new VersionPairError(
      `${flag}: ${manifest.version} is a ${manifest.space} version; ${flag} takes a ${space} one`,
    );
  }
  return { dir, manifest, imageFiles: await imageFilesOf(dir, manifest) };
}

/** Why two versions are not a pair, or null when they are. */
export function pairProblem(retrieval: ServedVersion, regularities: ServedVersion): string | null {
  const [a, b] = [retrieval.manifest, regularities.manifest];
  const names = `${a.version} and ${b.version}`;
  const data = (m: ModelManifest) => `${m.data.name} (${m.data.format}, ${m.data.source})`;
  if (data(a) !== data(b)) {
    return `${names} were trained on different data: ${data(a)} and ${data(b)}`;
  }
  if (a.vectors.splits.join(',') !== b.vectors.splits.join(',')) {
    return `${names} hold different splits: ${a.vectors.splits.join(', ')} and ${b.vectors.splits.join(', ')}`;
  }
  for (const kind of ['images', 'captions'] as const) {
    if (a.vectors[kind].count !== b.vectors[kind].count) {
      return `${names} hold different numbers of ${kind}: ${a.vectors[kind].count} and ${b.vectors[kind].count}`;
    }
  }
  const row = retrieval.imageFiles.findIndex((file, i) => regularities.imageFiles[i] !== file);
  if (row >= 0) {
    return `${names} hold different images: row ${row} is ${retrieval.imageFiles[row]} in one and ${regularities.imageFiles[row]} in the other`;
  }
  return null;
}

export async function readVersionPair(dirs: Record<Space, string>): Promise<VersionPair> {
  const pair: VersionPair = {
    retrieval: await readServedVersion(dirs.retrieval, 'retrieval'),
    regularities: await readServedVersion(dirs.regularities, 'regularities'),
  };
  const problem = pairProblem(pair.retrieval, pair.regularities);
  if (problem !== null) throw new VersionPairError(`not a pair: ${problem}`);
  return pair;
}
