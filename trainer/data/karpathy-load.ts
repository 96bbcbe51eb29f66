import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { captionTokens, chooseSplits, gatherRows } from './checks.ts';
import type { Dataset, SplitData, SplitName } from './dataset.ts';
import {
  checkSidecarShape,
  type FeatureSidecar,
  readFeatureSidecar,
  sidecarPath,
} from './feature-sidecar.ts';
import { type FeatureMatrix, readFeatureFile } from './features.ts';
import {
  DatasetError,
  type KarpathyDataset,
  type KarpathyImage,
  karpathyPicturePath,
  readKarpathy,
} from './karpathy.ts';

/**
 * Karpathy split file + row-aligned features -> Dataset. Row i of the features belongs to
 * images[i] of the JSON, whatever its split. 'restval' images join 'train' (the COCO
 * convention); each split keeps the JSON's image order. Captions are `sentences[].raw`, tokenised
 * again with core's tokenize() (the file's own tokens are ignored) so that training and queries
 * split words the same way. Image ids are the file names.
 *
 * When the features file has a sidecar (`feats.npy.json`, written by the `features` command),
 * its extractor is recorded and the images whose pictures could not be read (their rows are
 * zeros) are left out, with their captions, and a note says so.
 */

export interface KarpathyLoadOptions {
  /** The features file; default: the one .npy beside the JSON, else vgg_feats.mat there. */
  features?: string;
  splits?: readonly SplitName[];
  /** Where notes go (images left out); default stderr. */
  note?: (line: string) => void;
}

const KARPATHY_SPLIT: Record<string, SplitName> = {
  train: 'train',
  restval: 'train',
  val: 'val',
  test: 'test',
};

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (e) {
    throw new DatasetError(`${dir}: cannot list the folder (${(e as Error).message})`);
  }
}

/** `path` itself when it is a file, else the one `dataset_*.json` in the folder. */
export async function findKarpathyJson(path: string): Promise<string> {
  if (!existsSync(path)) throw new DatasetError(`${path}: no such file or folder`);
  if (!statSync(path).isDirectory()) return path;
  const found = (await listDir(path)).filter((f) => /^dataset_.*\.json$/.test(f));
  if (found.length === 1) return join(path, found[0] as string);
  throw new DatasetError(
    found.length === 0
      ? `${path}: no Karpathy split file (dataset_*.json) in this folder`
      : `${path}: more than one split file (${found.join(', ')}); pass the one to use as the path`,
  );
}

/** The features beside a split file: exactly one *.npy, else vgg_feats.mat. */
export async function findFeatures(jsonPath: string): Promise<string> {
  const dir = dirname(jsonPath);
  const files = await listDir(dir);
  const npys = files.filter((f) => f.toLowerCase().endsWith('.npy'));
  if (npys.length === 1) return join(dir, npys[0] as string);
  if (npys.length > 1) {
    throw new DatasetError(
      `${dir}: more than one .npy beside ${basename(jsonPath)} (${npys.join(', ')}); pass the features file with --features`,
    );
  }
  if (files.includes('vgg_feats.mat')) return join(dir, 'vgg_feats.mat');
  const mats = files.filter((f) => f.toLowerCase().endsWith('.mat'));
  throw new DatasetError(
    `${dir}: no features beside ${basename(jsonPath)}: looked for one *.npy file or vgg_feats.mat` +
      `${mats.length > 0 ? ` and found only ${mats.join(', ')}` : ', found neither'}; pass the features file with --features`,
  );
}

/** The dataset's name: the JSON's "dataset", else the X of dataset_X.json, else the folder. */
function datasetName(k: KarpathyDataset, jsonPath: string): string {
  if (k.dataset !== 'unknown' && k.dataset.length > 0) return k.dataset;
  const m = /^dataset_(.+)\.json$/.exec(basename(jsonPath));
  return m?.[1] ?? basename(dirname(jsonPath));
}

/**
 * Builds the Dataset from a parsed split file and its features (already checked to have one row
 * per image). Pure: the file names are only for errors and the source field.
 */
