import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { inflateSync } from 'node:zlib';

/**
 * MATLAB level-5 MAT-files (what `save -v6`/`-v7` and scipy.io.savemat write), read far enough
 * for feature matrices such as Karpathy's `vgg_feats.mat`: the 128-byte header, data elements
 * (full and small format), miCOMPRESSED (zlib) elements, and numeric miMATRIX arrays whose real
 * part is in any numeric storage type (MATLAB stores a double array as miUINT8 when its values
 * fit). Cells, structs, chars, sparse and complex arrays are recognised and listed, not decoded.
 * v7.3 files are HDF5 and refused with a note on how to convert them. The format is specified
 * in MathWorks' "MAT-File Format" (matfile_format.pdf), chapter 1.
 */

export class MatFormatError extends Error {
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'MatFormatError';
  }
}

/** A variable as the file describes it, before its data are decoded. */
export interface MatVariableInfo {
  name: string;
  /** MATLAB class: 'double', 'single', 'int8' ... 'uint64', 'char', 'struct', 'cell', 'sparse', ... */
  className: string;
  dims: number[];
  complex: boolean;
}

/** A real numeric array, as float32 in MATLAB's own column-major order. */
export interface MatMatrix {
  name: string;
  className: string;
  dims: number[];
  /** Column-major (element (r, c) of an R x C matrix is data[c * R + r]). */
  data: Float32Array;
}

// Data types of data elements (Table 1-1).
const MI = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  SINGLE: 7,
  DOUBLE: 9,
  INT64: 12,
  UINT64: 13,
  MATRIX: 14,
  COMPRESSED: 15,
  UTF8: 16,
  UTF16: 17,
  UTF32: 18,
} as const;

const MI_SIZE: Record<number, number> = {
  [MI.INT8]: 1,
  [MI.UINT8]: 1,
  [MI.INT16]: 2,
  [MI.UINT16]: 2,
  [MI.INT32]: 4,
  [MI.UINT32]: 4,
  [MI.SINGLE]: 4,
  [MI.DOUBLE]: 8,
  [MI.INT64]: 8,
  [MI.UINT64]: 8,
};

