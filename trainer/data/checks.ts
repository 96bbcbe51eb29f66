import { tokenize } from '../../core/tokenizer.ts';
import { SPLIT_NAMES, type SplitName } from './dataset.ts';
import { DatasetError } from './karpathy.ts';

/**
 * Checks shared by the loaders: split names, caption tokens, and copying feature rows with a
 * finiteness check. Every error is a DatasetError that names the file and the row, image or
 * caption, so a user can go and fix it.
 */

const SPLIT_HINTS: Record<string, string> = {
  dev: " (precomp's 'dev' is loaded as 'val')",
  restval: " (Karpathy's 'restval' images are part of 'train')",
  testall: " (precomp's 'testall' is loaded as 'test' when there is no 'test')",
};

/**
 * Checks split names given at run time (they come from the command line) and returns them
 * de-duplicated in train, val, test order; `undefined` stays `undefined` (all splits).
 */
export function checkSplitNames(splits: readonly string[] | undefined): SplitName[] | undefined {
  if (splits === undefined) return undefined;
  for (const s of splits) {
    if (!SPLIT_NAMES.includes(s as SplitName)) {
      throw new DatasetError(
        `unknown split ${JSON.stringify(s)}${SPLIT_HINTS[s] ?? ''}; the splits are ${SPLIT_NAMES.join(', ')}`,
      );
    }
  }
  if (splits.length === 0) throw new DatasetError('no splits asked for');
  return SPLIT_NAMES.filter((s) => splits.includes(s));
}

/**
 * The splits to build: the requested ones, each of which must be present, or else all present.
 * `source` names the files in the error.
 */
export function chooseSplits(
  requested: readonly string[] | undefined,
  present: readonly SplitName[],
  source: string,
): SplitName[] {
  const asked = checkSplitNames(requested);
  const have = SPLIT_NAMES.filter((s) => present.includes(s));
  if (asked === undefined) {
    if (have.length === 0) throw new DatasetError(`${source}: holds no train, val or test split`);
    return have;
  }
  for (const s of asked) {
    if (!have.includes(s)) {
      throw new DatasetError(
        `${source} has no '${s}' split; the splits present are ${have.length > 0 ? have.join(', ') : 'none'}`,
      );
    }
  }
  return asked;
}

/** core's tokenize(), refusing a caption that leaves no word. `where` names the caption. */
export function captionTokens(raw: string, where: string): string[] {
  const tokens = tokenize(raw);
  if (tokens.length === 0) {
    throw new DatasetError(
      `${where} ${JSON.stringify(raw)} has no words after tokenising (only punctuation or symbols)`,
    );
  }
  return tokens;
}

/** The features' shape as [rows, dim], refusing anything but a non-empty 2-D matrix. */
export function matrixShape(
  shape: readonly number[],
  path: string,
  layout = 'images x dim',
): [number, number] {
  if (shape.length !== 2) {
    throw new DatasetError(
      `${path}: features must be a 2-D array (${layout}); this one has shape (${shape.join(', ')})`,
    );
  }
  const [rows, dim] = shape as [number, number];
  if (dim === 0) throw new DatasetError(`${path}: features have 0 columns`);
  return [rows, dim];
}

/**
 * Copies the given rows of a rows x dim matrix into a new matrix, checking every value is
 * finite. `describeRow` adds the image a file row belongs to, for the error.
 */
export function gatherRows(
  data: Float32Array,
  dim: number,
  rows: ArrayLike<number>,
  path: string,
  describeRow: (row: number) => string = () => '',
): Float32Array {
  const out = new Float32Array(rows.length * dim);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as number;
    const src = data.subarray(row * dim, (row + 1) * dim);
    for (let c = 0; c < dim; c++) {
      const v = src[c] as number;
      if (!Number.isFinite(v)) {
        throw new DatasetError(
          `${path}: row ${row} column ${c} is ${v}${describeRow(row)}; features must be finite numbers`,
        );
      }
    }
    out.set(src, i * dim);
  }
  return out;
}
