import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type ManifestFile, type ModelManifest, parseManifest } from '../../core/manifest.ts';
import { MODEL_FILES, MODEL_VERSION_PATTERN } from '../../core/model-files.ts';
import { fileProblem } from '../../core/version-check.ts';

/**
 * A model version's name, its files' checksums, and putting a finished folder in place.
 *
 * The default name ends in a hash of the content (every file's SHA-256 and the space), so that
 * exporting the same model twice gives the same version, and a different model never takes an
 * existing name by accident.
 */

export function fileEntryOf(bytes: Uint8Array): ManifestFile {
  return { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** SHA-256 and size of a file on disk, streamed (vector files can be large). */
export async function fileEntryAt(path: string): Promise<ManifestFile> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** Lowercase letters, digits and single dashes. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function contentHash(files: Record<string, ManifestFile>, space: string): string {
  const lines = Object.keys(files)
    .sort()
    .map((name) => `${name} ${files[name]?.sha256}`);
  return createHash('sha256')
    .update(`${space}\n${lines.join('\n')}`)
    .digest('hex');
}

/** e.g. "lstm256-jointspace-demo-f32-3fa2c1d9". */
export function defaultVersion(parts: {
  encoder: string;
  dimension: number;
  data: string;
  precision: string;
  hash: string;
}): string {
  const precision =
    { float32: 'f32', float16: 'f16', int8: 'i8' }[parts.precision] ?? slug(parts.precision);
  const head = `${parts.encoder}${parts.dimension}`;
  const tail = `${precision}-${parts.hash.slice(0, 8)}`;
  const room = 63 - head.length - tail.length - 2;
  const data = slug(parts.data).slice(0, Math.max(0, room)).replace(/-+$/, '');
  return data ? `${head}-${data}-${tail}` : `${head}-${tail}`;
}

export function checkVersionName(version: string): void {
  if (!MODEL_VERSION_PATTERN.test(version)) {
    throw new Error(
      `model version ${JSON.stringify(version)} must be 1-63 lowercase letters, digits and dashes, starting with a letter or digit`,
    );
  }
}

/** Reads a version folder's manifest and checks every listed file's size and SHA-256. */
export async function readModelVersion(dir: string): Promise<ModelManifest> {
  const path = join(dir, MODEL_FILES.manifest);
  if (!existsSync(path))
    throw new Error(`${dir} has no ${MODEL_FILES.manifest}: not a model version folder`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path} is not valid JSON (${(e as Error).message})`);
  }
  const manifest = parseManifest(json);
  for (const name of Object.keys(manifest.files)) {
    const filePath = join(dir, name);
    const actual = existsSync(filePath) ? await fileEntryAt(filePath) : null;
    const problem = fileProblem(manifest, name, actual);
    if (problem !== null) throw new Error(`${dir}: ${problem}`);
  }
  return manifest;
}

function sameFiles(a: Record<string, ManifestFile>, b: Record<string, ManifestFile>): boolean {
  const names = Object.keys(a);
  return (
    names.length === Object.keys(b).length &&
    names.every((n) => a[n]?.sha256 === b[n]?.sha256 && a[n]?.bytes === b[n]?.bytes)
  );
}

/**
 * Moves a finished export folder to `target` in one rename. An existing folder with the same
 * files stays (the export was a repeat); one with different files is only replaced with `force`.
 * Returns false when the existing folder was kept.
 */
export async function installVersion(
  staging: string,
  target: string,
  files: Record<string, ManifestFile>,
  force: boolean,
): Promise<boolean> {
  if (existsSync(target)) {
    let existing: ModelManifest | undefined;
    try {
      existing = await readModelVersion(target);
    } catch {
      existing = undefined; // unreadable or damaged: only --force may replace it
    }
    if (existing && sameFiles(existing.files, files)) {
      await rm(staging, { recursive: true, force: true });
      return false;
    }
    if (!force) {
      throw new Error(
        `${target} already exists and holds different files; choose another --version, or pass --force to replace it`,
      );
    }
    await rm(target, { recursive: true, force: true });
  }
  await rename(staging, target);
  return true;
}