// Array classes (Table 1-3), indexed by class number.
const CLASS_NAMES: Record<number, string> = {
  1: 'cell',
  2: 'struct',
  3: 'object',
  4: 'char',
  5: 'sparse',
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
  16: 'function',
  17: 'opaque',
};
const NUMERIC_CLASSES = new Set([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
const OPAQUE = 17;
const FLAG_COMPLEX = 0x0800;
const FLAG_LOGICAL = 0x0200;

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

interface Tag {
  type: number;
  nbytes: number;
  /** Where the element's data start. */
  start: number;
  /** Where the next element starts (data padded to 8 bytes; small elements take 8 in all). */
  next: number;
}

/** A byte range being read, with its byte order and a label for errors. */
class Reader {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly little: boolean,
    readonly path: string,
    /** Where these bytes came from when not the file itself, e.g. 'compressed variable 2'. */
    readonly inside = '',
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** A damaged-structure error; byte positions are relative to `inside` when given. */
  error(message: string): MatFormatError {
    return new MatFormatError(
      this.path,
      this.inside ? `${message} (inside ${this.inside})` : message,
    );
  }

  /** An error about the file's content, not its structure. */
  refuse(message: string): MatFormatError {
    return new MatFormatError(this.path, message);
  }

  tag(pos: number, end: number, what: string): Tag {
    if (pos + 8 > end) throw this.error(`truncated: ${what} at byte ${pos} runs past the end`);
    const first = this.view.getUint32(pos, this.little);
    if (first >>> 16 !== 0) {
      // Small data element: 2 bytes of count, 2 of type, up to 4 bytes of data, in one 8-byte unit.
      const nbytes = first >>> 16;
      if (nbytes > 4) throw this.error(`bad small data element (${nbytes} bytes) at byte ${pos}`);
      return { type: first & 0xffff, nbytes, start: pos + 4, next: pos + 8 };
    }
    const nbytes = this.view.getUint32(pos + 4, this.little);
    const start = pos + 8;
    if (start + nbytes > end) {
      throw this.error(
        `truncated: ${what} at byte ${pos} claims ${nbytes} bytes, ${end - start} remain`,
      );
    }
    return { type: first, nbytes, start, next: start + Math.ceil(nbytes / 8) * 8 };
  }
}

function isHdf5At(bytes: Uint8Array, offset: number): boolean {
  return bytes.length >= offset + 8 && HDF5_SIGNATURE.every((b, i) => bytes[offset + i] === b);
}

/** Checks the 128-byte header and returns whether the file is little-endian. */
function readHeader(bytes: Uint8Array, path: string): boolean {
  const v73 =
    'a MATLAB v7.3 file (HDF5), which this reader does not read: re-save it in MATLAB with ' +
    "save(file, 'feats', '-v7'), or convert it to .npy with Python (h5py + numpy, and transpose: " +
    'HDF5 stores the matrix the other way round) and pass that instead';
  if (isHdf5At(bytes, 0) || isHdf5At(bytes, 512)) throw new MatFormatError(path, `is ${v73}`);
  const notV5 = 'not a MATLAB level-5 MAT-file';
  if (bytes.length < 128) throw new MatFormatError(path, `${notV5} (shorter than its header)`);
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 116));
  if (text.startsWith('MATLAB 7.3')) throw new MatFormatError(path, `is ${v73}`);
  const indicator = String.fromCharCode(bytes[126] as number, bytes[127] as number);
  if (indicator !== 'IM' && indicator !== 'MI') {
    throw new MatFormatError(
      path,
      `${notV5} (no "MI" endian indicator at byte 126; MAT v4 files and other formats are not read)`,
    );
  }
  const little = indicator === 'IM';
  const version = new DataView(bytes.buffer, bytes.byteOffset + 124, 2).getUint16(0, little);
  if (version === 0x0200) throw new MatFormatError(path, `is ${v73}`);
  if (version !== 0x0100) {
    throw new MatFormatError(path, `${notV5} (header version 0x${version.toString(16)})`);
  }
  return little;
}

interface ParsedMatrix {
  info: MatVariableInfo;
  classId: number;
  logical: boolean;
  reader: Reader;
  /** Position of the first element after the name (the real part of a numeric array). */
  dataPos: number;
  end: number;
}

/** Reads an miMATRIX element's flags, dimensions and name; `null` for an empty element. */
function parseMatrixHeader(r: Reader, tag: Tag): ParsedMatrix | null {
  const end = tag.start + tag.nbytes;
  if (tag.nbytes === 0) return null;
  const flags = r.tag(tag.start, end, 'array flags');
  if (flags.type !== MI.UINT32 || flags.nbytes !== 8) {
    throw r.error(`bad array flags at byte ${tag.start}`);
  }
  const word = r.view.getUint32(flags.start, r.little);
  const classId = word & 0xff;
  const string = (t: Tag) =>
    new TextDecoder('latin1').decode(r.bytes.subarray(t.start, t.start + t.nbytes));
  if (classId === OPAQUE) {
    // MATLAB objects (string, table, datetime ...): no dimensions; the name, the type system
    // ('MCOS') and the class name follow the flags. Listed by name, never decoded.
    const nameTag = r.tag(flags.next, end, 'object name');
    const system = r.tag(nameTag.next, end, 'object type system');
    const className = string(r.tag(system.next, end, 'object class'));
    return {
      info: { name: string(nameTag), className: className || 'opaque', dims: [], complex: false },
      classId,
      logical: false,
      reader: r,
      dataPos: end,
      end,
    };
  }
  const dimsTag = r.tag(flags.next, end, 'dimensions');
  if (dimsTag.type !== MI.INT32 || dimsTag.nbytes % 4 !== 0) {
    throw r.error(`bad dimensions element at byte ${flags.next}`);
  }
  const dims: number[] = [];
  for (let i = 0; i < dimsTag.nbytes / 4; i++) {
    dims.push(r.view.getInt32(dimsTag.start + i * 4, r.little));
  }
  const nameTag = r.tag(dimsTag.next, end, 'array name');
  if (nameTag.type !== MI.INT8 && nameTag.type !== MI.UINT8) {
    throw r.error(`bad array name element at byte ${dimsTag.next}`);
  }
  const name = string(nameTag);
  return {
    info: {
      name,
      className: CLASS_NAMES[classId] ?? `class ${classId}`,
      dims,
      complex: (word & FLAG_COMPLEX) !== 0,
    },
    classId,
    logical: (word & FLAG_LOGICAL) !== 0,
    reader: r,
    dataPos: nameTag.next,
    end,
  };
}

