import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { DatasetError } from './karpathy.ts';

/**
 * What the `features` command writes beside a features file (`feats.npy` -> `feats.npy.json`):
 * which CNN made the rows, how the pictures were resized, which file each row belongs to and
 * which pictures could not be read. The loaders read it to record the extractor (an exported
 * model with features from the project's own CNN gets an image encoder) and to leave out the
 * images whose row is a stand-in.
 */

export const FEATURE_SIDECAR_FORMAT = 'jointspace-features';
export const FEATURE_SIDECAR_VERSION = 1;

/** A sidecar is JSON with one entry per row: 256 MiB is millions of pictures. */
export const MAX_SIDECAR_BYTES = 256 * 1024 * 1024;

/** A picture that gave no features, and why. */
export interface SkippedPicture {
  /** As the sidecar's `files` name it: relative to the pictures' folder. */
  file: string;
  /** Its row, all zeros, when the rows follow a list (a Karpathy file); null when left out. */
  row: number | null;
  reason: string;
}

export interface FeatureSidecar {
  format: typeof FEATURE_SIDECAR_FORMAT;
  formatVersion: typeof FEATURE_SIDECAR_VERSION;
  /** The CNN, e.g. 'nsfwjs-mobilenetv2-mid' (trainer/pictures/cnn.ts DEFAULT_EXTRACTOR.id). */
  extractor: string;
  featureDim: number;
  /** core/picture-pixels.ts PICTURE_RESIZE. */
  resize: string;
  rows: number;
  /** Row i's picture, relative to the pictures' folder, with forward slashes. */
  files: string[];
  skipped: SkippedPicture[];
  /** SHA-256 of the list the rows were made for: a rerun for the same list has nothing to do. */
  list: string;
}

/** The sidecar's path for a features file. */
export function sidecarPath(featuresPath: string): string {
  return `${featuresPath}.json`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function checkSkipped(value: unknown, rows: number, path: string): SkippedPicture[] {
  if (!Array.isArray(value)) throw new DatasetError(`${path}: "skipped" must be a list`);
  return value.map((s: unknown, i) => {
    const where = `${path}: skipped[${i}]`;
    if (!isRecord(s) || typeof s.file !== 'string' || typeof s.reason !== 'string') {
      throw new DatasetError(`${where} needs "file" and "reason" strings`);
    }
    if (s.row !== null && !(isCount(s.row) && s.row < rows)) {
      throw new DatasetError(
        `${where} (${s.file}) has row ${String(s.row)}; expected null or 0..${rows - 1}`,
      );
    }
    return { file: s.file, row: s.row, reason: s.reason };
  });
}

/** Checks a parsed sidecar; every error names the file and the field. */
export function parseFeatureSidecar(json: unknown, path: string): FeatureSidecar {
  if (!isRecord(json) || json.format !== FEATURE_SIDECAR_FORMAT) {
    throw new DatasetError(
      `${path}: not a features sidecar (no "format": "${FEATURE_SIDECAR_FORMAT}")`,
    );
  }
  if (json.formatVersion !== FEATURE_SIDECAR_VERSION) {
    throw new DatasetError(
      `${path}: formatVersion ${JSON.stringify(json.formatVersion)}; this version of jointspace reads ${FEATURE_SIDECAR_VERSION}`,
    );
  }
  for (const field of ['extractor', 'resize', 'list'] as const) {
    if (typeof json[field] !== 'string' || json[field] === '') {
      throw new DatasetError(`${path}: "${field}" must be a non-empty string`);
    }
  }
  const { featureDim, rows, files } = json;
  if (!isCount(featureDim) || featureDim === 0) {
    throw new DatasetError(`${path}: "featureDim" must be a whole number above 0`);
  }
  if (!isCount(rows)) throw new DatasetError(`${path}: "rows" must be a whole number`);
  if (!Array.isArray(files) || files.some((f) => typeof f !== 'string')) {
    throw new DatasetError(`${path}: "files" must be a list of file names`);
  }
  if (files.length !== rows) {
    throw new DatasetError(`${path}: "files" names ${files.length} pictures for ${rows} rows`);
  }
  return {
    format: FEATURE_SIDECAR_FORMAT,
    formatVersion: FEATURE_SIDECAR_VERSION,
    extractor: json.extractor as string,
    featureDim,
    resize: json.resize as string,
    rows,
    files: files as string[],
    skipped: checkSkipped(json.skipped, rows, path),
    list: json.list as string,
  };
}

/** The sidecar beside `featuresPath`, or null when there is none. */
export async function readFeatureSidecar(featuresPath: string): Promise<FeatureSidecar | null> {
  const path = sidecarPath(featuresPath);
  if (!existsSync(path)) return null;
  const bytes = statSync(path).size;
  if (bytes > MAX_SIDECAR_BYTES) {
    throw new DatasetError(
      `${path}: ${bytes} bytes; a features sidecar is at most ${MAX_SIDECAR_BYTES}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new DatasetError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return parseFeatureSidecar(json, path);
}

/**
 * Checks a sidecar against the features it describes: the same number of rows and columns.
 * `featuresPath` names the .npy in the error.
 */
export function checkSidecarShape(
  sidecar: FeatureSidecar,
  rows: number,
  dim: number,
  featuresPath: string,
): void {
  if (sidecar.rows !== rows || sidecar.featureDim !== dim) {
    throw new DatasetError(
      `${sidecarPath(featuresPath)} describes ${sidecar.rows} x ${sidecar.featureDim} features, ${featuresPath} holds ${rows} x ${dim}: they were not written together (compute the features again)`,
    );
  }
}
