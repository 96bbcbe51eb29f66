/**
 * The embedded VectorIndex: a decoded flat index file (core/flat-index.ts) held in the isolate
 * and scanned exactly. It is the local default (Vectorize has no local simulation) and the test
 * double of record. A query costs n·d multiply-adds and a top-k heap: about 5 ms of CPU for
 * 20,000 x 256 and 30-40 ms for 40,000 x 1,024 (bench/flat-index.ts), the same for float32 and
 * int8 (JavaScript has no narrow SIMD: int8 saves memory, not time). A query filtered by split
 * scores only that split's rows (a list per split, made once at load), so it costs its share.
 */

import { JointspaceFormatError } from '../../core/errors.ts';
import { decodeFlatIndex, type FlatIndexData, flatIndexRow } from '../../core/flat-index.ts';
import { sha256Hex } from '../../core/hash.ts';
import { topK } from '../../core/topk.ts';
import {
  scoreFloat32Rows,
  scoreFloat32RowsOf,
  scoreInt8Rows,
  scoreInt8RowsOf,
} from './flat-scores.ts';
import { checkFilter, checkQuery } from './query-checks.ts';
import type {
  IndexDescription,
  StoredVector,
  VectorFilter,
  VectorIndex,
  VectorMatch,
} from './vector-index.ts';

/** The `split` of a vector's metadata, when it has a string one (every export's images and captions do). */
function splitOf(metadata: unknown): string | undefined {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const split = (metadata as { split?: unknown }).split;
  return typeof split === 'string' ? split : undefined;
}

/** Each split's rows, ascending. A vector without a split is in no list: no split filter matches it. */
function rowsBySplit(metadata: readonly unknown[]): Map<string, Int32Array> {
  const rows = new Map<string, number[]>();
  metadata.forEach((m, row) => {
    const split = splitOf(m);
    if (split === undefined) return;
    const list = rows.get(split);
    if (list === undefined) rows.set(split, [row]);
    else list.push(row);
  });
  return new Map([...rows].map(([split, list]) => [split, Int32Array.from(list)]));
}

export class FlatIndex<M> implements VectorIndex<M> {
  /** id -> row, built once: getByIds is a lookup, not a scan. About 46 bytes a vector. */
  private readonly rowById = new Map<string, number>();
  /**
   * split -> its rows in storage order, built once: a query filtered by split scores only
   * these rows. 4 bytes a vector (each row is in one list at most).
   */
  private readonly rowsBySplit: ReadonlyMap<string, Int32Array>;
  /**
   * Raw scores of the last query, reused: a query scores and selects synchronously (no await
   * in between), so concurrent requests of the isolate never share it mid-query. 8 bytes a
   * vector, in float64 so that near-ties are not merged by rounding. A filtered query uses its
   * first (subset size) entries.
   */
  private readonly scores: Float64Array;

  constructor(private readonly data: FlatIndexData<M>) {
    data.ids.forEach((id, row) => {
      this.rowById.set(id, row);
    });
    this.rowsBySplit = rowsBySplit(data.metadata);
    this.scores = new Float64Array(data.count);
  }

  /** The model version the vectors were exported from (the file's header). */
  get version(): string {
    return this.data.version;
  }

  get encoding(): FlatIndexData<M>['encoding'] {
    return this.data.encoding;
  }

  async describe(): Promise<IndexDescription> {
    return { dimension: this.data.dimension, count: this.data.count };
  }

