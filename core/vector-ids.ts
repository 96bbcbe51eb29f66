/**
 * Ids of the image and caption vectors in a vector index. Vectorize allows at most 64 bytes an
 * id, and a re-export must give every vector the id it had before, so that an upload upserts
 * instead of duplicating. So ids are made from names, never from positions in a run:
 *
 *   image    its file name ("1000268201_693b08cb0e.jpg", "demo_000012.svg");
 *   caption  "<image id>#<k>", k its place among that image's captions (0-based).
 *
 * A name too long (or containing '#', which would make caption ids ambiguous) is replaced by
 * "h:" and the first 62 hex digits of its SHA-256: still stable, still within the limit.
 */

import { requirePositiveInteger } from './errors.ts';
import { sha256HexSync } from './hash.ts';
import { VECTORIZE_LIMITS } from './limits.ts';

export const VECTOR_ID_MAX_BYTES = VECTORIZE_LIMITS.idBytes;

const encoder = new TextEncoder();

function byteLength(s: string): number {
  return encoder.encode(s).length;
}

function hashed(name: string): string {
  return `h:${sha256HexSync(name).slice(0, VECTOR_ID_MAX_BYTES - 2)}`;
}

export function imageVectorId(fileName: string): string {
  if (fileName.length === 0) throw new RangeError('an image name must not be empty');
  return byteLength(fileName) <= VECTOR_ID_MAX_BYTES &&
    !fileName.includes('#') &&
    !fileName.startsWith('h:')
    ? fileName
    : hashed(fileName);
}

export function captionVectorId(imageId: string, ordinal: number): string {
  if (ordinal !== 0) requirePositiveInteger(ordinal, 'a caption ordinal');
  const id = `${imageId}#${ordinal}`;
  return byteLength(id) <= VECTOR_ID_MAX_BYTES ? id : hashed(id);
}
