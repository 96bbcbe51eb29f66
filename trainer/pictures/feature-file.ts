import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { type FileHandle, open, readFile, rename, rm } from 'node:fs/promises';
import { PICTURE_RESIZE } from '../../core/picture-pixels.ts';
import {
  FEATURE_SIDECAR_FORMAT,
  FEATURE_SIDECAR_VERSION,
  type FeatureSidecar,
  readFeatureSidecar,
  type SkippedPicture,
  sidecarPath,
} from '../data/feature-sidecar.ts';
import { npyHeader } from '../data/npy.ts';

/**
 * A features file written so that it can be stopped and taken up again. Rows go to
 * `<out>.partial` (raw little-endian float32, synced to disk after every batch), and after them
 * `<out>.partial.json` records how many pictures are done, for which list of pictures (a hash),
 * and which could not be read. A restart (after Ctrl-C, a crash, a power cut) cuts the rows
 * file back to what the state records, so a half-written row or an unrecorded batch is computed
 * again and nothing recorded is computed twice. A restart for another list refuses, unless told
 * to start over. At the end the .npy and its sidecar (`<out>.json`) are written under temporary
 * names and renamed into place, and the partial files removed: `<out>` is never half-written.
 */

export interface FeatureFileSpec {
  /** The .npy to write. */
  out: string;
  /** The pictures, in order, as the sidecar will name them. */
  files: readonly string[];
  /** A picture that cannot be read: a zero row (the rows follow `files`), or no row at all. */
  skipped: 'zero-row' | 'left-out';
  extractor: string;
  featureDim: number;
}

/** What to do with work found for another list (or a finished `<out>` made from one). */
export interface OpenPolicy {
  /** Start over even when the work found is for this list. */
  restart: boolean;
  /** Work for another list: refuse (the command line's default) or replace it. */
  otherList: 'refuse' | 'replace';
}

/** A file that cannot be taken up or written as asked; the message says what to do. */
export class FeatureFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeatureFileError';
  }
}

/** One picture of a batch: its features, or why it has none. */
export type PictureOutcome =
  | { file: string; features: Float32Array }
  | { file: string; reason: string };

const PARTIAL_FORMAT = 'jointspace-features-partial';

interface PartialState {
  format: typeof PARTIAL_FORMAT;
  list: string;
  /** Pictures done (rows written or skipped), from the start of the list. */
  done: number;
  /** Rows in the rows file. */
  rows: number;
  skipped: SkippedPicture[];
}

export function partialPaths(out: string): { rows: string; state: string } {
  return { rows: `${out}.partial`, state: `${out}.partial.json` };
}

/** What the rows are made from: the list, what a skipped picture becomes, the CNN and the resize. */
export function listHash(spec: FeatureFileSpec): string {
  const { files, skipped, extractor, featureDim } = spec;
  const what = { files, skipped, extractor, featureDim, resize: PICTURE_RESIZE };
  return createHash('sha256').update(JSON.stringify(what)).digest('hex');
}

/** Writes `path` whole or not at all: a temporary file, synced, renamed over it. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

async function readState(path: string): Promise<PartialState> {
  let state: Partial<PartialState>;
  try {
    state = JSON.parse(await readFile(path, 'utf8')) as Partial<PartialState>;
  } catch (e) {
    throw new FeatureFileError(
      `${path}: unreadable (${(e as Error).message}); pass --restart to start over`,
    );
  }
  const counts = [state.done, state.rows].every(
    (n) => Number.isSafeInteger(n) && (n as number) >= 0,
  );
  if (
    state.format !== PARTIAL_FORMAT ||
    typeof state.list !== 'string' ||
    !counts ||
    !Array.isArray(state.skipped)
  ) {
    throw new FeatureFileError(`${path}: not a features state file; pass --restart to start over`);
  }
  return state as PartialState;
}

async function removePartial(out: string): Promise<void> {
  const { rows, state } = partialPaths(out);
  await Promise.all([rm(rows, { force: true }), rm(state, { force: true })]);
}

export type Opened =
  | { kind: 'complete'; sidecar: FeatureSidecar }
  | { kind: 'open'; file: FeatureFile };

/**
 * Takes up the work for `spec` where it stopped, or starts it; a finished `<out>` for the same
 * list is returned as it is. Work or an `<out>` made for another list is refused or replaced
 * as `policy` says.
 */
export async function openFeatureFile(spec: FeatureFileSpec, policy: OpenPolicy): Promise<Opened> {
  const list = listHash(spec);
  const paths = partialPaths(spec.out);
  if (existsSync(paths.state)) {
    const state = await readState(paths.state);
    if (state.list === list && !policy.restart) {
      return { kind: 'open', file: await FeatureFile.resume(spec, state) };
    }
    if (state.list !== list && !policy.restart && policy.otherList === 'refuse') {
      throw new FeatureFileError(
        `${paths.state}: features for another list of pictures are under way here (${state.done} pictures done); finish them with the command that started them, or pass --restart to start over`,
      );
    }
    await removePartial(spec.out);
  } else if (existsSync(spec.out) && !policy.restart) {
    const sidecar = await readFeatureSidecar(spec.out).catch(() => null);
    if (sidecar?.list === list) return { kind: 'complete', sidecar };
    if (policy.otherList === 'refuse') {
      const made = sidecar
        ? 'made for another list of pictures'
        : `with no ${sidecarPath(spec.out)}`;
      throw new FeatureFileError(
        `${spec.out} already exists (${made}); pass --restart to replace it`,
      );
    }
  }
  return { kind: 'open', file: await FeatureFile.start(spec, list) };
}

