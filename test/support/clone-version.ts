import { decodeFlatIndex, encodeFlatIndex, flatIndexRow } from '../../core/flat-index.ts';
import { sha256Hex } from '../../core/hash.ts';
import { type ModelManifest, parseManifest } from '../../core/manifest.ts';
import { MODEL_FILES } from '../../core/model-files.ts';
import { modelFileKey } from '../../core/r2-layout.ts';

/**
 * A copy of a seeded model version under another name, in the same bucket: every object of the
 * version, the flat index files re-encoded with the new name in their header, and a manifest
 * whose version and checksums are the copy's. Each copy is a version no isolate has loaded yet,
 * so a test can break one file of it (by `put` after the copy) and see a fresh load refuse it.
 */
export async function cloneVersion(
  bucket: R2Bucket,
  from: string,
  to: string,
): Promise<ModelManifest> {
  const source = await bucket.get(modelFileKey(from, MODEL_FILES.manifest));
  if (!source) throw new Error(`${from} is not in the bucket`);
  const manifest = parseManifest(await source.json());
  const files = { ...manifest.files };
  for (const name of Object.keys(manifest.files)) {
    const object = await bucket.get(modelFileKey(from, name));
    if (!object) continue; // the NDJSON is not seeded: servers never read it
    let bytes = new Uint8Array(await object.arrayBuffer());
    if (name.startsWith('flat/')) {
      const data = decodeFlatIndex(bytes);
      const records = data.ids.map((id, row) => ({
        id,
        values: flatIndexRow(data, row),
        metadata: data.metadata[row],
      }));
      bytes = encodeFlatIndex({ version: to, dimension: data.dimension, records }, data.encoding);
    }
    await bucket.put(modelFileKey(to, name), bytes);
    files[name] = { bytes: bytes.length, sha256: await sha256Hex(bytes) };
  }
  const cloned: ModelManifest = { ...manifest, version: to, files };
  await bucket.put(modelFileKey(to, MODEL_FILES.manifest), JSON.stringify(cloned));
  return cloned;
}
