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

/** An object to put: a file's bytes, or bytes made here (a picture list). */
export type SeedObject = SeedFile | SeedBytes;

interface SeedBase {
  key: string;
  /** Stored as the object's Content-Type (R2 httpMetadata), when given. */
  contentType?: string;
  /** Stored only once every object before it is (a list of the objects it names). */
  afterEarlier?: boolean;
}

export interface SeedFile extends SeedBase {
  path: string;
}

export interface SeedBytes extends SeedBase {
  bytes: Uint8Array;
}

async function bytesOf(object: SeedObject): Promise<Uint8Array> {
  if ('bytes' in object) return object.bytes;
  if (!existsSync(object.path))
    throw new Error(`cannot seed ${object.key}: ${object.path} does not exist`);
  // A plain Uint8Array: Miniflare's proxy cannot carry Node's Buffer subclass.
  return new Uint8Array(await readFile(object.path));
}

/** Objects seeded at once. */
const SEED_CONCURRENCY = 8;

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
    const seedOne = async (object: SeedObject): Promise<void> => {
      const { key, contentType } = object;
      const bytes = await bytesOf(object);
      const existing = await bucket.head(key);
      // The same bytes under another content type are put again, so the stored type is current.
      if (
        existing &&
        existing.size === bytes.length &&
        existing.httpMetadata?.contentType === contentType
      ) {
        const stored = await bucket.get(key);
        if (stored && Buffer.from(await stored.arrayBuffer()).equals(Buffer.from(bytes))) return;
      }
      await bucket.put(key, bytes, contentType ? { httpMetadata: { contentType } } : {});
      options.log?.(`  put ${key} (${bytes.length} bytes)`);
    };
    // A few at a time: each call is a round trip to Miniflare's proxy, and a thousand photos
    // one by one wait mostly on those. An object marked afterEarlier (a picture list) waits
    // until every object before it is stored.
    let batch: SeedObject[] = [];
    const flush = async () => {
      await Promise.all(batch.map(seedOne));
      batch = [];
    };
    for (const object of objects) {
      if (object.afterEarlier) {
        await flush();
        await seedOne(object);
        continue;
      }
      batch.push(object);
      if (batch.length === SEED_CONCURRENCY) await flush();
    }
    await flush();
  } finally {
    await mf.dispose();
  }
}
