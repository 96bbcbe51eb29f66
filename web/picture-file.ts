/**
 * A picture the visitor picked or dropped, made ready to send: refused at once when it is not
 * JPEG, PNG or WebP (by its type: the server reads the bytes and checks again), and shrunk in the
 * browser when it is over the server's limits (a phone's 12-megapixel photo is), so that it is
 * searched rather than refused. The server's limits are core/picture-pixels.ts's UPLOAD_LIMITS;
 * the page imports nothing outside web/, so they are repeated here and a test holds them equal.
 */

/** What the server takes (core/picture-pixels.ts UPLOAD_LIMITS). */
export const UPLOAD_LIMITS = {
  maxBytes: 8 * 1024 * 1024,
  maxPixels: 2048 * 2048,
  maxSide: 8192,
} as const;

/** A shrunk picture fits this on its long side (and so within maxPixels), as JPEG of this quality. */
export const SHRINK_TO_SIDE = 2048;
export const SHRINK_QUALITY = 0.92;

/** Files larger than this are not even decoded: no photo is, and decoding one would stall the tab. */
export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;

/** The types the model takes, and the file name endings that stand for them when a type is missing. */
export const PICTURE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
const TYPE_BY_ENDING: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

export type PictureFileErrorCode = 'NOT_A_PICTURE' | 'UNSUPPORTED_PICTURE' | 'PICTURE_TOO_LARGE';

/** A file the page will not send; its codes are the server's own for the same refusals. */
export class PictureFileError extends Error {
  override readonly name = 'PictureFileError';

  constructor(
    message: string,
    readonly code: PictureFileErrorCode,
  ) {
    super(message);
  }
}

/** A file's type, or, where the system gave none, the one its name's ending stands for. */
export function pictureType(file: File): string {
  if (file.type) return file.type.toLowerCase();
  const ending = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? '';
  return TYPE_BY_ENDING[ending] ?? '';
}

/** Throws a PictureFileError unless the file is a JPEG, PNG or WebP of a size worth decoding. */
export function checkPictureFile(file: File): void {
  const type = pictureType(file);
  const named = `“${file.name}”`;
  if (!(PICTURE_TYPES as readonly string[]).includes(type)) {
    if (type.startsWith('image/')) {
      throw new PictureFileError(
        `${named} is a picture of type ${type}; the model takes JPEG, PNG or WebP. Save it as one of those and try again.`,
        'UNSUPPORTED_PICTURE',
      );
    }
    throw new PictureFileError(
      `${named} is not a picture (${type || 'unknown type'}); choose a JPEG, PNG or WebP file.`,
      'NOT_A_PICTURE',
    );
  }
  if (file.size > MAX_SOURCE_BYTES) {
    throw new PictureFileError(
      `${named} is ${fileSize(file.size)}; the page shrinks pictures of up to ${fileSize(MAX_SOURCE_BYTES)}.`,
      'PICTURE_TOO_LARGE',
    );
  }
}

export interface Size {
  width: number;
  height: number;
}

/**
 * The size to shrink a picture to, or null when the server takes it as it is: over 8 MiB, over
 * 2048 x 2048 pixels or over 8192 on a side, it is brought to 2048 on its long side (never up).
 */
export function shrinkTarget(size: Size, bytes: number): Size | null {
  const { width, height } = size;
  const fits =
    bytes <= UPLOAD_LIMITS.maxBytes &&
    width * height <= UPLOAD_LIMITS.maxPixels &&
    Math.max(width, height) <= UPLOAD_LIMITS.maxSide;
  if (fits) return null;
  const scale = Math.min(1, SHRINK_TO_SIDE / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/** A decoded picture, as createImageBitmap gives it (EXIF orientation applied). */
export interface Decoded extends Size {
  close(): void;
}

/** The browser's decoder and encoder; tests give their own. */
export interface Imaging<P extends Decoded> {
  decode(file: Blob): Promise<P>;
  encodeJpeg(picture: P, size: Size, quality: number): Promise<Blob>;
}

/** What is sent: the file itself, or its shrunk copy with the sizes before and after. */
export interface ReadyPicture {
  file: File;
  original: File;
  size: Size;
  shrunk: { from: Size; to: Size } | null;
}

/** A file's size as people read it: "640 KB", "3.2 MB", "8 MB" (1 KB = 1024 bytes). */
export function fileSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}

/** "photo.png" -> "photo.jpg": the shrunk copy is a JPEG. */
function jpegName(name: string): string {
  return `${name.replace(/\.[^.]*$/, '') || 'picture'}.jpg`;
}

/** Checks the file, decodes it to learn its size, and shrinks it when the server would refuse it. */
export async function preparePicture<P extends Decoded>(
  file: File,
  imaging: Imaging<P>,
): Promise<ReadyPicture> {
  checkPictureFile(file);
  let picture: P;
  try {
    picture = await imaging.decode(file);
  } catch {
    throw new PictureFileError(
      `“${file.name}” could not be read as a picture; it may be damaged.`,
      'NOT_A_PICTURE',
    );
  }
  try {
    const size = { width: picture.width, height: picture.height };
    const target = shrinkTarget(size, file.size);
    if (!target) return { file, original: file, size, shrunk: null };
    const blob = await imaging.encodeJpeg(picture, target, SHRINK_QUALITY);
    const shrunk = new File([blob], jpegName(file.name), { type: 'image/jpeg' });
    return { file: shrunk, original: file, size: target, shrunk: { from: size, to: target } };
  } finally {
    picture.close();
  }
}

/** The browser's own: createImageBitmap to decode, a canvas to resample and encode. */
export function browserImaging(doc: Document): Imaging<ImageBitmap> {
  return {
    decode: (file) => createImageBitmap(file),
    encodeJpeg: (picture, size, quality) =>
      new Promise((resolve, reject) => {
        const canvas = doc.createElement('canvas');
        canvas.width = size.width;
        canvas.height = size.height;
        const context = canvas.getContext('2d');
        if (!context) {
          reject(new PictureFileError('This browser cannot shrink pictures.', 'PICTURE_TOO_LARGE'));
          return;
        }
        context.imageSmoothingQuality = 'high';
        context.drawImage(picture, 0, 0, size.width, size.height);
        canvas.toBlob(
          (blob) =>
            blob
              ? resolve(blob)
              : reject(
                  new PictureFileError('The picture could not be shrunk.', 'PICTURE_TOO_LARGE'),
                ),
          'image/jpeg',
          quality,
        );
      }),
  };
}
