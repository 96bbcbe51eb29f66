import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FlatIndexEncoding } from '../../core/flat-index.ts';
import { MODEL_FILES } from '../../core/manifest.ts';
import { flatIndexKey, modelFileKey, type VectorKind } from '../../core/r2-layout.ts';
import { writeFlatIndexFromNdjson } from '../../trainer/export/flat-index-files.ts';
import { readModelVersion } from '../../trainer/export/model-version.ts';
import type { SeedObject } from './seed-r2.ts';

/**
 * The R2 objects of one exported model version, as the worker reads them (core/r2-layout.ts):
 * the manifest, vocabulary and ONNX files, and flat index files made from its NDJSON (kept in
 * <version>/flat/, made once per encoding and reused).
 */
export async function r2ObjectsOf(
  artifacts: string,
  version: string,
  options: { encoding: FlatIndexEncoding; kinds: readonly VectorKind[] },
): Promise<SeedObject[]> {
  const dir = join(artifacts, version);
  const manifest = await readModelVersion(dir);
  const objects: SeedObject[] = [
    MODEL_FILES.manifest,
    MODEL_FILES.vocabulary,
    MODEL_FILES.sentenceEncoder,
    MODEL_FILES.imageProjection,
  ].map((file) => ({ key: modelFileKey(version, file), path: join(dir, file) }));
  await mkdir(join(dir, 'flat'), { recursive: true });
  for (const kind of options.kinds) {
    const ndjson = join(dir, manifest.vectors[kind].file);
    const flat = join(dir, 'flat', `${kind}.${options.encoding}.bin`);
    const fresh = existsSync(flat) && (await stat(flat)).mtimeMs >= (await stat(ndjson)).mtimeMs;
    if (!fresh) {
      await writeFlatIndexFromNdjson(ndjson, flat, {
        version,
        dimension: manifest.model.dimension,
        encoding: options.encoding,
      });
    }
    objects.push({ key: flatIndexKey(version, kind), path: flat });
  }
  return objects;
}

/** The objects of the two versions the local default serves (the analogy space needs only images). */
export async function localR2Objects(
  artifacts: string,
  versions: { retrieval: string; regularities: string },
  encoding: FlatIndexEncoding,
): Promise<SeedObject[]> {
  return [
    ...(await r2ObjectsOf(artifacts, versions.retrieval, {
      encoding,
      kinds: ['images', 'captions'],
    })),
    ...(await r2ObjectsOf(artifacts, versions.regularities, { encoding, kinds: ['images'] })),
  ];
}
