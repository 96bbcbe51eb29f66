import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';

/**
 * Pictures made by the tests (sharp encodes them), so that picture tests need no files of their
 * own: every pixel differs from its neighbours, and the four quadrants have colours of their own,
 * so a rotation, a flip or a crop shows.
 */

export interface PictureSpec {
  width: number;
  height: number;
  format: 'jpeg' | 'png' | 'webp';
  /** EXIF orientation written into a JPEG (1-8). */
  orientation?: number;
  /** 1: grey, 2: grey + alpha, 3: RGB, 4: RGBA (default 3). */
  channels?: 1 | 2 | 3 | 4;
  /** Varies the pattern between pictures. */
  seed?: number;
}

/** Raw pixels of the pattern: channels bytes a pixel, row-major. */
export function patternPixels(spec: Omit<PictureSpec, 'format'>): Uint8Array {
  const { width, height, channels = 3, seed = 0 } = spec;
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const right = x >= width / 2 ? 1 : 0;
      const lower = y >= height / 2 ? 1 : 0;
      const rgb = [
        40 + 160 * right + ((x + seed) % 16),
        40 + 160 * lower + ((y * 3 + seed) % 16),
        120 + ((x * 7 + y * 5 + seed * 11) % 64),
      ];
      const grey = Math.round((rgb[0]! + rgb[1]! + rgb[2]!) / 3);
      const at = (y * width + x) * channels;
      const values =
        channels === 1
          ? [grey]
          : channels === 2
            ? [grey, 200]
            : channels === 3
              ? rgb
              : [...rgb, 100];
      out.set(values, at);
    }
  }
  return out;
}

/** The pattern encoded as a picture file's bytes. */
export async function pictureBytes(spec: PictureSpec): Promise<Buffer> {
  const { width, height, channels = 3 } = spec;
  let image = sharp(patternPixels(spec), { raw: { width, height, channels } });
  if (spec.orientation !== undefined) image = image.withMetadata({ orientation: spec.orientation });
  if (spec.format === 'jpeg') return image.jpeg({ quality: 95 }).toBuffer();
  if (spec.format === 'png') return image.png().toBuffer();
  return image.webp({ lossless: true }).toBuffer();
}

/** Writes the pattern to `path`. */
export async function writePicture(path: string, spec: PictureSpec): Promise<void> {
  await writeFile(path, await pictureBytes(spec));
}
