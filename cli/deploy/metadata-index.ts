import type { CloudflareApi, VectorizeMetadataIndex } from './cloudflare-api.ts';
import { discardJournal, waitUntilProcessed } from './vector-upload.ts';

/**
 * The worker filters search, annotate and similar by dataset split (`filter: { split }` on the
 * Vectorize binding), and Vectorize filters only on properties that have a metadata index
 * (reference/metadata-filtering/: "to filter on another metadata property of your vectors,
 * you'll need to create a metadata index"). So every index the deploy makes gets one on `split`,
 * of type string, and gets it BEFORE any vector is upserted: "Vectors upserted before a
 * metadata index was created won't have their metadata contained in that index.
 * Upserting/re-upserting vectors after it was created will have them indexed as expected."
 */
export const SPLIT_METADATA_INDEX: VectorizeMetadataIndex = {
  propertyName: 'split',
  indexType: 'string',
};

export interface SplitIndexOptions {
  /** The Vectorize index. */
  index: string;
  /** The upload journal of the vectors bound for it (vector-upload.ts). */
  journalPath: string;
  timeoutMs: number;
  pollMs: number;
  log: (line: string) => void;
}

/**
 * Makes sure `index` can filter on `split` before vectors go in. Returns true when it created
 * the metadata index.
 *
 * An index made by an earlier deploy may lack it and already hold vectors, which are then not
 * filterable. The safe course, taken here, is to upsert every vector again once the metadata
 * index exists: the upload journal is discarded before the metadata index is created (so a run
 * that stops in between still starts the upload over), and the upload that follows sends every
 * batch. Upserts replace by id, so nothing is doubled; a worker already serving the index keeps
 * answering unfiltered queries meanwhile, and split-filtered ones fill in as vectors are redone.
 */
export async function ensureSplitIndex(
  api: CloudflareApi,
  options: SplitIndexOptions,
): Promise<boolean> {
  const { index, journalPath, log } = options;
  const { propertyName, indexType } = SPLIT_METADATA_INDEX;
  const existing = (await api.listMetadataIndexes(index)).find(
    (m) => m.propertyName === propertyName,
  );
  if (existing !== undefined) {
    if (existing.indexType === indexType) return false;
    throw new Error(
      `Vectorize index ${index} has a ${existing.indexType} metadata index on ${propertyName}; the worker filters on it as a ${indexType}. Delete it (wrangler vectorize delete-metadata-index ${index} --property-name ${propertyName}) and deploy again.`,
    );
  }
  await discardJournal(journalPath);
  log(
    `creating metadata index ${propertyName} (${indexType}) on ${index}; every vector is upserted after it, so that all are filterable`,
  );
  const { mutationId } = await api.createMetadataIndex(index, SPLIT_METADATA_INDEX);
  await waitUntilProcessed(api, {
    index,
    mutationId,
    what: `the ${propertyName} metadata index`,
    timeoutMs: options.timeoutMs,
    pollMs: options.pollMs,
    log,
  });
  return true;
}
