/**
 * The flat index file: a model version's image or caption vectors in one self-describing binary
 * file that the worker reads from R2 and searches exactly (DESIGN.md, Storage). NDJSON would
 * cost the worker a JSON parse of every number (hundreds of MB for 40,000 x 1,024) and a copy
 * into a Float32Array; this file is decoded into typed-array views over the bytes it came in.
 *
 * Layout (all numbers little-endian):
 *
 *   0   8 bytes   magic: 0x89 "JSFLAT" 0x0A (the high byte and the newline catch a file that a
 *                 7-bit or text-mode transfer has mangled, as PNG's signature does)
 *   8   uint32    H, the header's length in bytes
 *   12  H bytes   header, UTF-8 JSON: { format, formatVersion, version, dimension, count,
 *                 encoding, ids: string[count], metadata: unknown[count] }
 *       0-3 zero bytes, so that the vectors start at a multiple of 4
 *   D   vectors   float32: count x dimension float32, row-major
 *                 int8:    count float32 scales, then count x dimension int8, row-major
 *
 * int8 rows are quantised symmetrically, one scale per row: scale = max|x| / 127 and
 * q = round(x / scale), so x = q * scale within scale / 2. Scales come before the int8 rows so
 * that they are 4-byte aligned too.
 *
 * What the decoded index costs in a worker (128 MB isolate), per vector of dimension D:
 *   float32  4·D bytes (1 KiB at D = 256, 4 KiB at D = 1,024)
 *   int8     D + 4 bytes (260 B at D = 256, 1,028 B at D = 1,024)
 * plus, for either, the parsed id and metadata on the JS heap (measured by bench/flat-index.ts:
 * about 260 bytes for a caption's id and {text, imageId, split}), the header's JSON text (about
 * 150-170 bytes a caption), which stays allocated because the vector views share its buffer,
 * and FlatIndex's id map and score buffer (about 55 bytes). So 40,000 captions at D = 1,024
 * take about 164 + 19 MB as float32, more than an isolate has, and 41 + 19 MB as int8.
 */

import { JointspaceFormatError, JointspaceInputError, requirePositiveInteger } from './errors.ts';
import {
  FLAT_INDEX_ENCODINGS,
  type FlatIndexEncoding,
  MODEL_VERSION_PATTERN,
} from './model-files.ts';

export const FLAT_INDEX_FORMAT = 'jointspace-flat-index';
export const FLAT_INDEX_FORMAT_VERSION = 1;

/** 0x89 "JSFLAT" "\n". */
export const FLAT_INDEX_MAGIC: Uint8Array = Uint8Array.of(
  0x89,
  0x4a,
  0x53,
  0x46,
  0x4c,
  0x41,
  0x54,
  0x0a,
);
/** Magic and header length: the bytes before the header JSON. */
const PREAMBLE_BYTES = 12;
const INT8_MAX = 127;

/** Typed arrays use the platform's byte order; the file is little-endian. */
const LITTLE_ENDIAN_PLATFORM = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export interface FlatIndexRecord<M> {
  id: string;
  values: Float32Array | readonly number[];
  metadata: M;
}

export interface FlatIndexInput<M> {
  /** The model version the vectors come from (a manifest's `version`). */
  version: string;
  dimension: number;
  records: readonly FlatIndexRecord<M>[];
}

/** The header's fields, as written and as decoded. */
export interface FlatIndexHeader<M> {
  format: typeof FLAT_INDEX_FORMAT;
  formatVersion: typeof FLAT_INDEX_FORMAT_VERSION;
  version: string;
  dimension: number;
  count: number;
  encoding: FlatIndexEncoding;
  ids: string[];
  metadata: M[];
}

interface FlatIndexDataBase<M> {
  formatVersion: number;
  version: string;
  dimension: number;
  count: number;
  /** Row r's id and metadata are ids[r] and metadata[r]. */
  ids: string[];
  metadata: M[];
}

export interface Float32FlatIndexData<M> extends FlatIndexDataBase<M> {
  encoding: 'float32';
  /** count x dimension, row-major; a view over the decoded bytes where they were aligned. */
  vectors: Float32Array;
}

