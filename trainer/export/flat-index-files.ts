import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { endianness } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { JointspaceFormatError } from '../../core/errors.ts';
import { encodeFlatIndexHeader, quantizeRowInt8 } from '../../core/flat-index.ts';
import type { ManifestFile } from '../../core/manifest.ts';
import {
  FLAT_INDEX_ENCODINGS,
  type FlatIndexEncoding,
  flatIndexFile,
  VECTOR_KINDS,
  type VectorKind,
} from '../../core/model-files.ts';
import { parseVectorRecord, type VectorRecord } from '../../core/vector-records.ts';
import { fileEntryAt } from './model-version.ts';

/**
 * Turns a model version's vector files (images.ndjson, captions.ndjson) into the flat index
 * files the worker loads from R2 (core/flat-index.ts), one per kind and encoding, so that a
 * version folder holds everything any vector store needs.
 *
 * A file's header (ids and metadata) comes before the vectors, but the count is only known at
 * the end of the NDJSON. So the NDJSON is read once, line by line: ids and metadata are kept
 * (they go in the header anyway), each vector is converted to every encoding and appended to a
 * side file per encoding, and each output is then header + side file. Memory stays at the
 * header's size, not the vectors' (a Flickr8k LSTM-1024 captions.ndjson is hundreds of
 * megabytes). The result is byte for byte what encodeFlatIndex gives for the same records; each
 * file is written beside its path and renamed into place, so a failure leaves no partial file.
 */

export interface FlatIndexFileOptions {
  /** The model version (the manifest's `version`): every file's header carries it. */
  version: string;
  dimension: number;
}

export interface FlatIndexOutput {
  path: string;
  encoding: FlatIndexEncoding;
}

const FLUSH_BYTES = 1 << 20;

/** Little-endian bytes of a Float32Array (a copy: the caller's buffer is reused). */
function float32Bytes(values: Float32Array): Buffer {
  const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  return endianness() === 'LE' ? Buffer.from(bytes) : Buffer.from(bytes).swap32();
}

/** One encoding's vector section, gathered in a side file with buffered writes. */
class SideFile {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  readonly scales: number[] = [];
  private readonly quantized: Int8Array;

  private constructor(
    readonly output: FlatIndexOutput,
    readonly path: string,
    private readonly file: FileHandle,
    dimension: number,
  ) {
    this.quantized = new Int8Array(dimension);
  }

  static async open(output: FlatIndexOutput, dimension: number): Promise<SideFile> {
    const path = `${output.path}.vectors.tmp`;
    return new SideFile(output, path, await open(path, 'w'), dimension);
  }

  async add(row: Float32Array): Promise<void> {
    let chunk: Buffer;
    if (this.output.encoding === 'float32') {
      chunk = float32Bytes(row);
    } else {
      this.scales.push(quantizeRowInt8(row, this.quantized));
      chunk = Buffer.from(this.quantized.buffer.slice(0));
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    await this.file.write(Buffer.concat(this.pending, this.pendingBytes));
    this.pending = [];
    this.pendingBytes = 0;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.file.close();
  }

  async abandon(): Promise<void> {
    await this.file.close().catch(() => undefined);
  }
}

/** Reads the NDJSON's records in order, naming the line of a bad one. */
async function* ndjsonRecords(
  ndjsonPath: string,
  dimension: number,
): AsyncGenerator<VectorRecord<unknown>> {
  const lines = createInterface({
    input: createReadStream(ndjsonPath),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    try {
      yield parseVectorRecord<unknown>(line, dimension);
    } catch (e) {
      throw new JointspaceFormatError(`${ndjsonPath}:${lineNumber}: ${(e as Error).message}`);
    }
  }
}

/** Writes one flat index file per output (one per encoding) from an NDJSON vector file. */
export async function writeFlatIndexesFromNdjson(
  ndjsonPath: string,
  outputs: readonly FlatIndexOutput[],
  options: FlatIndexFileOptions,
): Promise<{ count: number }> {
  const { version, dimension } = options;
  const ids: string[] = [];
  const metadata: unknown[] = [];
  const sides: SideFile[] = [];
  try {
    for (const output of outputs) sides.push(await SideFile.open(output, dimension));
    const row = new Float32Array(dimension);
    for await (const record of ndjsonRecords(ndjsonPath, dimension)) {
      ids.push(record.id);
      metadata.push(record.metadata);
      row.set(record.values);
      for (const side of sides) await side.add(row);
    }
    for (const side of sides) await side.close();
    for (const side of sides) {
      // Checks the ids (unique, non-empty) and the version before anything is written out.
      const header = encodeFlatIndexHeader({
        version,
        dimension,
        count: ids.length,
        encoding: side.output.encoding,
        ids,
        metadata,
      });
      await assemble(side, header);
    }
  } catch (e) {
    for (const side of sides) await side.abandon();
    throw e;
  } finally {
    for (const side of sides) {
      await rm(side.path, { force: true });
      await rm(`${side.output.path}.tmp`, { force: true });
    }
  }
  return { count: ids.length };
}

/** Header, int8 scales, then the side file's vectors; renamed into place when complete. */
async function assemble(side: SideFile, header: Uint8Array): Promise<void> {
  const partPath = `${side.output.path}.tmp`;
  const out = createWriteStream(partPath, { flags: 'w' });
  out.write(header);
  if (side.output.encoding === 'int8') out.write(float32Bytes(Float32Array.from(side.scales)));
  await pipeline(createReadStream(side.path), out);
  if (!out.closed) await once(out, 'close');
  await rename(partPath, side.output.path);
}

/**
 * The flat index files of a version folder whose NDJSON is written: every kind in every
 * encoding, named by core's flatIndexFile. Returns their manifest entries and names.
 */
export async function writeVersionFlatIndexes(
  dir: string,
  ndjson: Record<VectorKind, string>,
  options: FlatIndexFileOptions,
): Promise<{
  files: Record<string, ManifestFile>;
  flat: Record<VectorKind, Record<FlatIndexEncoding, string>>;
}> {
  const files: Record<string, ManifestFile> = {};
  const flat = {} as Record<VectorKind, Record<FlatIndexEncoding, string>>;
  for (const kind of VECTOR_KINDS) {
    const names = {} as Record<FlatIndexEncoding, string>;
    for (const encoding of FLAT_INDEX_ENCODINGS) names[encoding] = flatIndexFile(kind, encoding);
    const outputs = FLAT_INDEX_ENCODINGS.map((encoding) => ({
      encoding,
      path: join(dir, names[encoding]),
    }));
    await mkdir(dirname(outputs[0]!.path), { recursive: true });
    await writeFlatIndexesFromNdjson(join(dir, ndjson[kind]), outputs, options);
    for (const { encoding, path } of outputs) files[names[encoding]] = await fileEntryAt(path);
    flat[kind] = names;
  }
  return { files, flat };
}