const NATIVE_LITTLE = endianness() === 'LE';

/** Decodes `count` numbers of data type `type` at `start` to float32. */
function decodeNumbers(r: Reader, type: number, start: number, count: number): Float32Array {
  const { view, little } = r;
  const out = new Float32Array(count);
  if (little === NATIVE_LITTLE && (type === MI.SINGLE || type === MI.DOUBLE)) {
    // Fast path: copy into an aligned buffer and let the typed-array constructor convert.
    const width = type === MI.SINGLE ? 4 : 8;
    const copy = new Uint8Array(r.bytes.subarray(start, start + count * width));
    out.set(type === MI.SINGLE ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer));
    return out;
  }
  const read: (offset: number) => number = (() => {
    switch (type) {
      case MI.INT8:
        return (o: number) => view.getInt8(o);
      case MI.UINT8:
        return (o: number) => view.getUint8(o);
      case MI.INT16:
        return (o: number) => view.getInt16(o, little);
      case MI.UINT16:
        return (o: number) => view.getUint16(o, little);
      case MI.INT32:
        return (o: number) => view.getInt32(o, little);
      case MI.UINT32:
        return (o: number) => view.getUint32(o, little);
      case MI.SINGLE:
        return (o: number) => view.getFloat32(o, little);
      case MI.DOUBLE:
        return (o: number) => view.getFloat64(o, little);
      case MI.INT64:
        return (o: number) => Number(view.getBigInt64(o, little));
      default:
        return (o: number) => Number(view.getBigUint64(o, little));
    }
  })();
  const width = MI_SIZE[type] as number;
  for (let i = 0; i < count; i++) out[i] = read(start + i * width);
  return out;
}

function describe(info: MatVariableInfo): string {
  const kind = info.complex ? `complex ${info.className}` : info.className;
  return `${info.name} (${[kind, info.dims.join('x')].filter((t) => t !== '').join(' ')})`;
}

function decodeMatrix(m: ParsedMatrix): MatMatrix {
  const { info, reader: r } = m;
  const what = `variable "${info.name}"`;
  if (info.className === 'sparse') {
    throw r.refuse(
      `${what} is a sparse matrix, which is not supported: store it as full(${info.name})`,
    );
  }
  if (!NUMERIC_CLASSES.has(m.classId)) {
    throw r.refuse(`${what} is a ${info.className} array, not a numeric matrix`);
  }
  if (info.complex) {
    throw r.refuse(`${what} is complex, which is not supported: features must be real numbers`);
  }
  const count = info.dims.reduce((a, b) => a * b, 1);
  const real = r.tag(m.dataPos, m.end, `the data of ${what}`);
  const width = MI_SIZE[real.type];
  if (width === undefined) {
    throw r.error(`${what} stores its data as unknown data type ${real.type}`);
  }
  if (real.nbytes !== count * width) {
    throw r.error(
      `${what} is ${info.dims.join(' x ')} (${count} values) but holds ${real.nbytes / width} values`,
    );
  }
  const data = decodeNumbers(r, real.type, real.start, count);
  return {
    name: info.name,
    className: m.logical ? 'logical' : info.className,
    dims: info.dims,
    data,
  };
}