export function karpathyToDataset(
  k: KarpathyDataset,
  features: FeatureMatrix,
  jsonPath: string,
  splits?: readonly string[],
  leaveOut: ReadonlySet<number> = new Set(),
): Dataset {
  // A split whose every picture was left out is not there.
  const present = new Set(
    k.images.flatMap((im, i) => (leaveOut.has(i) ? [] : [KARPATHY_SPLIT[im.split] as SplitName])),
  );
  const chosen = chooseSplits(splits, [...present], jsonPath);
  const out: Dataset['splits'] = {};
  for (const name of chosen) {
    const fileRows: number[] = [];
    const imageIds: string[] = [];
    const captions: string[] = [];
    const tokens: string[][] = [];
    const captionImage: number[] = [];
    const seen = new Map<string, number>();
    k.images.forEach((im, i) => {
      if (KARPATHY_SPLIT[im.split] !== name || leaveOut.has(i)) return;
      const previous = seen.get(im.filename);
      if (previous !== undefined) {
        throw new DatasetError(
          `${jsonPath}: images[${i}] and images[${previous}] are both ${im.filename} in '${name}'; image file names must be unique`,
        );
      }
      seen.set(im.filename, i);
      const row = imageIds.length;
      fileRows.push(i);
      imageIds.push(im.filename);
      im.sentences.forEach((s, j) => {
        captions.push(s.raw);
        tokens.push(
          captionTokens(s.raw, `${jsonPath}: images[${i}] (${im.filename}) sentences[${j}]`),
        );
        captionImage.push(row);
      });
    });
    const data = gatherRows(features.data, features.dim, fileRows, features.path, (r) => {
      const im = k.images[r];
      return im === undefined ? '' : ` (images[${r}], ${im.filename})`;
    });
    const split: SplitData = {
      name,
      imageIds,
      features: data,
      dim: features.dim,
      captions,
      tokens,
      captionImage: Int32Array.from(captionImage),
    };
    out[name] = split;
  }
  return {
    name: datasetName(k, jsonPath),
    format: 'karpathy',
    source: jsonPath,
    splits: out,
  };
}

/** Reads a Karpathy split file (or a folder holding one) and its features. */
export async function loadKarpathy(
  path: string,
  options: KarpathyLoadOptions = {},
): Promise<Dataset> {
  const jsonPath = await findKarpathyJson(path);
  const k = await readKarpathy(jsonPath);
  // Check the split names before reading a large features file.
  const present = [...new Set(k.images.map((im) => KARPATHY_SPLIT[im.split] as SplitName))];
  chooseSplits(options.splits, present, jsonPath);
  const featuresPath = options.features ?? (await findFeatures(jsonPath));
  const features = await readFeatureFile(featuresPath, {
    expect: { images: k.images.length, source: jsonPath },
  });
  const sidecar = await readFeatureSidecar(featuresPath);
  if (sidecar === null) {
    return { ...karpathyToDataset(k, features, jsonPath, options.splits), extractor: null };
  }
  checkSidecarRows(sidecar, k, features, jsonPath);
  const leaveOut = new Set(sidecar.skipped.flatMap((s) => (s.row === null ? [] : [s.row])));
  if (leaveOut.size > 0) {
    const note = options.note ?? ((line: string) => process.stderr.write(`${line}\n`));
    note(leftOutNote(sidecar, k, featuresPath));
  }
  return {
    ...karpathyToDataset(k, features, jsonPath, options.splits, leaveOut),
    extractor: sidecar.extractor,
  };
}

/** The sidecar must describe these features, row for row the split file's pictures. */
function checkSidecarRows(
  sidecar: FeatureSidecar,
  k: KarpathyDataset,
  features: FeatureMatrix,
  jsonPath: string,
): void {
  checkSidecarShape(sidecar, features.rows, features.dim, features.path);
  const at = k.images.findIndex((im, i) => karpathyPicturePath(im) !== sidecar.files[i]);
  if (at >= 0) {
    throw new DatasetError(
      `${sidecarPath(features.path)} gives row ${at} to ${sidecar.files[at]}, ${jsonPath} has ${karpathyPicturePath(k.images[at] as KarpathyImage)} there: the features were made for another list of pictures`,
    );
  }
}

/** 'note: left out 2 images (10 captions) ...: a.jpg (not a picture), b.jpg (...)' */
function leftOutNote(sidecar: FeatureSidecar, k: KarpathyDataset, featuresPath: string): string {
  const rows = sidecar.skipped.filter((s) => s.row !== null);
  const captions = rows.reduce((n, s) => n + (k.images[s.row as number]?.sentences.length ?? 0), 0);
  const shown = rows.slice(0, 5).map((s) => `${s.file} (${s.reason})`);
  const more = rows.length > 5 ? `, and ${rows.length - 5} more` : '';
  return `note: left out ${rows.length} image${rows.length === 1 ? '' : 's'} (${captions} captions) whose pictures could not be read when ${basename(featuresPath)} was made: ${shown.join(', ')}${more}`;
}
