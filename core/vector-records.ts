/**
 * The vector files of a model version, images.ndjson and captions.ndjson: one JSON object a
 * line, in the format `wrangler vectorize insert|upsert --file` reads (id, values, metadata).
 *
 * Values are written as the shortest decimal that reads back as the same float32, so the files
 * carry exactly the vectors the encoders computed (and Vectorize stores float32) at about 10
 * characters a number instead of 20.
 */

import { JointspaceFormatError } from './errors.ts';
import { VECTORIZE_LIMITS } from './limits.ts';

/** Vectorize's limit on one vector's metadata. */
export const METADATA_MAX_BYTES = VECTORIZE_LIMITS.metadataBytes;

export interface ImageMetadata {
  /** The image's file name in the dataset. */
  file: string;
  split: string;
  /** Where the image can be fetched, when the export was given a base URL. */
  url?: string;
}

export interface CaptionMetadata {
  text: string;
  /** The vector id of the image this caption describes. */
  imageId: string;
  split: string;
}

export interface VectorRecord<M> {
  id: string;
  values: number[];
  metadata: M;
}

/** The shortest decimal that reads back as the float32 `x` (7 to 9 significant digits). */
export function formatFloat32(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`cannot write ${x} as a vector value`);
  for (const digits of [7, 8]) {
    const s = x.toPrecision(digits);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(Number(x.toPrecision(9)));
}

/** One NDJSON line (without its newline). */
export function formatVectorRecord<M>(id: string, values: Float32Array, metadata: M): string {
  const meta = JSON.stringify(metadata);
  if (new TextEncoder().encode(meta).length > METADATA_MAX_BYTES) {
    throw new RangeError(`metadata of ${id} is over Vectorize's ${METADATA_MAX_BYTES} bytes`);
  }
  let numbers = '';
  for (let i = 0; i < values.length; i++)
    numbers += (i ? ',' : '') + formatFloat32(values[i] as number);
  return `{"id":${JSON.stringify(id)},"values":[${numbers}],"metadata":${meta}}`;
}

/** Reads one line back, checking its shape (and, given `dimension`, its length). */
export function parseVectorRecord<M>(line: string, dimension?: number): VectorRecord<M> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    throw new JointspaceFormatError(`a vector line is not JSON: ${(e as Error).message}`);
  }
  const r = v as Partial<VectorRecord<M>>;
  if (typeof r !== 'object' || r === null || typeof r.id !== 'string' || !Array.isArray(r.values)) {
    throw new JointspaceFormatError(
      'a vector line must be an object with a string id and a values array',
    );
  }
  if (dimension !== undefined && r.values.length !== dimension) {
    throw new JointspaceFormatError(
      `vector ${r.id} has ${r.values.length} values, expected ${dimension}`,
    );
  }
  if (!r.values.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new JointspaceFormatError(`vector ${r.id} has a value that is not a finite number`);
  }
  return r as VectorRecord<M>;
}