export interface Int8FlatIndexData<M> extends FlatIndexDataBase<M> {
  encoding: 'int8';
  /** count x dimension quantised values, row-major; a view over the decoded bytes. */
  vectors: Int8Array;
  /** One per row: the row's values are vectors[r·D + i] · scales[r]. */
  scales: Float32Array;
}

export type FlatIndexData<M = unknown> = Float32FlatIndexData<M> | Int8FlatIndexData<M>;

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Bytes of the vector section for this shape and encoding. */
export function flatIndexVectorBytes(
  count: number,
  dimension: number,
  encoding: FlatIndexEncoding,
): number {
  return encoding === 'float32' ? count * dimension * 4 : count * 4 + count * dimension;
}

/**
 * Quantises one row into `out` (length = the row's) and returns its scale, max|x| / 127 rounded
 * to float32, the precision it is stored in. Each value is rounded against that stored scale,
 * so dequantising gives x within scale / 2. A zero row gets scale 0 and zeros. (Rows so small
 * that max|x| / 127 is subnormal in float32, below about 1e-36, lose that bound: not a case for
 * unit vectors.)
 */
export function quantizeRowInt8(values: ArrayLike<number>, out: Int8Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a > max) max = a;
  }
  const scale = Math.fround(max / INT8_MAX);
  if (scale === 0) {
    out.fill(0, 0, values.length);
    return 0;
  }
  for (let i = 0; i < values.length; i++) {
    const q = Math.round(values[i]! / scale);
    out[i] = Math.min(INT8_MAX, Math.max(-INT8_MAX, q));
  }
  return scale;
}

/** A new Float32Array holding stored row `row`: a copy (float32) or the dequantised values. */
export function flatIndexRow(data: FlatIndexData<unknown>, row: number): Float32Array {
  if (!Number.isInteger(row) || row < 0 || row >= data.count) {
    throw new JointspaceInputError(`row ${row} is outside the index's ${data.count} rows`);
  }
  const d = data.dimension;
  if (data.encoding === 'float32') return data.vectors.slice(row * d, (row + 1) * d);
  const out = new Float32Array(d);
  const scale = data.scales[row]!;
  const offset = row * d;
  for (let i = 0; i < d; i++) out[i] = data.vectors[offset + i]! * scale;
  return out;
}

function checkVersion(version: unknown, fail: (why: string) => never): string {
  if (typeof version !== 'string' || !MODEL_VERSION_PATTERN.test(version)) {
    fail(`version ${JSON.stringify(version)} must match ${MODEL_VERSION_PATTERN}`);
  }
  return version;
}

function inputFail(why: string): never {
  throw new JointspaceInputError(`flat index: ${why}`);
}

/**
 * The bytes before the vector section: magic, header length, header JSON and zero padding to a
 * multiple of 4. Exported so that a writer can stream the vectors after it (the trainer's
 * flat-index-files.ts) and still produce exactly what `encodeFlatIndex` does.
 */
export function encodeFlatIndexHeader<M>(
  header: Omit<FlatIndexHeader<M>, 'format' | 'formatVersion'>,
): Uint8Array<ArrayBuffer> {
  checkVersion(header.version, inputFail);
  requirePositiveInteger(header.dimension, 'flat index: dimension');
  if (!(FLAT_INDEX_ENCODINGS as readonly string[]).includes(header.encoding)) {
    inputFail(`encoding must be one of ${FLAT_INDEX_ENCODINGS.join(', ')}`);
  }
  if (header.ids.length !== header.count || header.metadata.length !== header.count) {
    inputFail(
      `count ${header.count} disagrees with ${header.ids.length} ids and ${header.metadata.length} metadata`,
    );
  }
  const seen = new Set<string>();
  for (const id of header.ids) {
    if (typeof id !== 'string' || id.length === 0) inputFail('every id must be a non-empty string');
    if (seen.has(id)) inputFail(`id ${JSON.stringify(id)} appears twice`);
    seen.add(id);
  }
  // Field order fixed here, so that equal inputs give byte-identical files.
  const full: FlatIndexHeader<M> = {
    format: FLAT_INDEX_FORMAT,
    formatVersion: FLAT_INDEX_FORMAT_VERSION,
    version: header.version,
    dimension: header.dimension,
    count: header.count,
    encoding: header.encoding,
    ids: header.ids,
    metadata: header.metadata,
  };
  const json = new TextEncoder().encode(JSON.stringify(full));
  const out = new Uint8Array(align4(PREAMBLE_BYTES + json.length));
  out.set(FLAT_INDEX_MAGIC, 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, PREAMBLE_BYTES);
  return out;
}

