import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CAPTIONS_LIMITS, type CaptionLine, parseCaptions } from './captions-file.ts';
import { chooseSplits, gatherRows } from './checks.ts';
import { type Dataset, SPLIT_NAMES, type SplitData, type SplitName } from './dataset.ts';
import { checkSidecarShape, type FeatureSidecar, readFeatureSidecar } from './feature-sidecar.ts';
import { readFeatureFile } from './features.ts';
import { DatasetError } from './karpathy.ts';
import { listPictureFiles } from './picture-files.ts';

/**
 * A folder of photos and a captions file, the way most people hold their pictures:
 *
 *   photos/
 *     captions.txt     file<TAB>caption, one caption a line (Flickr8k's name.jpg#k form too)
 *     splits.json      optional: {"dog.jpg": "val", ...} for every captioned picture
 *     dog.jpg, ...     the pictures (JPEG, PNG, WebP); subfolders as captions.txt names them
 *     features.npy     the CNN's features, made by `jointspace features` (or by train itself)
 *     features.npy.json  which row is which picture, and the CNN that made them
 *
 * Without splits.json a stable hash of each file name puts about 1 picture in 10 in 'val' and
 * the rest in 'train', the same on every machine and run. Image ids are the file names.
 * Every picture directly in the folder must have a caption, and every captioned file must
 * exist: a stray or missing picture is a mistake to report, not to guess around.
 */

export const FOLDER_FILES = {
  captions: 'captions.txt',
  splits: 'splits.json',
  features: 'features.npy',
} as const;

/** splits.json is small: a name and a split per picture. */
export const MAX_SPLITS_BYTES = 64 * 1024 * 1024;

/** How the pictures are split when there is no splits.json, in words for help and errors. */
export const HASH_SPLIT_TEXT =
  'a hash of each file name puts 1 picture in 10 in val, the rest in train';

/** Pictures whose features a loader needs computed: what the `features` command does. */
export interface FeatureJob {
  /** The folder the file names are relative to. */
  imagesDir: string;
  /** The pictures, in row order. */
  files: string[];
  /** The .npy to write (its sidecar goes beside it). */
  out: string;
  /**
   * A picture that cannot be read: a zero row listed as skipped (rows that must follow a list,
   * as a Karpathy file's), or no row at all (rows named by the sidecar, as here).
   */
  skipped: 'zero-row' | 'left-out';
  /** Why they are computed, for the log: 'no features.npy yet'. */
  why: string;
}

/** Computes a job's features (the CLI passes the CNN); the loader then reads them. */
export type ComputeFeatures = (job: FeatureJob) => Promise<void>;

export interface PictureFolder {
  dir: string;
  captionsPath: string;
  /** In the file's order. */
  captions: CaptionLine[];
  /** Every captioned picture once, sorted. */
  files: string[];
  split: ReadonlyMap<string, SplitName>;
}

export interface FolderLoadOptions {
  splits?: readonly SplitName[];
  /** Called when features.npy is missing or does not cover every picture; else that is an error. */
  computeFeatures?: ComputeFeatures;
  /** Where notes go (pictures left out); default stderr. */
  note?: (line: string) => void;
}

/** The folder of a path that is the folder or its captions.txt. */
export function folderOf(path: string): string {
  if (!existsSync(path)) throw new DatasetError(`${path}: no such file or folder`);
  return statSync(path).isDirectory() ? path : dirname(path);
}

async function readLimited(path: string, maxBytes: number): Promise<string> {
  const bytes = statSync(path).size;
  if (bytes > maxBytes) throw new DatasetError(`${path}: ${bytes} bytes; at most ${maxBytes}`);
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new DatasetError(`${path}: cannot read (${(e as Error).message})`);
  }
}

/** The split a file name hashes to: the first 4 bytes of its SHA-256, 1 value in 10 is 'val'. */
export function hashSplit(file: string): SplitName {
  return createHash('sha256').update(file).digest().readUInt32BE(0) % 10 === 0 ? 'val' : 'train';
}

