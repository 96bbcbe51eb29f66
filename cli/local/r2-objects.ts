import { join } from 'node:path';
import type { ModelManifest } from '../../core/manifest.ts';
import type { FlatIndexEncoding } from '../../core/model-files.ts';
import { modelFileKey } from '../../core/r2-layout.ts';
import { servedFiles } from '../../core/version-check.ts';
import { readModelVersion } from '../../trainer/export/model-version.ts';
import type { SeedFile } from './seed-r2.ts';

/**
 * The R2 objects of one exported model version, as the worker reads them with flat index files
 * of `encoding` (core/version-check.ts's servedFiles): every file is checked against the
 * manifest first, so nothing that does not belong to the version is seeded.
 */
export async function r2ObjectsOf(
  artifacts: string,
  version: string,
  encoding: FlatIndexEncoding,
): Promise<SeedFile[]> {
  return r2ObjectsAt(join(artifacts, version), encoding);
}

/** The same for a version folder anywhere (`jointspace serve`): its manifest names the version. */
export async function r2ObjectsAt(dir: string, encoding: FlatIndexEncoding): Promise<SeedFile[]> {
  return servedObjects(dir, await readModelVersion(dir), encoding);
}

/**
 * The objects of a version folder whose files were checked against `manifest` already
 * (readModelVersion, as readVersionPair does): nothing is read or hashed again.
 */
export function servedObjects(
  dir: string,
  manifest: ModelManifest,
  encoding: FlatIndexEncoding,
): SeedFile[] {
  return servedFiles(manifest, encoding).map((file) => ({
    key: modelFileKey(manifest.version, file),
    path: join(dir, file),
  }));
}

/** The objects of the two versions the local default serves. */
export async function localR2Objects(
  artifacts: string,
  versions: { retrieval: string; regularities: string },
  encoding: FlatIndexEncoding,
): Promise<SeedFile[]> {
  return [
    ...(await r2ObjectsOf(artifacts, versions.retrieval, encoding)),
    ...(await r2ObjectsOf(artifacts, versions.regularities, encoding)),
  ];
}
