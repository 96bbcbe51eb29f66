import { readFile, writeFile } from 'node:fs/promises';

/**
 * NumPy .npy files, version 1-3, the format users' CNN features come in. Read as float32 whatever
 * the stored float width (float16 and float64 are converted), either byte order, C or Fortran
 * order; written as little-endian float32 in C order, which NumPy reads back with np.load.
 * Hand-written because the format is small and fully specified (numpy's NEP 1) and the npm
 * readers do not write, convert float16, or name the offending file in their errors.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

export interface NpyArray {
  /** Row-major (C order) float32 values. */
  data: Float32Array;
  shape: number[];
  /** The dtype as stored in the file, e.g. '<f4' or '<f2'. */
  storedDtype: string;
}

export class NpyFormatError extends Error {
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'NpyFormatError';
  }
}

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  dataOffset: number;
}

function parseHeader(bytes: Uint8Array, path: string): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyFormatError(path, 'not a .npy file (the magic string \\x93NUMPY is missing)');
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new NpyFormatError(path, `unsupported .npy format version ${major}`);
  }
  const dataOffset = headerStart + headerLength;
  if (dataOffset > bytes.length) throw new NpyFormatError(path, 'header runs past the end');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, dataOffset),
  );
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpyFormatError(path, `cannot parse the header ${JSON.stringify(header.trim())}`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number(s));
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new NpyFormatError(path, `bad shape (${shapeText})`);
  }
  return { descr, fortranOrder: fortran === 'True', shape, dataOffset };
}

/** IEEE 754 half precision to a JS number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function decodeFloats(bytes: Uint8Array, descr: string, count: number, path: string): Float32Array {
  const order = descr[0];
  const kind = descr.slice(1);
  if (!['<', '>', '|', '='].includes(order ?? '') || !['f2', 'f4', 'f8'].includes(kind)) {
    throw new NpyFormatError(
      path,
      `dtype ${descr} is not supported: features must be float16, float32 or float64`,
    );
  }
  const little = order !== '>';
  const width = Number(kind.slice(1));
  if (bytes.length < count * width) {
    throw new NpyFormatError(
      path,
      `truncated: the header promises ${count} values (${count * width} bytes), the file holds ${bytes.length} bytes of data`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * width);
  const out = new Float32Array(count);
  if (width === 4) {
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, little);
  } else if (width === 8) {
    for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, little);
  } else {
    for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, little));
  }
  return out;
}

/** Fortran (column-major) to C (row-major) order for a 2-D array. */
function fortranToC(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = data[c * rows + r] as number;
  }
  return out;
}

/** Parses .npy bytes; `path` only names the source in errors. */
export function parseNpy(bytes: Uint8Array, path = '<bytes>'): NpyArray {
  const header = parseHeader(bytes, path);
  const count = header.shape.reduce((a, b) => a * b, 1);
  let data = decodeFloats(bytes.subarray(header.dataOffset), header.descr, count, path);
  if (header.fortranOrder && header.shape.length > 1) {
    if (header.shape.length !== 2) {
      throw new NpyFormatError(path, 'Fortran-order arrays are supported in 2-D only');
    }
    data = fortranToC(data, header.shape[0] as number, header.shape[1] as number);
  }
  return { data, shape: header.shape, storedDtype: header.descr };
}

export async function readNpy(path: string): Promise<NpyArray> {
  return parseNpy(await readFile(path), path);
}

/**
 * The .npy version 1.0 header of a little-endian float32 array of the given shape in C order:
 * the bytes before its values, so that a large matrix can be written row by row after it.
 */
export function npyHeader(shape: readonly number[]): Uint8Array {
  if (shape.some((n) => !Number.isSafeInteger(n) || n < 0)) {
    throw new Error(`bad shape (${shape.join(', ')})`);
  }
  const shapeText = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shapeText}), }`;
  // Pad with spaces so that magic + version + length + header + '\n' is a multiple of 64.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = `${header.padEnd(total - 10 - 1, ' ')}\n`;
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  return out;
}

/** Encodes a float32 array of the given shape as .npy version 1.0 bytes. */
export function encodeNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new Error(`shape (${shape.join(', ')}) holds ${count} values, data has ${data.length}`);
  }
  const header = npyHeader(shape);
  const out = new Uint8Array(header.length + data.length * 4);
  out.set(header, 0);
  const view = new DataView(out.buffer, header.length);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i] as number, true);
  return out;
}

export async function writeNpy(
  path: string,
  data: Float32Array,
  shape: readonly number[],
): Promise<void> {
  await writeFile(path, encodeNpy(data, shape));
}
