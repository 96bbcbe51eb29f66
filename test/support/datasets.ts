import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll } from 'vitest';
import { encodeNpy } from '../../trainer/data/npy.ts';

/** Synthetic data for the loader tests: temp folders, split files, .npy and .mat bytes. */

const made: string[] = [];

/** A fresh temp folder, removed when the test file's tests are done. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jointspace-data-'));
  made.push(dir);
  return dir;
}

// Registered when a test file imports this module: each file cleans up its own folders.
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

export interface TinyImage {
  filename: string;
  split: string;
  captions: string[];
}

/**
 * A Karpathy split file; the stored tokens are deliberately wrong, loaders must recompute.
 * `dataset` null leaves out the file's "dataset" name.
 */
export function karpathyJson(images: TinyImage[], dataset: string | null = 'tiny'): string {
  let sentid = 0;
  return JSON.stringify({
    ...(dataset !== null ? { dataset } : {}),
    images: images.map((im, imgid) => {
      const sentences = im.captions.map((raw) => ({
        raw,
        tokens: ['stale'],
        imgid,
        sentid: sentid++,
      }));
      return {
        filename: im.filename,
        imgid,
        split: im.split,
        sentids: sentences.map((s) => s.sentid),
        sentences,
      };
    }),
  });
}

/** rows x dim, value (r, c) = r + c / 10: every row different and exactly known. */
export function rampFeatures(rows: number, dim: number): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) for (let c = 0; c < dim; c++) out[r * dim + c] = r + c / 8;
  return out;
}

export function row(data: Float32Array, dim: number, r: number): number[] {
  return Array.from(data.subarray(r * dim, (r + 1) * dim));
}

export async function writeNpyFile(
  path: string,
  data: Float32Array,
  shape: number[],
): Promise<void> {
  await writeFile(path, encodeNpy(data, shape));
}

/** .npy bytes in float16 or float64 (little-endian, C order), for the width conversions. */
export function npyBytes(values: number[], shape: number[], descr: '<f2' | '<f8'): Uint8Array {
  const f32 = encodeNpy(new Float32Array(values), shape);
  // Reuse encodeNpy's header layout, swapping the dtype (same length, so padding still fits).
  const headerLen = new DataView(f32.buffer).getUint16(8, true);
  const header = new TextDecoder('latin1').decode(f32.subarray(10, 10 + headerLen));
  const width = descr === '<f2' ? 2 : 8;
  const out = new Uint8Array(10 + headerLen + values.length * width);
  out.set(f32.subarray(0, 10));
  out.set(new TextEncoder().encode(header.replace("'<f4'", `'${descr}'`)), 10);
  const view = new DataView(out.buffer, 10 + headerLen);
  values.forEach((v, i) => {
    if (width === 8) view.setFloat64(i * 8, v, true);
    else view.setUint16(i * 2, toHalf(v), true);
  });
  return out;
}

/** Float to IEEE half, for values that are exact in half precision (and NaN/Inf). */
function toHalf(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  if (v === Number.POSITIVE_INFINITY) return 0x7c00;
  if (v === Number.NEGATIVE_INFINITY) return 0xfc00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === 0) return sign;
  const e = Math.floor(Math.log2(a));
  if (e < -14) return sign | Math.round(a / 2 ** -24);
  return sign | ((e + 15) << 10) | Math.round((a / 2 ** e - 1) * 1024);
}

// ---- A minimal MAT v5 writer, for cases scipy cannot make (storage types, byte order, damage).

export const MI = {
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
} as const;
const WIDTH: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 2,
  5: 4,
  6: 4,
  7: 4,
  9: 8,
  12: 8,
  13: 8,
};

export interface MatVar {
  name: string;
  /** MATLAB class number: 6 double, 7 single, 2 struct, 5 sparse ... */
  classId: number;
  dims: number[];
  /** Storage type of the real part. */
  type: number;
  /** Column-major values. */
  values: number[];
  complex?: boolean;
}