function firstFew(names: readonly string[]): string {
  return names.slice(0, 5).join(', ') + (names.length > 5 ? `, and ${names.length - 5} more` : '');
}

async function readSplits(dir: string, files: readonly string[]): Promise<Map<string, SplitName>> {
  const path = join(dir, FOLDER_FILES.splits);
  if (!existsSync(path)) return new Map(files.map((f) => [f, hashSplit(f)]));
  let json: unknown;
  try {
    json = JSON.parse(await readLimited(path, MAX_SPLITS_BYTES));
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    throw new DatasetError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new DatasetError(`${path}: expected an object {"file name": "train" | "val" | "test"}`);
  }
  const captioned = new Set(files);
  const split = new Map<string, SplitName>();
  for (const [file, value] of Object.entries(json)) {
    if (!SPLIT_NAMES.includes(value as SplitName)) {
      throw new DatasetError(
        `${path}: ${file} has split ${JSON.stringify(value)}; expected ${SPLIT_NAMES.join(', ')}`,
      );
    }
    if (!captioned.has(file)) {
      throw new DatasetError(`${path}: ${file} has no caption in ${FOLDER_FILES.captions}`);
    }
    split.set(file, value as SplitName);
  }
  const missing = files.filter((f) => !split.has(f));
  if (missing.length > 0) {
    throw new DatasetError(
      `${path} gives no split to ${missing.length} captioned picture${missing.length === 1 ? '' : 's'}: ${firstFew(missing)} (list every one, or remove splits.json: without it, ${HASH_SPLIT_TEXT})`,
    );
  }
  return split;
}

/** Every captioned file must exist, and every picture in the folder must be captioned. */
async function checkPictures(dir: string, captionsPath: string, captions: CaptionLine[]) {
  const files = [...new Set(captions.map((c) => c.file))].sort();
  for (const c of captions) {
    const path = join(dir, c.file);
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new DatasetError(`${captionsPath} line ${c.line}: ${c.file}: no such file in ${dir}`);
    }
  }
  const captioned = new Set(files);
  const uncaptioned = (await listPictureFiles(dir)).filter((f) => !captioned.has(f));
  if (uncaptioned.length > 0) {
    throw new DatasetError(
      `${dir}: ${uncaptioned.length} picture${uncaptioned.length === 1 ? ' has' : 's have'} no caption in ${FOLDER_FILES.captions}: ${firstFew(uncaptioned)} (caption them, or move them out of the folder)`,
    );
  }
  return files;
}

/** Reads and checks a folder's captions, pictures and splits (not its features). */
export async function readPictureFolder(path: string): Promise<PictureFolder> {
  const dir = folderOf(path);
  const captionsPath = join(dir, FOLDER_FILES.captions);
  if (!existsSync(captionsPath)) {
    throw new DatasetError(
      `${dir}: no ${FOLDER_FILES.captions} (a folder of photos needs one: a line "file<TAB>caption" per caption)`,
    );
  }
  const captions = parseCaptions(
    await readLimited(captionsPath, CAPTIONS_LIMITS.maxBytes),
    captionsPath,
  );
  const files = await checkPictures(dir, captionsPath, captions);
  return { dir, captionsPath, captions, files, split: await readSplits(dir, files) };
}

/** The features job for a folder: every captioned picture, a picture that cannot be read left out. */
export function folderFeatureJob(folder: PictureFolder, why: string): FeatureJob {
  return {
    imagesDir: folder.dir,
    files: folder.files,
    out: join(folder.dir, FOLDER_FILES.features),
    skipped: 'left-out',
    why,
  };
}

