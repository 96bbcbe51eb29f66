import { createReadStream, existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { CloudflareApi, VectorizeIndexInfo } from './cloudflare-api.ts';

/**
 * Vectors to Vectorize, in batches, resumably. After each accepted batch a journal beside the
 * export records how many batches are done and the last mutation id; a run that failed at batch
 * k starts again at batch k. Upserts with the export's stable ids make a repeated batch harmless
 * (it replaces the same vectors), so nothing is lost and nothing doubled, even if the journal
 * was written just before a crash.
 */

export interface UploadJournal {
  index: string;
  version: string;
  batchSize: number;
  batchesDone: number;
  /** Vectors sent so far (for progress). */
  vectorsDone: number;
  lastMutationId: string | null;
}

async function readJournal(path: string): Promise<UploadJournal | null> {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(await readFile(path, 'utf8')) as UploadJournal;
  } catch {
    return null; // unreadable: start over (upserts are idempotent)
  }
}

/**
 * Forgets every batch sent: the next upload sends every vector again. For vectors that must be
 * upserted anew, such as those sent before the index could filter on their metadata.
 */
export async function discardJournal(path: string): Promise<void> {
  await rm(path, { force: true });
}

async function writeJournal(path: string, journal: UploadJournal): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(journal)}\n`);
  await rename(`${path}.tmp`, path);
}

async function* batchesOf(ndjsonPath: string, size: number): AsyncGenerator<string[]> {
  const lines = createInterface({
    input: createReadStream(ndjsonPath),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let batch: string[] = [];
  for await (const line of lines) {
    if (line.trim() === '') continue;
    batch.push(line);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

export interface UploadResult {
  batches: number;
  /** Batches skipped because an earlier run had sent them. */
  resumedAfter: number;
  lastMutationId: string | null;
}

export async function uploadVectors(
  api: CloudflareApi,
  options: {
    ndjsonPath: string;
    index: string;
    version: string;
    total: number;
    batchSize: number;
    journalPath: string;
    log: (line: string) => void;
  },
): Promise<UploadResult> {
  const { index, version, batchSize, journalPath, log } = options;
  const previous = await readJournal(journalPath);
  const resumable =
    previous &&
    previous.index === index &&
    previous.version === version &&
    previous.batchSize === batchSize;
  const journal: UploadJournal = resumable
    ? previous
    : { index, version, batchSize, batchesDone: 0, vectorsDone: 0, lastMutationId: null };
  if (resumable && journal.batchesDone > 0) {
    log(
      `  ${index}: resuming after batch ${journal.batchesDone} (${journal.vectorsDone} of ${options.total} vectors already sent)`,
    );
  }
  const resumedAfter = journal.batchesDone;
  let k = 0;
  for await (const batch of batchesOf(options.ndjsonPath, batchSize)) {
    k++;
    if (k <= journal.batchesDone) continue;
    const { mutationId } = await api.upsertVectors(index, `${batch.join('\n')}\n`);
    journal.batchesDone = k;
    journal.vectorsDone += batch.length;
    journal.lastMutationId = mutationId;
    await writeJournal(journalPath, journal);
    log(`  ${index}: batch ${k}, ${journal.vectorsDone}/${options.total} vectors sent`);
  }
  return { batches: k, resumedAfter, lastMutationId: journal.lastMutationId };
}

interface PollOptions {
  index: string;
  timeoutMs: number;
  pollMs: number;
  log: (line: string) => void;
}

/**
 * Polls the index's info until `done` holds. Each new `status` is logged once (not on every
 * poll); past the timeout, throws the `timedOut` message.
 */
async function pollInfo(
  api: CloudflareApi,
  options: PollOptions,
  done: (info: VectorizeIndexInfo) => boolean,
  status: (info: VectorizeIndexInfo) => string,
  timedOut: (info: VectorizeIndexInfo) => string,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let shown = '';
  for (;;) {
    const info = await api.vectorizeInfo(options.index);
    if (done(info)) return;
    const line = status(info);
    if (line !== shown) options.log(line);
    shown = line;
    if (Date.now() > deadline) throw new Error(timedOut(info));
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}

/**
 * Vectorize applies writes asynchronously: waits until the index has processed the last
 * mutation sent (and holds the expected count), so that no query sees a half-loaded model.
 */
export async function waitUntilQueryable(
  api: CloudflareApi,
  options: PollOptions & { lastMutationId: string | null; expectedCount: number },
): Promise<void> {
  const { index, lastMutationId, expectedCount, timeoutMs } = options;
  await pollInfo(
    api,
    options,
    (info) =>
      (lastMutationId === null || info.processedUpToMutation === lastMutationId) &&
      info.vectorCount === expectedCount,
    (info) => `  ${index}: ${info.vectorCount}/${expectedCount} vectors queryable`,
    (info) =>
      `${index} still has ${info.vectorCount} of ${expectedCount} vectors queryable after ${Math.round(timeoutMs / 1000)} s (processed up to mutation ${info.processedUpToMutation}, waiting for ${lastMutationId}); run the deploy again to keep waiting`,
  );
}

/**
 * Waits until the index has processed `mutationId` (a metadata index's creation, which only
 * vectors upserted after it are part of).
 */
export async function waitUntilProcessed(
  api: CloudflareApi,
  options: PollOptions & { mutationId: string; what: string },
): Promise<void> {
  const { index, mutationId, what, timeoutMs } = options;
  await pollInfo(
    api,
    options,
    (info) => info.processedUpToMutation === mutationId,
    () => `  ${index}: waiting until ${what} is in place`,
    (info) =>
      `${index} has not processed ${what} (mutation ${mutationId}) after ${Math.round(timeoutMs / 1000)} s (processed up to mutation ${info.processedUpToMutation}); run the deploy again to keep waiting`,
  );
}
