/** The ways an uploaded picture is refused (worker/query-error.ts has the codes and details). */
import { DECODED_FORMATS, type PictureFormat } from '../../core/picture-pixels.ts';
import { QueryError } from '../query-error.ts';

/** The bytes are no picture, or not the picture they claim to be. details: { reason } */
export function notAPicture(reason: string): QueryError {
  return new QueryError(
    'NOT_A_PICTURE',
    `the upload is not a picture that can be read: ${reason}`,
    {
      reason,
    },
  );
}

/** A picture of a format the decoders do not read. details: { format, formats } */
export function unsupportedPicture(format: PictureFormat): QueryError {
  const names = DECODED_FORMATS.map((f) => f.toUpperCase()).join(', ');
  return new QueryError(
    'UNSUPPORTED_PICTURE',
    `the picture is a ${format.toUpperCase()}; the server reads ${names}`,
    { format, formats: [...DECODED_FORMATS] },
  );
}

const UNITS = { bytes: 'bytes', pixels: 'pixels', side: 'pixels on its longer side' } as const;

/** A picture over one of UPLOAD_LIMITS. details: { limit, max, got } */
export function pictureTooLarge(limit: keyof typeof UNITS, max: number, got: number): QueryError {
  return new QueryError(
    'PICTURE_TOO_LARGE',
    `the picture has ${got} ${UNITS[limit]}; at most ${max} are taken`,
    { limit, max, got },
  );
}
