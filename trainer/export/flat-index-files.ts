import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { endianness } from 'node:os';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { JointspaceFormatError } from '../../core/errors.ts';
import {
  encodeFlatIndexHeader,
  type FlatIndexEncoding,
  quantizeRowInt8,
} from '../../core/flat-index.ts';
import { parseVectorRecord, type VectorRecord } from '../../core/vector-records.ts';

/**
 * Turns a model version's vector file (images.ndjson or captions.ndjson) into the flat index
 * file the worker loads from R2 (core/flat-index.ts), e.g. to seed Miniflare's local R2.
 *
 * The file's header (ids and metadata) comes before the vectors, but the count is only known
 * at the end of the NDJSON. So the NDJSON is read once, line by line: ids and metadata are kept
 * (they go in the header anyway), each vector is converted and appended to a side file, and
 * the output is then header + side file. Memory stays at the header's size, not the vectors'
 * (a Flickr8k LSTM-1024 captions.ndjson is hundreds of megabytes). The result is byte for byte
 * what encodeFlatIndex gives for the same records; it is written beside `outPath` and renamed
 * into place, so a failure leaves no partial file.
 */

export interface FlatIndexFileOptions {
  /** The model version (the manifest's `version`). */
  version: string;
  dimension: number;
  encoding: FlatIndexEncoding;
}

export interface FlatIndexFileResult {
  count: number;
  bytes: number;
}

const FLUSH_BYTES = 1 << 20;

/** Little-endian bytes of a Float32Array (a copy: the caller's buffer is reused). */
function float32Bytes(values: Float32Array): Buffer {
  const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  return endianness() === 'LE' ? Buffer.from(bytes) : Buffer.from(bytes).swap32();
}

export async function writeFlatIndexFromNdjson(
  ndjsonPath: string,
  outPath: string,
  options: FlatIndexFileOptions,
): Promise<FlatIndexFileResult> {
  const { version, dimension, encoding } = options;
  const sidePath = `${outPath}.vectors.tmp`;
  const partPath = `${outPath}.tmp`;
  const ids: string[] = [];
  const metadata: unknown[] = [];
  const scales: number[] = [];
  try {
    const side = await open(sidePath, 'w');
    try {
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async (): Promise<void> => {
        if (pendingBytes === 0) return;
        await side.write(Buffer.concat(pending, pendingBytes));
        pending = [];
        pendingBytes = 0;
      };
      const row = new Float32Array(dimension);
      const quantized = new Int8Array(dimension);
      const lines = createInterface({
        input: createReadStream(ndjsonPath),
        crlfDelay: Number.POSITIVE_INFINITY,
      });
      let lineNumber = 0;
      for await (const line of lines) {
        lineNumber++;
        if (line.trim() === '') continue;
        let record: VectorRecord<unknown>;
        try {
          record = parseVectorRecord<unknown>(line, dimension);
        } catch (e) {
          throw new JointspaceFormatError(`${ndjsonPath}:${lineNumber}: ${(e as Error).message}`);
        }
        ids.push(record.id);
        metadata.push(record.metadata);
        row.set(record.values);
        let chunk: Buffer;
        if (encoding === 'float32') {
          chunk = float32Bytes(row);
        } else {
          scales.push(quantizeRowInt8(row, quantized));
          chunk = Buffer.from(quantized.buffer.slice(0));
        }
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= FLUSH_BYTES) await flush();
      }
      await flush();
    } finally {
      await side.close();
    }

    // Checks the ids (unique, non-empty) and the version before anything is written out.
    const header = encodeFlatIndexHeader({
      version,
      dimension,
      count: ids.length,
      encoding,
      ids,
      metadata,
    });
    const out = createWriteStream(partPath, { flags: 'w' });
    out.write(header);
    if (encoding === 'int8') out.write(float32Bytes(Float32Array.from(scales)));
    await pipeline(createReadStream(sidePath), out);
    if (!out.closed) await once(out, 'close');
    await rename(partPath, outPath);
  } finally {
    await rm(sidePath, { force: true });
    await rm(partPath, { force: true });
  }
  return { count: ids.length, bytes: (await stat(outPath)).size };
}
