import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { captionTokens, chooseSplits, gatherRows } from './checks.ts';
import type { Dataset, SplitData, SplitName } from './dataset.ts';
import { readFeatureFile } from './features.ts';
import { DatasetError } from './karpathy.ts';

/**
 * VSE++ "precomp" folders (`{split}_caps.txt` + `{split}_ims.npy`) and Kiros's layout
 * (`f8k_{train,dev,test}_caps.txt` + `f8k_..._ims.npy`, one feature row per caption): the
 * prefix before `{split}_caps.txt` is found from the file names.
 *
 * - Splits: 'train', 'dev' (loaded as 'val'), 'val', 'test'. 'testall' (VSE++'s COCO 5K test)
 *   is ignored when a 'test' exists, and loaded as 'test' when it is the only test split.
 * - Fewer image rows than captions: k = captions / rows must be whole, and image i owns captions
 *   k*i .. k*i+k-1. As many rows as captions (Kiros): runs of consecutive identical rows are one
 *   image, so the five captions of a picture become one image with five captions.
 * - Image ids are `${fileSplit}:${row}`: the split as the file names it ('dev', not 'val') and
 *   the image's (first) row in `{split}_ims.npy`, which points back into the files.
 */

export interface PrecompLoadOptions {
  splits?: readonly SplitName[];
}

const CAPS = /^(?:(.+)_)?(train|dev|val|test|testall)_caps\.txt$/;
type FileSplit = 'train' | 'dev' | 'val' | 'test' | 'testall';

interface PrecompFiles {
  dir: string;
  /** '' for VSE++ names, e.g. 'f8k' for Kiros's. */
  prefix: string;
  /** Trainer split -> the split word in the file names. */
  splits: Partial<Record<SplitName, FileSplit>>;
}

function fileName(prefix: string, split: FileSplit, kind: 'caps.txt' | 'ims.npy'): string {
  return `${prefix === '' ? '' : `${prefix}_`}${split}_${kind}`;
}

/** Finds the caption files in `path` (a folder, or one of its `_caps.txt` files). */
export async function findPrecompFiles(path: string): Promise<PrecompFiles> {
  if (!existsSync(path)) throw new DatasetError(`${path}: no such file or folder`);
  const isDir = statSync(path).isDirectory();
  const dir = isDir ? path : dirname(path);
  let wantPrefix: string | undefined;
  if (!isDir) {
    const m = CAPS.exec(basename(path));
    if (m === null) {
      throw new DatasetError(
        `${path}: not a precomp caption file (expected {split}_caps.txt or {prefix}_{split}_caps.txt with split train, dev, val, test or testall)`,
      );
    }
    wantPrefix = m[1] ?? '';
  }
  const byPrefix = new Map<string, Set<FileSplit>>();
  for (const f of (await readdir(dir)).sort()) {
    const m = CAPS.exec(f);
    if (m === null) continue;
    const prefix = m[1] ?? '';
    if (wantPrefix !== undefined && prefix !== wantPrefix) continue;
    const set = byPrefix.get(prefix) ?? new Set<FileSplit>();
    set.add(m[2] as FileSplit);
    byPrefix.set(prefix, set);
  }
  if (byPrefix.size === 0) {
    throw new DatasetError(
      `${dir}: no precomp caption files ({split}_caps.txt with split train, dev, val, test or testall)`,
    );
  }
  if (byPrefix.size > 1) {
    const sets = [...byPrefix.keys()].map((p) =>
      p === '' ? '{split}_caps.txt' : `${p}_{split}_caps.txt`,
    );
    throw new DatasetError(
      `${dir}: caption files of more than one dataset (${sets.join(', ')}); pass one of the _caps.txt files as the path to choose`,
    );
  }
  const [prefix, found] = [...byPrefix][0] as [string, Set<FileSplit>];
  if (found.has('dev') && found.has('val')) {
    throw new DatasetError(
      `${dir}: both ${fileName(prefix, 'dev', 'caps.txt')} and ${fileName(prefix, 'val', 'caps.txt')}; both would be 'val', remove one`,
    );
  }
  const splits: PrecompFiles['splits'] = {};
  if (found.has('train')) splits.train = 'train';
  if (found.has('dev')) splits.val = 'dev';
  if (found.has('val')) splits.val = 'val';
  if (found.has('test')) splits.test = 'test';
  else if (found.has('testall')) splits.test = 'testall';
  return { dir, prefix, splits };
}