/**
 * Walks the file's top-level variables, inflating compressed ones, and calls `visit` on each
 * until it returns a value.
 */
function walk<T>(
  bytes: Uint8Array,
  path: string,
  visit: (m: ParsedMatrix) => T | undefined,
): T | undefined {
  const little = readHeader(bytes, path);
  const top = new Reader(bytes, little, path);
  let pos = 128;
  let index = 0;
  while (pos + 8 <= bytes.length) {
    const tag = top.tag(pos, bytes.length, `variable ${index}`);
    let matrix: ParsedMatrix | null = null;
    if (tag.type === MI.COMPRESSED) {
      let inner: Uint8Array;
      try {
        inner = inflateSync(bytes.subarray(tag.start, tag.start + tag.nbytes));
      } catch (e) {
        throw top.error(
          `cannot decompress variable ${index} at byte ${pos} (${(e as Error).message})`,
        );
      }
      const r = new Reader(inner, little, path, `compressed variable ${index}`);
      const innerTag = r.tag(0, inner.length, 'compressed element');
      if (innerTag.type !== MI.MATRIX) {
        throw r.error(`compressed element holds data type ${innerTag.type}, not a matrix`);
      }
      matrix = parseMatrixHeader(r, innerTag);
      // Compressed elements are not padded: the next one starts right after the zlib stream.
      pos = tag.start + tag.nbytes;
    } else {
      if (tag.type === MI.MATRIX) matrix = parseMatrixHeader(top, tag);
      pos = tag.next;
    }
    index++;
    // Unnamed matrices are MATLAB's subsystem data (behind its objects), not variables.
    if (matrix !== null && matrix.info.name !== '') {
      const result = visit(matrix);
      if (result !== undefined) return result;
    }
  }
  return undefined;
}

/** Every top-level variable's name, class and size, in file order. */
export function listMatVariables(bytes: Uint8Array, path = '<bytes>'): MatVariableInfo[] {
  const out: MatVariableInfo[] = [];
  walk(bytes, path, (m) => {
    out.push(m.info);
    return undefined;
  });
  return out;
}

/**
 * Decodes the numeric variable `name`. Only that variable's data are decoded; the error for a
 * missing one lists the variables the file holds.
 */
export function parseMatMatrix(bytes: Uint8Array, name: string, path = '<bytes>'): MatMatrix {
  const found = walk(bytes, path, (m) => (m.info.name === name ? decodeMatrix(m) : undefined));
  if (found !== undefined) return found;
  const present = listMatVariables(bytes, path);
  throw new MatFormatError(
    path,
    `no variable "${name}"; the file holds ${present.length === 0 ? 'no variables' : present.map(describe).join(', ')}`,
  );
}

/** Reads the numeric variable `name` (default `feats`, as in Karpathy's vgg_feats.mat). */
export async function readMatMatrix(path: string, name = 'feats'): Promise<MatMatrix> {
  return parseMatMatrix(await readFile(path), name, path);
}

/**
 * A 2-D matrix whose columns are items (Karpathy's feats: 4096 x N, column i = image i) as
 * items x dim row-major. Column-major storage already lays each column out contiguously, so
 * this is the data as stored, without a copy.
 */
export function columnsAsRows(m: MatMatrix): { data: Float32Array; rows: number; dim: number } {
  const [dim, rows] = m.dims as [number, number];
  return { data: m.data, rows, dim };
}

/** A 2-D matrix in its own orientation (R x C), as row-major: the transpose of the storage. */
export function rowsAsRows(m: MatMatrix): { data: Float32Array; rows: number; dim: number } {
  const [rows, dim] = m.dims as [number, number];
  const out = new Float32Array(m.data.length);
  for (let c = 0; c < dim; c++) {
    for (let r = 0; r < rows; r++) out[r * dim + c] = m.data[c * rows + r] as number;
  }
  return { data: out, rows, dim };
}
