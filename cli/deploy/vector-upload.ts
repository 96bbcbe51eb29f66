import { createReadStream, existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { CloudflareApi } from './cloudflare-api.ts';

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

/**
 * Vectorize applies writes asynchronously: waits until the index has processed the last
 * mutation sent (and holds the expected count), so that no query sees a half-loaded model.
 */
export async function waitUntilQueryable(
  api: CloudflareApi,
  options: {
    index: string;
    lastMutationId: string | null;
    expectedCount: number;
    timeoutMs: number;
    pollMs: number;
    log: (line: string) => void;
  },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let shown = '';
  for (;;) {
    const info = await api.vectorizeInfo(options.index);
    const processed =
      options.lastMutationId === null || info.processedUpToMutation === options.lastMutationId;
    if (processed && info.vectorCount === options.expectedCount) return;
    const status = `  ${options.index}: ${info.vectorCount}/${options.expectedCount} vectors queryable`;
    if (status !== shown) options.log(status);
    shown = status;
    if (Date.now() > deadline) {
      throw new Error(
        `${options.index} still has ${info.vectorCount} of ${options.expectedCount} vectors queryable after ${Math.round(options.timeoutMs / 1000)} s (processed up to mutation ${info.processedUpToMutation}, waiting for ${options.lastMutationId}); run the deploy again to keep waiting`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}
