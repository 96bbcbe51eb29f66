import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudflareApi, CloudflareApiError } from '../../../cli/deploy/cloudflare-api.ts';
import {
  discardJournal,
  type UploadJournal,
  uploadVectors,
  waitUntilProcessed,
  waitUntilQueryable,
} from '../../../cli/deploy/vector-upload.ts';
import {
  type FakeCloudflareApi,
  startFakeCloudflareApi,
} from '../../support/fake-cloudflare-api.ts';

/**
 * Vectors to Vectorize against the local stand-in of the Cloudflare API: batches, the journal
 * that lets a failed upload resume where it stopped, and the wait until Vectorize has applied
 * the writes (the stand-in applies them only on settle(), as Vectorize does some time later).
 */

const INDEX = 'js-r-images-0123456789';
const VERSION = 'bow16-test-f32-00000000';

let root: string;
let fake: FakeCloudflareApi;
let api: CloudflareApi;
let ndjsonPath: string;
let journalPath: string;
let lines: string[];

/** Seven 2-d vectors, a blank line among them (skipped, as blank lines are). */
const VECTORS = Array.from({ length: 7 }, (_, i) => ({ id: `v${i}`, values: [i, 1] }));

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'jointspace-vector-upload-'));
  ndjsonPath = join(root, 'images.ndjson');
  journalPath = join(root, 'journal.json');
  const records = VECTORS.map((v) => JSON.stringify(v));
  records.splice(4, 0, '');
  await writeFile(ndjsonPath, `${records.join('\n')}\n`);
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

function upload(overrides: Partial<Parameters<typeof uploadVectors>[1]> = {}) {
  return uploadVectors(api, {
    ndjsonPath,
    index: INDEX,
    version: VERSION,
    total: VECTORS.length,
    batchSize: 3,
    journalPath,
    log: (line) => lines.push(line),
    ...overrides,
  });
}

/** The upsert requests the stand-in has answered, failed ones included. */
function upserts() {
  return fake.state.requests.filter((r) => r.path.endsWith(`/${INDEX}/upsert`));
}

async function journal(): Promise<UploadJournal> {
  return JSON.parse(await readFile(journalPath, 'utf8')) as UploadJournal;
}

