import { readFile, stat } from 'node:fs/promises';
import {
  checkPicture,
  type DecodedFormat,
  fitPicture,
  type PictureHeader,
} from '../../core/picture-pixels.ts';

/**
 * A picture file to the CNN's input: uint8 RGB 224 x 224 (core's PICTURE_INPUT). The format is
 * told by the bytes' signature, never by the file name; the header is read (core's
 * checkPicture, as the worker does) before anything is decoded, so an absurd picture is
 * refused without allocating its pixels. sharp (libvips, libjpeg-turbo) decodes, and only
 * decodes: it neither rotates nor resizes. The EXIF orientation, the centred square and the
 * area-average resize are core's fitPicture, the same code the worker runs after its own
 * decoder, so a file gives the same 224 x 224 pixels on both sides. For the same reason an
 * embedded colour profile is ignored (the worker's decoders do not apply one either).
 */

export const PICTURE_FILE_LIMITS = {
  /**
   * Width x height as the header announces it. No camera makes more than 100 megapixels; a
   * header that says so is damaged or hostile, and its RGB pixels alone would take 300 MB.
   */
  maxPixels: 100_000_000,
  /** A file's size; a 100-megapixel PNG is rarely over 300 MB. */
  maxBytes: 512 * 1024 * 1024,
} as const;

/** What is wrong with a file that gives no picture. */
export type PictureProblem =
  | 'missing'
  | 'unreadable'
  | 'not-a-picture'
  | 'unsupported'
  | 'too-large'
  | 'damaged';

/** A file that gives no CNN input: which file, what kind of problem, and why in words. */
export class PictureError extends Error {
  constructor(
    readonly file: string,
    readonly problem: PictureProblem,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'PictureError';
  }
}

const FORMAT_NAMES: Record<string, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  gif: 'GIF',
  avif: 'AVIF',
  heic: 'HEIC',
  bmp: 'BMP',
  tiff: 'TIFF',
  svg: 'SVG',
  ico: 'ICO',
};

const READ_FORMATS_TEXT = 'JPEG, PNG and WebP';

function megapixels(header: PictureHeader): string {
  return `${header.width} x ${header.height} pixels (${((header.width * header.height) / 1e6).toFixed(1)} megapixels)`;
}

/** The header of a picture the CNN can read, or the PictureError that says why not. */
export function checkPictureBytes(bytes: Uint8Array, file: string): PictureHeader {
  const check = checkPicture(bytes, PICTURE_FILE_LIMITS);
  if (check.ok) return check.header;
  switch (check.problem) {
    case 'not-a-picture':
      throw new PictureError(
        file,
        'not-a-picture',
        `not a picture (its bytes are no picture format known; ${READ_FORMATS_TEXT} are read)`,
      );
    case 'unsupported':
      throw new PictureError(
        file,
        'unsupported',
        `a ${FORMAT_NAMES[check.format]} picture; only ${READ_FORMATS_TEXT} are read (convert it to one of them)`,
      );
    case 'malformed':
      throw new PictureError(
        file,
        'damaged',
        `a damaged ${FORMAT_NAMES[check.format]}: its header is cut short or malformed`,
      );
    case 'too-large':
      throw new PictureError(
        file,
        'too-large',
        `${megapixels(check.header)}; pictures over ${PICTURE_FILE_LIMITS.maxPixels / 1e6} megapixels are refused`,
      );
  }
}

/**
 * sharp, loaded when a picture is first decoded: loading libvips takes half a second, which
 * the commands that import this module (train, evaluate, export) should not pay for nothing.
 */
let sharpModule: Promise<typeof import('sharp')> | undefined;

/** sharp's decode of checked bytes: RGB, alpha dropped, grey spread to three channels. */
async function decode(bytes: Uint8Array, format: DecodedFormat, file: string) {
  sharpModule ??= import('sharp');
  const sharp = (await sharpModule).default;
  try {
    const { data, info } = await sharp(bytes, {
      // Stop on a truncated or corrupt picture; a warning (stray bytes after the end) is not one.
      failOn: 'error',
      ignoreIcc: true,
      limitInputPixels: PICTURE_FILE_LIMITS.maxPixels,
    })
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), ...info };
  } catch (e) {
    // libvips's message ('premature end of JPEG image'), when it has one: decodes running at
    // the same time can leave it with only 'Unknown error'.
    const detail = (e as Error).message.replace(/^Vips\w*: /, '').trim();
    const known = detail !== '' && !/^unknown error$/i.test(detail);
    throw new PictureError(
      file,
      'damaged',
      `a damaged ${FORMAT_NAMES[format]}: it cannot be decoded${known ? ` (${detail})` : ''}`,
    );
  }
}

/** The CNN input for a picture's bytes; `file` names it in errors. */
export async function pictureInput(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  const header = checkPictureBytes(bytes, file);
  const { data, width, height } = await decode(bytes, header.format, file);
  return fitPicture({ data, width, height, channels: 3 }, header.orientation);
}

/** The CNN input for a picture file; `file` names it in errors (default: the path). */
export async function readPictureFile(path: string, file = path): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    const size = (await stat(path)).size;
    if (size > PICTURE_FILE_LIMITS.maxBytes) {
      throw new PictureError(
        file,
        'too-large',
        `${size} bytes; picture files over ${PICTURE_FILE_LIMITS.maxBytes / 2 ** 20} MiB are refused`,
      );
    }
    bytes = await readFile(path);
  } catch (e) {
    if (e instanceof PictureError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new PictureError(file, 'missing', 'no such file');
    throw new PictureError(file, 'unreadable', `cannot be read (${(e as Error).message})`);
  }
  return pictureInput(bytes, file);
}
