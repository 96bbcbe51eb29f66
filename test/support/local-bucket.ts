import { join } from 'node:path';
import { Miniflare } from 'miniflare';

/** One object of a local R2 bucket, as read back: its bytes and its stored Content-Type. */
export interface StoredObject {
  bytes: Uint8Array;
  contentType?: string;
}

/**
 * Every object of a bucket that seedLocalR2 (cli/local/seed-r2.ts) filled, by key: a second
 * Miniflare opened on the same state folder, as `wrangler dev --persist-to` opens it.
 */
export async function readLocalBucket(
  stateDir: string,
  bucketName: string,
): Promise<Record<string, StoredObject>> {
  const mf = new Miniflare({
    modules: true,
    script: 'export default { fetch() { return new Response(null); } }',
    r2Buckets: { BUCKET: bucketName },
    r2Persist: join(stateDir, 'v3', 'r2'),
  });
  try {
    const bucket = await mf.getR2Bucket('BUCKET');
    const out: Record<string, StoredObject> = {};
    let cursor: string | undefined;
    do {
      const page = await bucket.list(cursor === undefined ? {} : { cursor });
      for (const { key } of page.objects) {
        const object = await bucket.get(key);
        if (object === null) continue;
        const contentType = object.httpMetadata?.contentType;
        out[key] = {
          bytes: new Uint8Array(await object.arrayBuffer()),
          ...(contentType !== undefined ? { contentType } : {}),
        };
      }
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor !== undefined);
    return out;
  } finally {
    await mf.dispose();
  }
}
