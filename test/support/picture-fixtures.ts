import sharp from 'sharp';
import type { TestProject } from 'vitest/node';

/**
 * Global setup of the workerd tests (Node side): pictures made here with sharp in each format
 * and shape the worker's decoders must read (baseline and progressive JPEG, grey JPEG, EXIF
 * orientation, RGB, RGBA, grey, palette and 16-bit PNG, lossy, lossless and alpha WebP), with
 * the pixels sharp decodes them to: sharp is the trainer's decoder, so the worker must agree with
 * it. Also the large pictures the timing tests decode (2048 x 2048, the pixel limit). The bytes
 * travel to the tests through vitest's provide/inject (base64); the whole set takes well under a
 * second to make.
 */

export interface PictureFixture {
  name: string;
  format: 'jpeg' | 'png' | 'webp';
  /** The file's bytes. */
  base64: string;
  /** As stored (before orientation). */
  width: number;
  height: number;
  orientation: number;
  /** sharp's decode, RGB (alpha dropped, grey spread), width x height x 3, as stored. */
  rgbBase64: string;
  /** Whether the format loses nothing: the decoded pixels are the ones the picture was made of. */
  lossless: boolean;
  /** The pixels it was made of, RGB, when lossless (for a check that needs no decoder at all). */
  sourceBase64?: string;
}

export interface PictureFixtures {
  small: PictureFixture[];
  /** 2048 x 2048 pictures (JPEG, PNG, WebP) for the timing tests; pixels not compared. */
  large: { name: string; format: 'jpeg' | 'png' | 'webp'; base64: string }[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    pictureFixtures: PictureFixtures;
  }
}

/** A picture with edges, gradients and colour, deterministic in (x, y): RGB, width x height. */
export function testPattern(width: number, height: number, seed = 0): Buffer {
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const inDisc = (x - width / 3) ** 2 + (y - height / 2) ** 2 < (height / 4) ** 2;
      const stripe = Math.floor((x + seed) / 7) % 2 === 0;
      rgb[i] = inDisc ? 230 : Math.round((255 * x) / width);
      rgb[i + 1] = stripe ? 40 + ((y * 3 + seed) % 180) : 200;
      rgb[i + 2] = inDisc ? 30 : Math.round((255 * y) / height) ^ (x & 0x0f);
    }
  }
  return rgb;
}

function raw(rgb: Buffer, width: number, height: number, channels: 1 | 2 | 3 | 4 = 3) {
  return sharp(rgb, { raw: { width, height, channels } });
}

/** sharp's RGB decode of a file, as the trainer would read it (no rotation). */
async function sharpRgb(file: Buffer): Promise<Buffer> {
  return sharp(file).toColourspace('srgb').removeAlpha().raw().toBuffer();
}

async function fixture(
  name: string,
  format: PictureFixture['format'],
  file: Buffer,
  options: { orientation?: number; lossless?: boolean; source?: Buffer } = {},
): Promise<PictureFixture> {
  const meta = await sharp(file).metadata();
  return {
    name,
    format,
    base64: file.toString('base64'),
    width: meta.width,
    height: meta.height,
    orientation: options.orientation ?? 1,
    rgbBase64: (await sharpRgb(file)).toString('base64'),
    lossless: options.lossless ?? false,
    ...(options.source ? { sourceBase64: options.source.toString('base64') } : {}),
  };
}

/** A grey ramp with alpha, for the pictures that carry an alpha channel: RGBA. */
function withAlpha(rgb: Buffer, width: number, height: number): Buffer {
  const rgba = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    rgb.copy(rgba, p * 4, p * 3, p * 3 + 3);
    rgba[p * 4 + 3] = (p * 5) % 256;
  }
  return rgba;
}

export async function makePictureFixtures(): Promise<PictureFixtures> {
  const [w, h] = [61, 47]; // odd sizes: no codec block or filter lines up with them by luck
  const rgb = testPattern(w, h);
  const rgba = withAlpha(rgb, w, h);
  const grey = await raw(rgb, w, h).greyscale().raw().toBuffer();
  const small = await Promise.all([
    fixture('baseline.jpeg', 'jpeg', await raw(rgb, w, h).jpeg({ quality: 90 }).toBuffer()),
    fixture(
      'progressive.jpeg',
      'jpeg',
      await raw(rgb, w, h).jpeg({ quality: 80, progressive: true }).toBuffer(),
    ),
    fixture('grey.jpeg', 'jpeg', await raw(grey, w, h, 1).jpeg({ quality: 90 }).toBuffer()),
    fixture(
      'rotated.jpeg',
      'jpeg',
      await raw(rgb, w, h).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toBuffer(),
      { orientation: 6 },
    ),
    fixture('rgb.png', 'png', await raw(rgb, w, h).png().toBuffer(), {
      lossless: true,
      source: rgb,
    }),
    fixture('rgba.png', 'png', await raw(rgba, w, h, 4).png().toBuffer(), {
      lossless: true,
      source: rgb,
    }),
    fixture('grey.png', 'png', await raw(grey, w, h, 1).png().toBuffer(), { lossless: true }),
    fixture('palette.png', 'png', await raw(rgb, w, h).png({ palette: true }).toBuffer()),
    fixture('deep.png', 'png', await raw(rgb, w, h).toColourspace('rgb16').png().toBuffer()),
    fixture('lossy.webp', 'webp', await raw(rgb, w, h).webp({ quality: 80 }).toBuffer()),
    fixture('lossless.webp', 'webp', await raw(rgb, w, h).webp({ lossless: true }).toBuffer(), {
      lossless: true,
      source: rgb,
    }),
    fixture('alpha.webp', 'webp', await raw(rgba, w, h, 4).webp({ quality: 80 }).toBuffer()),
  ]);
  const side = 2048;
  const big = raw(testPattern(side, side, 3), side, side);
  const large = [
    {
      name: 'large.jpeg',
      format: 'jpeg',
      file: await big.clone().jpeg({ quality: 85 }).toBuffer(),
    },
    { name: 'large.png', format: 'png', file: await big.clone().png().toBuffer() },
    {
      name: 'large.webp',
      format: 'webp',
      file: await big.clone().webp({ quality: 80 }).toBuffer(),
    },
  ] as const;
  return {
    small,
    large: large.map((l) => ({
      name: l.name,
      format: l.format,
      base64: l.file.toString('base64'),
    })),
  };
}

export default async function setup(project: TestProject): Promise<void> {
  project.provide('pictureFixtures', await makePictureFixtures());
}
