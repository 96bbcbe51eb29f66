import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudflareApi } from '../../../cli/deploy/cloudflare-api.ts';
import { ensureSplitIndex, SPLIT_METADATA_INDEX } from '../../../cli/deploy/metadata-index.ts';
import {
  type FakeCloudflareApi,
  startFakeCloudflareApi,
} from '../../support/fake-cloudflare-api.ts';

/**
 * The `split` metadata index every deployed Vectorize index needs, against the local stand-in
 * of the Cloudflare API: made before vectors go in, and, when made late, with the upload
 * started over so that every vector is upserted after it.
 */

const INDEX = 'js-r-images-0123456789';

let root: string;
let fake: FakeCloudflareApi;
let api: CloudflareApi;
let journalPath: string;
let lines: string[];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'jointspace-metadata-index-'));
  journalPath = join(root, 'production-images.json');
  fake = await startFakeCloudflareApi();
  api = new CloudflareApi({
    accountId: fake.accountId,
    apiToken: fake.token,
    baseUrl: fake.url,
    retries: 0,
  });
  await api.createVectorizeIndex({ name: INDEX, dimensions: 2, metric: 'cosine' });
  lines = [];
});

afterEach(async () => {
  await fake.close();
  await rm(root, { recursive: true, force: true });
});

function ensure() {
  return ensureSplitIndex(api, {
    index: INDEX,
    journalPath,
    timeoutMs: 60_000,
    pollMs: 1,
    log: (line) => {
      lines.push(line);
      // Vectorize processes the creation while the deploy waits.
      void fake.settle();
    },
  });
}

describe('SPLIT_METADATA_INDEX', () => {
  it('is a string index on split, the property the worker filters on', () => {
    expect(SPLIT_METADATA_INDEX).toEqual({ propertyName: 'split', indexType: 'string' });
  });
});

describe('ensureSplitIndex', () => {
  it('creates the metadata index and returns once Vectorize has processed it', async () => {
    expect(await ensure()).toBe(true);
    expect(await api.listMetadataIndexes(INDEX)).toEqual([SPLIT_METADATA_INDEX]);
    const index = fake.state.indexes.get(INDEX)!;
    expect(index.pending).toEqual([]);
    expect(index.metadataIndexes[0]?.active).toBe(true);
    expect(lines[0]).toBe(
      `creating metadata index split (string) on ${INDEX}; every vector is upserted after it, so that all are filterable`,
    );
  });

  it('does nothing when the index has it already', async () => {
    await ensure();
    const sent = fake.state.requests.length;
    lines = [];
    expect(await ensure()).toBe(false);
    expect(
      fake.state.requests.slice(sent).map((r) => r.path.split('/').slice(-2).join('/')),
    ).toEqual(['metadata_index/list']);
    expect(lines).toEqual([]);
  });

  it('discards the upload journal before creating it, so that every vector is upserted again', async () => {
    await writeFile(journalPath, '{"batchesDone": 3}');
    const order: string[] = [];
    const watched = new CloudflareApi({
      accountId: fake.accountId,
      apiToken: fake.token,
      baseUrl: fake.url,
      retries: 0,
      fetch: async (input, init) => {
        if (String(input).endsWith('/metadata_index/create')) {
          order.push(`create (journal ${existsSync(journalPath) ? 'kept' : 'gone'})`);
        }
        return fetch(input, init);
      },
    });
    await ensureSplitIndex(watched, {
      index: INDEX,
      journalPath,
      timeoutMs: 60_000,
      pollMs: 1,
      log: () => void fake.settle(),
    });
    expect(order).toEqual(['create (journal gone)']);
  });

  it('keeps the journal when the metadata index exists', async () => {
    await ensure();
    await writeFile(journalPath, '{"batchesDone": 3}');
    await ensure();
    expect(existsSync(journalPath)).toBe(true);
  });

  it('refuses a split metadata index of another type, saying how to mend it', async () => {
    await api.createMetadataIndex(INDEX, { propertyName: 'split', indexType: 'number' });
    await expect(ensure()).rejects.toThrow(
      `Vectorize index ${INDEX} has a number metadata index on split; the worker filters on it as a string. Delete it (wrangler vectorize delete-metadata-index ${INDEX} --property-name split) and deploy again.`,
    );
  });
});
