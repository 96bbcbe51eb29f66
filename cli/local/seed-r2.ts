import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';

/**
 * Puts files into the R2 bucket that `wrangler dev` simulates, by opening the same persisted
 * store with Miniflare (the simulator wrangler runs on). No account and no network: this is
 * the local default's "upload".
 */

/** wrangler dev keeps its local state here (its default --persist-to), R2 under v3/r2. */
export const WRANGLER_STATE = '.wrangler/state';

export interface SeedObject {
  key: string;
  path: string;
}

export async function seedLocalR2(
  bucketName: string,
  objects: readonly SeedObject[],
  options: { stateDir?: string; log?: (line: string) => void } = {},
): Promise<void> {
  const stateDir = options.stateDir ?? WRANGLER_STATE;
  const mf = new Miniflare({
    modules: true,
    script: 'export default { fetch() { return new Response(null, { status: 404 }); } }',
    r2Buckets: { BUCKET: bucketName },
    r2Persist: join(stateDir, 'v3', 'r2'),
  });
  try {
    const bucket = await mf.getR2Bucket('BUCKET');
    for (const { key, path } of objects) {
      if (!existsSync(path)) throw new Error(`cannot seed ${key}: ${path} does not exist`);
      // A plain Uint8Array: Miniflare's proxy cannot carry Node's Buffer subclass.
      const bytes = new Uint8Array(await readFile(path));
      const existing = await bucket.head(key);
      if (existing && existing.size === bytes.length) {
        const stored = await bucket.get(key);
        if (stored && Buffer.from(await stored.arrayBuffer()).equals(Buffer.from(bytes))) continue;
      }
      await bucket.put(key, bytes);
      options.log?.(`  put ${key} (${bytes.length} bytes)`);
    }
  } finally {
    await mf.dispose();
  }
}
