/**
 * An uploaded picture to the image encoder's input (core/picture-pixels.ts's PICTURE_INPUT:
 * 224 x 224 RGB, uint8), with every check before the work it protects:
 *
 *   size in bytes (File.size, before reading)   -> PICTURE_TOO_LARGE { limit: 'bytes' }
 *   format by signature                         -> NOT_A_PICTURE, or UNSUPPORTED_PICTURE (GIF, ...)
 *   header: width x height, either side          -> NOT_A_PICTURE (malformed), PICTURE_TOO_LARGE
 *   decode (WebAssembly): fails, warns (a JPEG cut short), or not the announced size
 *                                                -> NOT_A_PICTURE
 *   orientation, centred square, 224 x 224       (fitPicture, as the trainer does)
 *
 * Decodes run one at a time in an isolate, each followed by its fit: a 2048 x 2048 picture takes
 * about 36 MB while it decodes (the decoder's heap, about 20 MiB with the pixels in it, and their
 * 16 MiB copy out), besides the upload's own bytes; a few at once beside the models would come
 * near the isolate's 128 MB. The fit keeps 150 KB of it.
 */
import {
  checkPicture,
  fitPicture,
  type PictureHeader,
  UPLOAD_LIMITS,
} from '../../core/picture-pixels.ts';
import { decodePicture } from './decode.ts';
import { notAPicture, pictureTooLarge, unsupportedPicture } from './picture-errors.ts';

/** The header of a picture the decoders read, within the limits; a QueryError otherwise. */
export function checkedHeader(bytes: Uint8Array): PictureHeader {
  const check = checkPicture(bytes, UPLOAD_LIMITS);
  if (check.ok) return check.header;
  switch (check.problem) {
    case 'not-a-picture':
      throw notAPicture('its bytes start like no JPEG, PNG or WebP');
    case 'unsupported':
      throw unsupportedPicture(check.format);
    case 'malformed':
      throw notAPicture(`its ${check.format.toUpperCase()} header is cut short or malformed`);
    case 'too-large':
      throw pictureTooLarge(check.limit, check.max, check.got);
  }
}

/** The decode (and fit) in progress in this isolate: the next one waits for it. */
let previous: Promise<unknown> = Promise.resolve();

function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const next = previous.then(work, work);
  previous = next.catch(() => undefined);
  return next;
}

/** The image encoder's input for an uploaded picture. */
export async function picturePixels(file: Blob): Promise<Uint8Array> {
  if (file.size > UPLOAD_LIMITS.maxBytes) {
    throw pictureTooLarge('bytes', UPLOAD_LIMITS.maxBytes, file.size);
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const header = checkedHeader(bytes);
  return oneAtATime(async () => fitPicture(await decodePicture(bytes, header), header.orientation));
}
