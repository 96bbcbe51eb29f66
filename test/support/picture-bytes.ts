import { inject } from 'vitest';
import type { PictureFixture } from './picture-fixtures.ts';

/** Bytes from base64 (workerd has atob, not Buffer). */
export function fromBase64(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A picture of test/support/picture-fixtures.ts, by name. */
export function pictureFixture(name: string): PictureFixture {
  const found = inject('pictureFixtures').small.find((p) => p.name === name);
  if (!found) throw new Error(`no picture fixture named ${name}`);
  return found;
}

/** A large (2048 x 2048) picture of the fixtures, by format. */
export function largePicture(format: 'jpeg' | 'png' | 'webp'): Uint8Array<ArrayBuffer> {
  const found = inject('pictureFixtures').large.find((p) => p.format === format);
  if (!found) throw new Error(`no large ${format} fixture`);
  return fromBase64(found.base64);
}

/** RGBA pixels as RGB (alpha dropped). */
export function rgbOf(rgba: ArrayLike<number>): Uint8Array {
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let p = 0, q = 0; p < rgba.length; p += 4, q += 3) {
    rgb[q] = rgba[p] as number;
    rgb[q + 1] = rgba[p + 1] as number;
    rgb[q + 2] = rgba[p + 2] as number;
  }
  return rgb;
}

/** How many values differ, and by how much at most. */
export function difference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): { count: number; max: number } {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let count = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    if (d > 0) count++;
    if (d > max) max = d;
  }
  return { count, max };
}

/**
 * The first 33 bytes of a PNG (signature and IHDR, 8-bit RGB) announcing any size, and nothing
 * after: what a header check reads, without a single pixel behind it.
 */
export function pngHeaderOnly(width: number, height: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 0);
  bytes.set([0x49, 0x48, 0x44, 0x52], 12); // IHDR
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 2, 0, 0, 0], 24); // 8 bits, RGB, deflate, no filter, no interlace
  return bytes;
}