/** Writes float32 values little-endian at a 4-aligned byte offset of `out`. */
function writeFloat32s(out: Uint8Array, byteOffset: number, values: ArrayLike<number>): void {
  if (LITTLE_ENDIAN_PLATFORM) {
    new Float32Array(out.buffer, out.byteOffset + byteOffset, values.length).set(values);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + byteOffset, values.length * 4);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
}

/** One file holding every record: ids, metadata and vectors, float32 or int8. */
export function encodeFlatIndex<M>(
  input: FlatIndexInput<M>,
  encoding: FlatIndexEncoding,
): Uint8Array<ArrayBuffer> {
  const { dimension, records } = input;
  requirePositiveInteger(dimension, 'flat index: dimension');
  records.forEach((r, row) => {
    if (r.values.length !== dimension) {
      inputFail(`record ${row} (${r.id}) has ${r.values.length} values, expected ${dimension}`);
    }
    for (let i = 0; i < dimension; i++) {
      if (!Number.isFinite(r.values[i])) {
        inputFail(`record ${row} (${r.id}) has a value that is not a finite number`);
      }
    }
  });
  const head = encodeFlatIndexHeader<M>({
    version: input.version,
    dimension,
    count: records.length,
    encoding,
    ids: records.map((r) => r.id),
    metadata: records.map((r) => r.metadata),
  });
  const count = records.length;
  const out = new Uint8Array(head.length + flatIndexVectorBytes(count, dimension, encoding));
  out.set(head, 0);
  if (encoding === 'float32') {
    records.forEach((r, row) => {
      writeFloat32s(out, head.length + row * dimension * 4, r.values);
    });
  } else {
    const scales = new Float32Array(count);
    const rows = new Int8Array(out.buffer, head.length + count * 4, count * dimension);
    records.forEach((r, row) => {
      scales[row] = quantizeRowInt8(r.values, rows.subarray(row * dimension));
    });
    writeFloat32s(out, head.length, scales);
  }
  return out;
}

