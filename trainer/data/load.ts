import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { checkSplitNames } from './checks.ts';
import { type Dataset, type DatasetFormat, SPLIT_NAMES, type SplitName } from './dataset.ts';
import { loadDemoWorldDataset } from './demo-load.ts';
import { WORLD_FILES } from './demo-world-files.ts';
import { DatasetError } from './karpathy.ts';
import { loadKarpathy } from './karpathy-load.ts';
import { type ComputeFeatures, FOLDER_FILES, loadPictureFolder } from './picture-folder.ts';
import { loadPrecomp } from './precomp.ts';

/**
 * One entry point for every dataset format: detects the format (or takes it from options),
 * reads the files into the Dataset shape, and checks them on the way. Every failure is a
 * DatasetError naming the file and the row, image or caption at fault.
 */

export { DatasetError } from './karpathy.ts';
export type { ComputeFeatures, FeatureJob } from './picture-folder.ts';

export const DATASET_FORMATS: readonly DatasetFormat[] = ['karpathy', 'precomp', 'demo', 'folder'];

export interface LoadOptions {
  /** Default: detected from the files (see detectFormat). */
  format?: DatasetFormat;
  /** Karpathy only: the features file (.npy or .mat); default: found beside the split file. */
  features?: string;
  /** The splits to build, each of which must exist; default: all the files hold. */
  splits?: SplitName[];
  /**
   * A folder of photos only: computes its features when features.npy is missing or does not
   * cover every picture (the CLI passes the CNN). Without it that is a DatasetError.
   */
  computeFeatures?: ComputeFeatures;
  /** Where notes go (images left out because their pictures could not be read); default stderr. */
  note?: (line: string) => void;
}

const LOOKED_FOR =
  'world.json (a demo world), dataset_*.json (a Karpathy split file), *_caps.txt (VSE++/Kiros precomp) or captions.txt (a folder of photos)';

/**
 * The format of `path`: a folder with world.json is a demo world; with a dataset_*.json, a
 * Karpathy split file; with *_caps.txt files, precomp; with captions.txt, a folder of photos.
 * A .json file is a Karpathy split file (world.json: a demo world); a *_caps.txt file, precomp;
 * a captions.txt, the folder of photos it is in.
 */
export async function detectFormat(path: string): Promise<DatasetFormat> {
  if (!existsSync(path)) throw new DatasetError(`${path}: no such file or folder`);
  if (!statSync(path).isDirectory()) {
    const name = basename(path);
    if (name === WORLD_FILES.meta) return 'demo';
    if (extname(name).toLowerCase() === '.json') return 'karpathy';
    if (name.endsWith('_caps.txt')) return 'precomp';
    if (name === FOLDER_FILES.captions) return 'folder';
    throw new DatasetError(
      `${path}: cannot tell the dataset format from this file; expected a folder or a file holding ${LOOKED_FOR}` +
        (/\.(npy|mat)$/i.test(name)
          ? '. Features are passed with --features, beside the split file as the path'
          : ''),
    );
  }
  const files = (await readdir(path)).sort();
  if (files.includes(WORLD_FILES.meta)) return 'demo';
  if (files.some((f) => /^dataset_.*\.json$/.test(f))) return 'karpathy';
  if (files.some((f) => f.endsWith('_caps.txt'))) return 'precomp';
  if (files.includes(FOLDER_FILES.captions)) return 'folder';
  const shown = files.slice(0, 12).join(', ') + (files.length > 12 ? ', ...' : '');
  throw new DatasetError(
    `${path}: cannot tell the dataset format: looked for ${LOOKED_FOR}; found ${files.length === 0 ? 'an empty folder' : shown}`,
  );
}

/** Reads a dataset in any supported format; see LoadOptions. */
export async function loadDataset(path: string, options: LoadOptions = {}): Promise<Dataset> {
  const { format: asked, features, note } = options;
  if (asked !== undefined && !DATASET_FORMATS.includes(asked)) {
    throw new DatasetError(
      `unknown dataset format ${JSON.stringify(asked)}; the formats are ${DATASET_FORMATS.join(', ')}`,
    );
  }
  const splits = checkSplitNames(options.splits);
  const format = asked ?? (await detectFormat(path));
  if (features !== undefined && format !== 'karpathy') {
    throw new DatasetError(
      `${path}: --features applies to Karpathy split files only; a ${format} dataset names its own features`,
    );
  }
  const common = {
    ...(splits !== undefined ? { splits } : {}),
    ...(note !== undefined ? { note } : {}),
  };
  switch (format) {
    case 'karpathy':
      return loadKarpathy(path, { ...common, ...(features !== undefined ? { features } : {}) });
    case 'precomp':
      return loadPrecomp(path, common);
    case 'demo':
      return loadDemoWorldDataset(path, common);
    case 'folder':
      return loadPictureFolder(path, {
        ...common,
        ...(options.computeFeatures ? { computeFeatures: options.computeFeatures } : {}),
      });
  }
}

/** One line per split: images, captions, feature dimension. For the CLI's log. */
export function describeDataset(d: Dataset): string {
  return SPLIT_NAMES.flatMap((name) => {
    const s = d.splits[name];
    if (s === undefined) return [];
    const perImage = s.imageIds.length > 0 ? s.captions.length / s.imageIds.length : 0;
    return [
      `${name}: ${s.imageIds.length} images, ${s.captions.length} captions (${Number(perImage.toFixed(2))} per image), ${s.dim}-d features`,
    ];
  }).join('\n');
}
