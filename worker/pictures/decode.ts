/**
 * A picture's pixels from its bytes, by the decoder of the format its header announced
 * (core/picture-pixels.ts read that header, and the caller has checked its size against the
 * limits). Whatever a decoder refuses, or a picture that decodes to another size than its header
 * announced, is NOT_A_PICTURE: the bytes are not the picture they claim to be.
 */
import type { DecodedPixels, PictureHeader } from '../../core/picture-pixels.ts';
import { decodeJpeg, decodeWebp } from './emscripten-codecs.ts';
import type { RgbaImage } from './image-data.ts';
import { notAPicture } from './picture-errors.ts';
import { decodePng } from './png-codec.ts';

const DECODERS: Record<PictureHeader['format'], (bytes: Uint8Array) => Promise<RgbaImage>> = {
  jpeg: decodeJpeg,
  png: async (bytes) => decodePng(bytes),
  webp: decodeWebp,
};

/** The picture's RGBA pixels as stored (orientation not applied). */
export async function decodePicture(
  bytes: Uint8Array,
  header: PictureHeader,
): Promise<DecodedPixels> {
  let image: RgbaImage;
  try {
    image = await DECODERS[header.format](bytes);
  } catch (e) {
    // The decoder's own words (a truncated file, a bad Huffman table) are not worth a client's
    // time; what matters is that its bytes do not decode.
    console.info(`[pictures] a ${header.format} did not decode: ${(e as Error).message}`);
    throw notAPicture(`it starts like a ${header.format.toUpperCase()} but does not decode`);
  }
  const { width, height, data } = image;
  if (width !== header.width || height !== header.height || data.length !== width * height * 4) {
    throw notAPicture(
      `its header says ${header.width} x ${header.height} pixels, its data ${width} x ${height}`,
    );
  }
  return { data, width, height, channels: 4 };
}