function formatFail(why: string): never {
  throw new JointspaceFormatError(`flat index: ${why}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Float32 values at byte `offset` of `bytes`: a view when aligned and little-endian, else a copy. */
function readFloat32s(bytes: Uint8Array, offset: number, length: number): Float32Array {
  const start = bytes.byteOffset + offset;
  if (LITTLE_ENDIAN_PLATFORM) {
    if (start % 4 === 0) return new Float32Array(bytes.buffer, start, length);
    // The caller's bytes sit at an odd offset of their buffer (a Node Buffer from a pool can):
    // one copy of this section is the price of an aligned view.
    return new Float32Array(bytes.slice(offset, offset + length * 4).buffer);
  }
  const view = new DataView(bytes.buffer, start, length * 4);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function parseHeader(bytes: Uint8Array): { header: FlatIndexHeader<unknown>; dataOffset: number } {
  // The magic first, on what there is of it: a short file of another kind is not "truncated".
  for (let i = 0; i < Math.min(bytes.length, FLAT_INDEX_MAGIC.length); i++) {
    if (bytes[i] !== FLAT_INDEX_MAGIC[i]) {
      formatFail('bad magic: this is not a jointspace flat index file');
    }
  }
  if (bytes.length < PREAMBLE_BYTES) {
    formatFail(`truncated: ${bytes.length} bytes, fewer than the ${PREAMBLE_BYTES}-byte preamble`);
  }
  const headerBytes = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(8, true);
  if (PREAMBLE_BYTES + headerBytes > bytes.length) {
    formatFail(
      `truncated: the header claims ${headerBytes} bytes but only ${bytes.length - PREAMBLE_BYTES} follow the preamble`,
    );
  }
  let json: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(
      bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerBytes),
    );
    json = JSON.parse(text);
  } catch (e) {
    formatFail(`the header is not UTF-8 JSON: ${(e as Error).message}`);
  }
  if (!isRecord(json)) formatFail('the header must be a JSON object');
  const h = json;
  if (h.format !== FLAT_INDEX_FORMAT) {
    formatFail(`header.format must be ${JSON.stringify(FLAT_INDEX_FORMAT)}`);
  }
  if (h.formatVersion !== FLAT_INDEX_FORMAT_VERSION) {
    formatFail(
      `formatVersion ${JSON.stringify(h.formatVersion)} is not supported (this reader knows ${FLAT_INDEX_FORMAT_VERSION})`,
    );
  }
  checkVersion(h.version, formatFail);
  if (typeof h.dimension !== 'number' || !Number.isInteger(h.dimension) || h.dimension < 1) {
    formatFail(`dimension ${JSON.stringify(h.dimension)} must be a positive integer`);
  }
  if (typeof h.count !== 'number' || !Number.isInteger(h.count) || h.count < 0) {
    formatFail(`count ${JSON.stringify(h.count)} must be a non-negative integer`);
  }
  if (!(FLAT_INDEX_ENCODINGS as readonly unknown[]).includes(h.encoding)) {
    formatFail(
      `encoding ${JSON.stringify(h.encoding)} must be one of ${FLAT_INDEX_ENCODINGS.join(', ')}`,
    );
  }
  if (!Array.isArray(h.ids) || !h.ids.every((id) => typeof id === 'string')) {
    formatFail('ids must be an array of strings');
  }
  if (!Array.isArray(h.metadata)) formatFail('metadata must be an array');
  if (h.ids.length !== h.count || h.metadata.length !== h.count) {
    formatFail(
      `counts disagree: count is ${h.count} but there are ${h.ids.length} ids and ${h.metadata.length} metadata`,
    );
  }
  if (new Set(h.ids).size !== h.ids.length) formatFail('ids must be unique');
  return {
    header: h as unknown as FlatIndexHeader<unknown>,
    dataOffset: align4(PREAMBLE_BYTES + headerBytes),
  };
}

/**
 * Reads a flat index file. The vectors are views over `bytes` (no copy) when the vector section
 * is 4-byte aligned in its buffer, which it is for a whole ArrayBuffer or an R2 object's; so the
 * caller must not reuse `bytes`. `M` is the caller's claim about the metadata's shape: the
 * header only guarantees one JSON value per row.
 */
export function decodeFlatIndex<M = unknown>(bytes: ArrayBuffer | Uint8Array): FlatIndexData<M> {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const { header, dataOffset } = parseHeader(u8);
  const { count, dimension, encoding } = header;
  const expected = flatIndexVectorBytes(count, dimension, encoding);
  const actual = u8.length - dataOffset;
  if (actual < expected) {
    formatFail(
      `truncated: ${Math.max(actual, 0)} bytes of vectors, expected ${expected} for ${count} ${encoding} vectors of dimension ${dimension}`,
    );
  }
  if (actual > expected) {
    formatFail(
      `${actual - expected} unexpected bytes after the ${count} ${encoding} vectors of dimension ${dimension}`,
    );
  }
  const base = {
    formatVersion: header.formatVersion,
    version: header.version,
    dimension,
    count,
    ids: header.ids,
    metadata: header.metadata as M[],
  };
  if (encoding === 'float32') {
    const vectors = readFloat32s(u8, dataOffset, count * dimension);
    // One NaN or infinity would poison every score it meets: refused at load, not per query.
    for (let i = 0; i < vectors.length; i++) {
      const v = vectors[i]!;
      if (v - v !== 0) {
        const row = Math.floor(i / dimension);
        formatFail(`row ${row} (${header.ids[row]}) holds ${v}: every value must be finite`);
      }
    }
    return { ...base, encoding, vectors };
  }
  const scales = readFloat32s(u8, dataOffset, count);
  for (let r = 0; r < count; r++) {
    const s = scales[r]!;
    if (!(s >= 0 && Number.isFinite(s))) {
      formatFail(`row ${r} (${header.ids[r]}) has scale ${s}: it must be finite and >= 0`);
    }
  }
  const vectors = new Int8Array(
    u8.buffer,
    u8.byteOffset + dataOffset + count * 4,
    count * dimension,
  );
  return { ...base, encoding, vectors, scales };
}