class Bytes {
  private parts: Uint8Array[] = [];
  constructor(private little: boolean) {}
  get length(): number {
    return this.parts.reduce((n, p) => n + p.length, 0);
  }
  push(p: Uint8Array): void {
    this.parts.push(p);
  }
  u32(...values: number[]): void {
    const b = new Uint8Array(4 * values.length);
    const v = new DataView(b.buffer);
    values.forEach((x, i) => {
      v.setUint32(i * 4, x, this.little);
    });
    this.push(b);
  }
  /** A data element, small format when it fits in 4 bytes (as MATLAB writes names). */
  element(type: number, data: Uint8Array, small = true): void {
    if (small && data.length <= 4) {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setUint32(0, (data.length << 16) | type, this.little);
      b.set(data, 4);
      this.push(b);
      return;
    }
    this.u32(type, data.length);
    this.push(data);
    const pad = (8 - (data.length % 8)) % 8;
    if (pad > 0) this.push(new Uint8Array(pad));
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

function numbers(values: number[], type: number, little: boolean): Uint8Array {
  const width = WIDTH[type] as number;
  const b = new Uint8Array(values.length * width);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => {
    const o = i * width;
    if (type === MI.INT8) v.setInt8(o, x);
    else if (type === MI.UINT8) v.setUint8(o, x);
    else if (type === MI.INT16) v.setInt16(o, x, little);
    else if (type === MI.UINT16) v.setUint16(o, x, little);
    else if (type === MI.INT32) v.setInt32(o, x, little);
    else if (type === MI.UINT32) v.setUint32(o, x, little);
    else if (type === MI.SINGLE) v.setFloat32(o, x, little);
    else if (type === MI.DOUBLE) v.setFloat64(o, x, little);
    else if (type === MI.INT64) v.setBigInt64(o, BigInt(x), little);
    else v.setBigUint64(o, BigInt(x), little);
  });
  return b;
}

/** A MATLAB object (class 17, e.g. a string): flags, name, 'MCOS', class name, then data. */
export function opaqueElement(name: string, className: string, little = true): Uint8Array {
  const body = new Bytes(little);
  body.u32(MI.UINT32, 8, 17, 0);
  body.element(MI.INT8, new TextEncoder().encode(name));
  body.element(MI.INT8, new TextEncoder().encode('MCOS'));
  body.element(MI.INT8, new TextEncoder().encode(className));
  body.push(
    matrixElement({ name: '', classId: 13, dims: [1, 2], type: MI.UINT32, values: [1, 2] }, little),
  );
  const inner = body.concat();
  const out = new Bytes(little);
  out.u32(MI.MATRIX, inner.length);
  out.push(inner);
  return out.concat();
}

function matrixElement(m: MatVar, little: boolean): Uint8Array {
  const body = new Bytes(little);
  body.u32(MI.UINT32, 8, m.classId | (m.complex ? 0x0800 : 0), 0);
  const dims = new Uint8Array(4 * m.dims.length);
  const dimsView = new DataView(dims.buffer);
  m.dims.forEach((d, i) => {
    dimsView.setInt32(i * 4, d, little);
  });
  body.element(MI.INT32, dims, false);
  body.element(MI.INT8, new TextEncoder().encode(m.name));
  body.element(m.type, numbers(m.values, m.type, little), false);
  if (m.complex) body.element(m.type, numbers(m.values, m.type, little), false);
  const inner = body.concat();
  const out = new Bytes(little);
  out.u32(MI.MATRIX, inner.length);
  out.push(inner);
  return out.concat();
}

export interface MatOptions {
  compress?: boolean;
  little?: boolean;
  /** Header text (default a v5 one) and version word. */
  text?: string;
  version?: number;
}

export function encodeMat(vars: (MatVar | Uint8Array)[], options: MatOptions = {}): Uint8Array {
  const {
    compress = false,
    little = true,
    text = 'MATLAB 5.0 MAT-file, written by a test',
    version = 0x0100,
  } = options;
  const out = new Bytes(little);
  const header = new Uint8Array(128).fill(0x20);
  header.set(new TextEncoder().encode(text));
  new DataView(header.buffer).setUint16(124, version, little);
  header.set(new TextEncoder().encode(little ? 'IM' : 'MI'), 126);
  out.push(header);
  for (const m of vars) {
    const element = m instanceof Uint8Array ? m : matrixElement(m, little);
    if (compress) {
      const z = deflateSync(element);
      out.u32(MI.COMPRESSED, z.length);
      out.push(z);
    } else {
      out.push(element);
    }
  }
  return out.concat();
}