/** The rows file and its state, open for appending batches. */
export class FeatureFile {
  private constructor(
    private readonly spec: FeatureFileSpec,
    private readonly rowsFile: FileHandle,
    private state: PartialState,
  ) {}

  static async start(spec: FeatureFileSpec, list: string): Promise<FeatureFile> {
    const paths = partialPaths(spec.out);
    const state: PartialState = { format: PARTIAL_FORMAT, list, done: 0, rows: 0, skipped: [] };
    await writeAtomically(paths.state, JSON.stringify(state));
    return new FeatureFile(spec, await open(paths.rows, 'w+'), state);
  }

  static async resume(spec: FeatureFileSpec, state: PartialState): Promise<FeatureFile> {
    const paths = partialPaths(spec.out);
    const handle = await open(paths.rows, existsSync(paths.rows) ? 'r+' : 'w+');
    const recorded = state.rows * spec.featureDim * 4;
    const { size } = await handle.stat();
    if (size < recorded) {
      await handle.close();
      throw new FeatureFileError(
        `${paths.rows} holds ${size} bytes, ${paths.state} records ${state.rows} rows (${recorded} bytes): it was damaged; pass --restart to start over`,
      );
    }
    // Rows past the recorded ones: a batch cut short by a crash, computed again.
    if (size > recorded) await handle.truncate(recorded);
    return new FeatureFile(spec, handle, state);
  }

  /** Pictures done, from the start of the list. */
  get done(): number {
    return this.state.done;
  }

  get rows(): number {
    return this.state.rows;
  }

  get skipped(): readonly SkippedPicture[] {
    return this.state.skipped;
  }

  /** Appends the next pictures' outcomes, in list order, and records them. */
  async append(outcomes: readonly PictureOutcome[]): Promise<void> {
    const { featureDim, files, skipped: mode } = this.spec;
    const rowBytes = featureDim * 4;
    const bytes = new Uint8Array(outcomes.length * rowBytes);
    const view = new DataView(bytes.buffer);
    const skipped: SkippedPicture[] = [];
    let rows = 0;
    outcomes.forEach((o, i) => {
      const expected = files[this.state.done + i];
      if (o.file !== expected) throw new Error(`outcome for ${o.file}, expected ${expected}`);
      if ('reason' in o) {
        skipped.push({
          file: o.file,
          row: mode === 'zero-row' ? this.state.rows + rows : null,
          reason: o.reason,
        });
        if (mode === 'left-out') return;
      } else {
        if (o.features.length !== featureDim) {
          throw new Error(`${o.file}: ${o.features.length} features, expected ${featureDim}`);
        }
        for (let c = 0; c < featureDim; c++) {
          view.setFloat32(rows * rowBytes + c * 4, o.features[c] as number, true);
        }
      }
      rows++; // a zero row for a skipped picture is already zeros
    });
    const at = this.state.rows * rowBytes;
    await this.rowsFile.write(bytes, 0, rows * rowBytes, at);
    await this.rowsFile.datasync();
    this.state = {
      ...this.state,
      done: this.state.done + outcomes.length,
      rows: this.state.rows + rows,
      skipped: [...this.state.skipped, ...skipped],
    };
    await writeAtomically(partialPaths(this.spec.out).state, JSON.stringify(this.state));
  }

  /** The sidecar of the finished file. */
  private sidecar(): FeatureSidecar {
    const { files, skipped: mode, extractor, featureDim } = this.spec;
    const left = new Set(this.state.skipped.map((s) => s.file));
    return {
      format: FEATURE_SIDECAR_FORMAT,
      formatVersion: FEATURE_SIDECAR_VERSION,
      extractor,
      featureDim,
      resize: PICTURE_RESIZE,
      rows: this.state.rows,
      files: mode === 'zero-row' ? [...files] : files.filter((f) => !left.has(f)),
      skipped: this.state.skipped,
      list: this.state.list,
    };
  }

  /** Writes `<out>` and its sidecar once every picture is done; removes the partial files. */
  async finish(): Promise<FeatureSidecar> {
    const { out, files, featureDim } = this.spec;
    if (this.state.done !== files.length) {
      throw new Error(`${out}: ${this.state.done} of ${files.length} pictures done`);
    }
    const sidecar = this.sidecar();
    const npy = `${out}.tmp`;
    await this.copyRowsAsNpy(npy, [this.state.rows, featureDim]);
    await writeAtomically(`${sidecarPath(out)}.new`, `${JSON.stringify(sidecar, null, 1)}\n`);
    // Until both are in place the partial files stay: a crash here is finished by a rerun.
    await rm(out, { force: true });
    await rename(`${sidecarPath(out)}.new`, sidecarPath(out));
    await rename(npy, out);
    await this.close();
    await removePartial(out);
    return sidecar;
  }

  /** The .npy header, then the rows file copied in chunks (a large file is never held whole). */
  private async copyRowsAsNpy(path: string, shape: [number, number]): Promise<void> {
    const target = await open(path, 'w');
    try {
      const header = npyHeader(shape);
      await target.write(header, 0, header.length, 0);
      const total = shape[0] * shape[1] * 4;
      const chunk = new Uint8Array(Math.min(total, 8 * 1024 * 1024) || 1);
      for (let at = 0; at < total; ) {
        const { bytesRead } = await this.rowsFile.read(
          chunk,
          0,
          Math.min(chunk.length, total - at),
          at,
        );
        if (bytesRead === 0) throw new Error(`${partialPaths(this.spec.out).rows} ends early`);
        await target.write(chunk, 0, bytesRead, header.length + at);
        at += bytesRead;
      }
      await target.sync();
    } finally {
      await target.close();
    }
  }

  private closed = false;

  /** Closes the rows file; the work stays resumable. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.rowsFile.close();
  }
}