  async query(
    vector: Float32Array,
    k: number,
    filter: VectorFilter = {},
  ): Promise<VectorMatch<M>[]> {
    const norm = checkQuery(vector, k, this.data.dimension);
    checkFilter(filter);
    const { data } = this;
    const rows = filter.split === undefined ? undefined : this.rowsBySplit.get(filter.split);
    if (filter.split !== undefined && rows === undefined) return [];
    // No filter, or a split that holds every row (a version exported with one split): the
    // contiguous scan, which reads rows in order and is faster than going through a row list.
    if (rows === undefined || rows.length === data.count) {
      const scores = this.scores;
      if (data.encoding === 'float32') scoreFloat32Rows(data.vectors, vector, scores);
      else scoreInt8Rows(data.vectors, data.scales, vector, scores);
      return topK(scores, k).map(({ index, score }) => this.match(index, score, norm));
    }
    // A view of the shared buffer, not a copy: entry j scores row rows[j].
    const scores = this.scores.subarray(0, rows.length);
    if (data.encoding === 'float32') scoreFloat32RowsOf(data.vectors, vector, rows, scores);
    else scoreInt8RowsOf(data.vectors, data.scales, vector, rows, scores);
    // The lists are in storage order, so equal scores still come back in storage order.
    return topK(scores, k).map(({ index, score }) => this.match(rows[index]!, score, norm));
  }

  /**
   * One answer. Selecting on the raw dot products and dividing only the k winners by the
   * query's norm keeps the order exactly that of the dot products (ties included).
   */
  private match(row: number, dot: number, norm: number): VectorMatch<M> {
    return {
      id: this.data.ids[row]!,
      // Cosine, since the stored vectors are unit length. Rounding (and int8 quantisation, by
      // up to about 1e-3) can carry it just past ±1, which the interface rules out.
      score: Math.max(-1, Math.min(1, dot / norm)),
      metadata: this.data.metadata[row]!,
    };
  }

  async getByIds(ids: readonly string[]): Promise<StoredVector<M>[]> {
    const found: StoredVector<M>[] = [];
    for (const id of ids) {
      const row = this.rowById.get(id);
      if (row === undefined) continue;
      // A copy (or the dequantised row): callers cannot write into the index.
      found.push({ id, values: flatIndexRow(this.data, row), metadata: this.data.metadata[row]! });
    }
    return found;
  }
}

/** The flat index file is not in the bucket: a deployment that was not seeded, or a wrong key. */
export class FlatIndexNotFoundError extends Error {
  override readonly name: string = 'FlatIndexNotFoundError';
}

/** What the caller expects of the file (its manifest's version, dimension, size and SHA-256). */
export interface FlatIndexExpectation {
  version?: string;
  dimension?: number;
  /** The manifest's entry for the file: a changed or truncated byte is refused before decoding. */
  file?: { bytes: number; sha256: string };
}

/**
 * Reads and decodes a flat index file from R2. The object is read whole (R2 gives one
 * ArrayBuffer) and the vectors stay views over it. Errors name the key: FlatIndexNotFoundError
 * when absent, JointspaceFormatError when the bytes are not a valid file or not the expected
 * version or dimension.
 */
export async function loadFlatIndex<M>(
  bucket: R2Bucket,
  key: string,
  expected: FlatIndexExpectation = {},
): Promise<FlatIndex<M>> {
  const object = await bucket.get(key);
  if (object === null) {
    throw new FlatIndexNotFoundError(`flat index ${JSON.stringify(key)} is not in the R2 bucket`);
  }
  const bytes = new Uint8Array(await object.arrayBuffer());
  if (expected.file !== undefined) {
    const { bytes: size, sha256 } = expected.file;
    if (bytes.length !== size || (await sha256Hex(bytes)) !== sha256) {
      throw new JointspaceFormatError(
        `${JSON.stringify(key)} is not the file the manifest lists (${bytes.length} bytes, expected ${size}, or another SHA-256): changed or truncated`,
      );
    }
  }
  let data: FlatIndexData<M>;
  try {
    data = decodeFlatIndex<M>(bytes);
  } catch (e) {
    if (e instanceof JointspaceFormatError) {
      throw new JointspaceFormatError(`${JSON.stringify(key)}: ${e.message}`);
    }
    throw e;
  }
  if (expected.version !== undefined && data.version !== expected.version) {
    throw new JointspaceFormatError(
      `${JSON.stringify(key)} holds vectors of model version ${data.version}, expected ${expected.version}`,
    );
  }
  if (expected.dimension !== undefined && data.dimension !== expected.dimension) {
    throw new JointspaceFormatError(
      `${JSON.stringify(key)} holds vectors of dimension ${data.dimension}, expected ${expected.dimension}`,
    );
  }
  return new FlatIndex(data);
}