function sameRow(data: Float32Array, dim: number, a: number, b: number): boolean {
  for (let c = 0; c < dim; c++) if (data[a * dim + c] !== data[b * dim + c]) return false;
  return true;
}

async function loadSplit(
  files: PrecompFiles,
  name: SplitName,
  fileSplit: FileSplit,
): Promise<SplitData> {
  const capsPath = join(files.dir, fileName(files.prefix, fileSplit, 'caps.txt'));
  const imsPath = join(files.dir, fileName(files.prefix, fileSplit, 'ims.npy'));
  if (!existsSync(imsPath)) {
    throw new DatasetError(`${imsPath}: missing (the features for ${capsPath})`);
  }
  const text = await readFile(capsPath, 'utf8');
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const features = await readFeatureFile(imsPath);
  const nCaps = lines.length;
  const nRows = features.rows;
  if (nCaps === 0) throw new DatasetError(`${capsPath}: no captions`);
  if (nRows === 0) throw new DatasetError(`${imsPath}: no rows`);

  // Image rows (in the .npy) and the image each caption belongs to.
  const imageRows: number[] = [];
  const captionImage = new Int32Array(nCaps);
  if (nRows > nCaps) {
    throw new DatasetError(
      `${imsPath} has ${nRows} rows, ${capsPath} has ${nCaps} captions; each image needs at least one caption`,
    );
  } else if (nRows < nCaps) {
    const k = nCaps / nRows;
    if (!Number.isInteger(k)) {
      throw new DatasetError(
        `${capsPath} has ${nCaps} captions, ${imsPath} has ${nRows} rows: with fewer rows than captions, image i owns captions k*i..k*i+k-1, so captions / rows must be a whole number (it is ${k.toFixed(3)})`,
      );
    }
    for (let r = 0; r < nRows; r++) imageRows.push(r);
    for (let c = 0; c < nCaps; c++) captionImage[c] = Math.floor(c / k);
  } else {
    for (let r = 0; r < nRows; r++) {
      if (r === 0 || !sameRow(features.data, features.dim, r, r - 1)) imageRows.push(r);
      captionImage[r] = imageRows.length - 1;
    }
  }

  const tokens: string[][] = [];
  let first = 0;
  lines.forEach((raw, c) => {
    const image = captionImage[c] as number;
    if (c > 0 && captionImage[c - 1] !== image) first = c;
    const where = `${capsPath}: line ${c + 1} (image ${image}, caption ${c - first})`;
    if (raw.trim().length === 0) throw new DatasetError(`${where} is an empty caption`);
    tokens.push(captionTokens(raw, where));
  });
  return {
    name,
    imageIds: imageRows.map((r) => `${fileSplit}:${r}`),
    features: gatherRows(features.data, features.dim, imageRows, imsPath),
    dim: features.dim,
    captions: lines,
    tokens,
    captionImage,
  };
}

/** Reads a precomp folder (or, to pick among several datasets in one, one of its caption files). */
export async function loadPrecomp(
  path: string,
  options: PrecompLoadOptions = {},
): Promise<Dataset> {
  const files = await findPrecompFiles(path);
  const present = Object.keys(files.splits) as SplitName[];
  const source = files.prefix === '' ? files.dir : join(files.dir, `${files.prefix}_*`);
  const chosen = chooseSplits(options.splits, present, source);
  const splits: Dataset['splits'] = {};
  for (const name of chosen) {
    splits[name] = await loadSplit(files, name, files.splits[name] as FileSplit);
  }
  return {
    name: files.prefix === '' ? basename(resolve(files.dir)) : files.prefix,
    format: 'precomp',
    source: files.dir,
    // Precomp features are made elsewhere (VSE++'s, Kiros's): no sidecar names their CNN.
    extractor: null,
    splits,
  };
}