/** Why the folder's features cannot be used as they are, or null when they cover every picture. */
export async function missingFeatures(folder: PictureFolder): Promise<string | null> {
  const out = join(folder.dir, FOLDER_FILES.features);
  if (!existsSync(out)) return `no ${FOLDER_FILES.features} yet`;
  const sidecar = await readFeatureSidecar(out);
  if (sidecar === null)
    return `${FOLDER_FILES.features} has no ${FOLDER_FILES.features}.json naming its rows`;
  const covered = new Set([...sidecar.files, ...sidecar.skipped.map((s) => s.file)]);
  const uncovered = folder.files.filter((f) => !covered.has(f)).length;
  return uncovered === 0
    ? null
    : `${FOLDER_FILES.features} covers ${folder.files.length - uncovered} of the ${folder.files.length} captioned pictures`;
}

/** The folder's features and their sidecar, computed first when they are missing or short. */
async function folderFeatures(folder: PictureFolder, options: FolderLoadOptions) {
  const why = await missingFeatures(folder);
  if (why !== null) {
    if (!options.computeFeatures) {
      throw new DatasetError(
        `${folder.dir}: ${why}; compute them with: jointspace features --data ${folder.dir} (train, evaluate and export do it themselves)`,
      );
    }
    await options.computeFeatures(folderFeatureJob(folder, why));
    const still = await missingFeatures(folder);
    if (still !== null) throw new DatasetError(`${folder.dir}: ${still} after computing them`);
  }
  const out = join(folder.dir, FOLDER_FILES.features);
  const sidecar = (await readFeatureSidecar(out)) as FeatureSidecar;
  const matrix = await readFeatureFile(out);
  checkSidecarShape(sidecar, matrix.rows, matrix.dim, out);
  return { matrix, sidecar };
}

/** A note naming the pictures left out because the CNN could not read them. */
function leftOutNote(left: FeatureSidecar['skipped'], folder: PictureFolder): string {
  const files = new Set(left.map((s) => s.file));
  const captions = folder.captions.filter((c) => files.has(c.file)).length;
  const named = firstFew(left.map((s) => `${s.file} (${s.reason})`));
  return `note: left out ${left.length} picture${left.length === 1 ? '' : 's'} (${captions} captions) that could not be read: ${named}`;
}

/** Reads a folder of photos with captions.txt as a Dataset; see the top of this file. */
export async function loadPictureFolder(
  path: string,
  options: FolderLoadOptions = {},
): Promise<Dataset> {
  const folder = await readPictureFolder(path);
  const { matrix, sidecar } = await folderFeatures(folder, options);
  const rowOf = new Map(sidecar.files.map((f, i) => [f, i]));
  const skipped = new Set(sidecar.skipped.map((s) => s.file));
  const kept = folder.files.filter((f) => !skipped.has(f));
  const left = sidecar.skipped.filter((s) => folder.split.has(s.file));
  if (left.length > 0)
    (options.note ?? ((l) => process.stderr.write(`${l}\n`)))(leftOutNote(left, folder));
  const present = SPLIT_NAMES.filter((s) => kept.some((f) => folder.split.get(f) === s));
  const chosen = chooseSplits(options.splits, present, folder.captionsPath);
  const splits: Dataset['splits'] = {};
  for (const name of chosen) {
    const imageIds = kept.filter((f) => folder.split.get(f) === name);
    const imageRow = new Map(imageIds.map((f, i) => [f, i]));
    // Captions grouped by picture, in the pictures' order, each picture's in the file's order.
    const lines = folder.captions
      .filter((c) => imageRow.has(c.file))
      .sort((a, b) => (imageRow.get(a.file) as number) - (imageRow.get(b.file) as number));
    const rows = imageIds.map((f) => rowOf.get(f) as number);
    const split: SplitData = {
      name,
      imageIds,
      features: gatherRows(
        matrix.data,
        matrix.dim,
        rows,
        matrix.path,
        (r) => ` (${sidecar.files[r]})`,
      ),
      dim: matrix.dim,
      captions: lines.map((c) => c.caption),
      tokens: lines.map((c) => c.tokens),
      captionImage: Int32Array.from(lines, (c) => imageRow.get(c.file) as number),
    };
    splits[name] = split;
  }
  return {
    name: basename(resolve(folder.dir)),
    format: 'folder',
    source: folder.dir,
    extractor: sidecar.extractor,
    splits,
  };
}