describe('uploadVectors', () => {
  it('sends the vectors in batches and records each one in the journal', async () => {
    const result = await upload();
    expect(upserts()).toHaveLength(3);
    expect(lines).toEqual([
      `  ${INDEX}: batch 1, 3/7 vectors sent`,
      `  ${INDEX}: batch 2, 6/7 vectors sent`,
      `  ${INDEX}: batch 3, 7/7 vectors sent`,
    ]);
    const index = fake.state.indexes.get(INDEX);
    expect(index?.pending.map((m) => m.vectors.length)).toEqual([3, 3, 1]);
    const last = index?.pending.at(-1)?.id;
    expect(result).toEqual({ batches: 3, resumedAfter: 0, lastMutationId: last });
    expect(await journal()).toEqual({
      index: INDEX,
      version: VERSION,
      batchSize: 3,
      batchesDone: 3,
      vectorsDone: 7,
      lastMutationId: last,
    });
    // Written by rename: no temporary file is left beside it.
    expect(existsSync(`${journalPath}.tmp`)).toBe(false);
    await fake.settle();
    expect([...(index?.vectors.values() ?? [])]).toEqual(VECTORS);
  });

  it('resumes after the last batch accepted when a run failed part way', async () => {
    fake.failNext({ pathIncludes: `/${INDEX}/upsert`, status: 500 });
    // The first batch fails: the journal is not written at all.
    await expect(upload()).rejects.toBeInstanceOf(CloudflareApiError);
    expect(existsSync(journalPath)).toBe(false);

    // Let the first batch through, fail the second.
    const failing = upload({
      log: (line) => {
        lines.push(line);
        if (line.includes('batch 1,')) fake.failNext({ pathIncludes: `/${INDEX}/upsert` });
      },
    });
    await expect(failing).rejects.toThrow(/HTTP 500/);
    expect(await journal()).toMatchObject({ batchesDone: 1, vectorsDone: 3 });

    lines = [];
    const sent = upserts().length;
    const result = await upload();
    expect(lines[0]).toBe(`  ${INDEX}: resuming after batch 1 (3 of 7 vectors already sent)`);
    expect(
      upserts()
        .slice(sent)
        .map((r) => r.status),
    ).toEqual([200, 200]);
    expect(result.batches).toBe(3);
    expect(result.resumedAfter).toBe(1);
    await fake.settle();
    // Nothing lost, nothing doubled.
    expect([...(fake.state.indexes.get(INDEX)?.vectors.values() ?? [])]).toEqual(VECTORS);
    expect(await journal()).toMatchObject({ batchesDone: 3, vectorsDone: 7 });
  });

  it('sends nothing again when the journal says every batch is done', async () => {
    const first = await upload();
    const sent = upserts().length;
    lines = [];
    const again = await upload();
    expect(upserts()).toHaveLength(sent);
    expect(again).toEqual({ batches: 3, resumedAfter: 3, lastMutationId: first.lastMutationId });
    expect(lines).toEqual([`  ${INDEX}: resuming after batch 3 (7 of 7 vectors already sent)`]);
  });

  it.each([
    ['another index', { index: 'js-r-images-ffffffffff' }],
    ['another version', { version: 'bow16-test-f32-11111111' }],
    ['another batch size', { batchSize: 2 }],
  ])('starts over when the journal is of %s', async (_what, journalOf) => {
    const stale: UploadJournal = {
      index: INDEX,
      version: VERSION,
      batchSize: 3,
      batchesDone: 2,
      vectorsDone: 6,
      lastMutationId: 'old',
      ...journalOf,
    };
    await writeFile(journalPath, JSON.stringify(stale));
    const result = await upload();
    expect(result.resumedAfter).toBe(0);
    expect(upserts()).toHaveLength(3);
    expect(lines.some((line) => line.includes('resuming'))).toBe(false);
    expect(await journal()).toMatchObject({ index: INDEX, version: VERSION, batchesDone: 3 });
  });

  it('sends every batch again after the journal is discarded, and discarding none is no error', async () => {
    await upload();
    await discardJournal(journalPath);
    expect(existsSync(journalPath)).toBe(false);
    await discardJournal(journalPath);
    const again = await upload();
    expect(again.resumedAfter).toBe(0);
    expect(upserts()).toHaveLength(6);
  });

  it('starts over when the journal cannot be read', async () => {
    await writeFile(journalPath, '{"index": "js-r-ima');
    const result = await upload();
    expect(result).toMatchObject({ batches: 3, resumedAfter: 0 });
    expect(upserts()).toHaveLength(3);
  });

  it('stops at the first batch the API refuses, naming the vector', async () => {
    await writeFile(
      ndjsonPath,
      `${JSON.stringify({ id: 'ok', values: [1, 0] })}\n${JSON.stringify({ id: 'bad', values: [1] })}\n`,
    );
    const error = await upload({ total: 2, batchSize: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudflareApiError);
    expect((error as Error).message).toContain('"bad" has 1 dimensions, the index expects 2');
    expect(await journal()).toMatchObject({ batchesDone: 1, vectorsDone: 1 });
  });
});

describe('waitUntilQueryable', () => {
  function wait(lastMutationId: string | null, expectedCount: number, timeoutMs = 60_000) {
    return waitUntilQueryable(api, {
      index: INDEX,
      lastMutationId,
      expectedCount,
      timeoutMs,
      pollMs: 1,
      log: (line) => {
        lines.push(line);
        // Vectorize applies the writes while the deploy waits.
        void fake.settle();
      },
    });
  }

  function infoCalls(): number {
    return fake.state.requests.filter((r) => r.path.endsWith(`/${INDEX}/info`)).length;
  }

  it('waits until the last mutation is applied and every vector is there', async () => {
    const { lastMutationId } = await upload();
    lines = [];
    await wait(lastMutationId, 7);
    expect(lines).toEqual([`  ${INDEX}: 0/7 vectors queryable`]);
    expect((await api.vectorizeInfo(INDEX)).vectorCount).toBe(7);
  });

  it('returns at once when the index is already there', async () => {
    const { lastMutationId } = await upload();
    await fake.settle();
    lines = [];
    await wait(lastMutationId, 7);
    expect(lines).toEqual([]);
    expect(infoCalls()).toBe(1);
  });

  it('waits for the mutation even when the count is already right', async () => {
    // Upserting the same ids again leaves the count at 7 before and after.
    await upload();
    await fake.settle();
    await rm(journalPath);
    const { lastMutationId } = await upload();
    lines = [];
    const before = infoCalls();
    await wait(lastMutationId, 7);
    expect(lines).toEqual([`  ${INDEX}: 7/7 vectors queryable`]);
    expect(infoCalls() - before).toBe(2);
    expect((await api.vectorizeInfo(INDEX)).processedUpToMutation).toBe(lastMutationId);
  });

  it('checks only the count when no mutation was sent', async () => {
    await upload();
    await fake.settle();
    lines = [];
    await wait(null, 7);
    expect(infoCalls()).toBe(1);
  });

  it('gives up after the timeout, saying how far Vectorize got', async () => {
    const { lastMutationId } = await upload();
    const error = await waitUntilQueryable(api, {
      index: INDEX,
      lastMutationId,
      expectedCount: 7,
      timeoutMs: 0,
      pollMs: 1,
      log: (line) => lines.push(line),
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `${INDEX} still has 0 of 7 vectors queryable after 0 s (processed up to mutation null, waiting for ${lastMutationId}); run the deploy again to keep waiting`,
    );
  });

  it('shows a count that does not move once, not on every poll', async () => {
    const { lastMutationId } = await upload();
    lines = [];
    // Vectorize applies the writes just before the fourth poll.
    let polls = 0;
    const watched = new CloudflareApi({
      accountId: fake.accountId,
      apiToken: fake.token,
      baseUrl: fake.url,
      retries: 0,
      fetch: async (input, init) => {
        if (String(input).endsWith('/info') && ++polls === 4) await fake.settle();
        return fetch(input, init);
      },
    });
    await waitUntilQueryable(watched, {
      index: INDEX,
      lastMutationId,
      expectedCount: 7,
      timeoutMs: 60_000,
      pollMs: 1,
      log: (line) => lines.push(line),
    });
    expect(polls).toBe(4);
    expect(lines).toEqual([`  ${INDEX}: 0/7 vectors queryable`]);
  });

  it('fails with the API error when the index does not exist', async () => {
    const error = await waitUntilQueryable(api, {
      index: 'js-r-images-missing',
      lastMutationId: null,
      expectedCount: 1,
      timeoutMs: 1000,
      pollMs: 1,
      log: () => undefined,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudflareApiError);
    expect((error as CloudflareApiError).code).toBe(3000);
  });
});

describe('waitUntilProcessed', () => {
  const what = 'the split metadata index';

  it('waits until the index has processed the mutation, saying what it waits for once', async () => {
    const { mutationId } = await api.createMetadataIndex(INDEX, {
      propertyName: 'split',
      indexType: 'string',
    });
    await waitUntilProcessed(api, {
      index: INDEX,
      mutationId,
      what,
      timeoutMs: 60_000,
      pollMs: 1,
      log: (line) => {
        lines.push(line);
        void fake.settle();
      },
    });
    expect(lines).toEqual([`  ${INDEX}: waiting until ${what} is in place`]);
    expect((await api.vectorizeInfo(INDEX)).processedUpToMutation).toBe(mutationId);
  });

  it('returns at once when it is processed already', async () => {
    const { mutationId } = await api.createMetadataIndex(INDEX, {
      propertyName: 'split',
      indexType: 'string',
    });
    await fake.settle();
    await waitUntilProcessed(api, {
      index: INDEX,
      mutationId,
      what,
      timeoutMs: 60_000,
      pollMs: 1,
      log: (line) => lines.push(line),
    });
    expect(lines).toEqual([]);
  });

  it('gives up after the timeout, naming the mutation and how far Vectorize got', async () => {
    const { mutationId } = await api.createMetadataIndex(INDEX, {
      propertyName: 'split',
      indexType: 'string',
    });
    const error = await waitUntilProcessed(api, {
      index: INDEX,
      mutationId,
      what,
      timeoutMs: 0,
      pollMs: 1,
      log: () => undefined,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `${INDEX} has not processed ${what} (mutation ${mutationId}) after 0 s (processed up to mutation null); run the deploy again to keep waiting`,
    );
  });
});
