import { describe, expect, it } from 'vitest';
import { UPLOAD_LIMITS as SERVER_LIMITS } from '../../core/picture-pixels.ts';
import {
  checkPictureFile,
  type Decoded,
  fileSize,
  type Imaging,
  MAX_SOURCE_BYTES,
  PictureFileError,
  pictureType,
  preparePicture,
  SHRINK_QUALITY,
  SHRINK_TO_SIDE,
  type Size,
  shrinkTarget,
  UPLOAD_LIMITS,
} from '../../web/picture-file.ts';

const MiB = 1024 * 1024;

function file(name: string, type: string, bytes = 10): File {
  return new File([new Uint8Array(bytes)], name, { type });
}

/** A file that says it is `size` bytes without holding them. */
function sized(name: string, type: string, size: number): File {
  const f = file(name, type);
  Object.defineProperty(f, 'size', { value: size });
  return f;
}

function refusal(run: () => unknown): PictureFileError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PictureFileError);
    return error as PictureFileError;
  }
  throw new Error('expected a refusal');
}

/** A decoder that says every file is `size`, an encoder that records what it was asked. */
function fakeImaging(size: Size, fail: 'decode' | 'encode' | null = null) {
  const closed: Decoded[] = [];
  const encoded: { size: Size; quality: number }[] = [];
  const imaging: Imaging<Decoded> = {
    async decode() {
      if (fail === 'decode') throw new DOMException('The source image could not be decoded.');
      const picture: Decoded = { ...size, close: () => closed.push(picture) };
      return picture;
    },
    async encodeJpeg(_picture, target, quality) {
      if (fail === 'encode') throw new PictureFileError('no canvas', 'PICTURE_TOO_LARGE');
      encoded.push({ size: target, quality });
      return new Blob([new Uint8Array(1234)], { type: 'image/jpeg' });
    },
  };
  return { imaging, closed, encoded };
}

describe("the page's upload limits", () => {
  it("are the server's (core/picture-pixels.ts)", () => {
    expect(UPLOAD_LIMITS).toEqual(SERVER_LIMITS);
    // A picture shrunk to fit SHRINK_TO_SIDE is within the server's pixel and side limits.
    expect(SHRINK_TO_SIDE ** 2).toBeLessThanOrEqual(SERVER_LIMITS.maxPixels);
    expect(SHRINK_TO_SIDE).toBeLessThanOrEqual(SERVER_LIMITS.maxSide);
    expect(SHRINK_QUALITY).toBe(0.92);
  });
});

describe('checking a picked file by its type', () => {
  it('takes JPEG, PNG and WebP', () => {
    for (const [name, type] of [
      ['a.jpg', 'image/jpeg'],
      ['b.png', 'image/png'],
      ['c.webp', 'image/webp'],
      ['D.JPG', 'IMAGE/JPEG'],
    ] as const) {
      expect(() => checkPictureFile(file(name, type))).not.toThrow();
    }
  });

  it('reads the type from the name when the system gave none', () => {
    expect(pictureType(file('photo.JPEG', ''))).toBe('image/jpeg');
    expect(pictureType(file('photo.webp', ''))).toBe('image/webp');
    expect(pictureType(file('photo', ''))).toBe('');
    expect(() => checkPictureFile(file('photo.png', ''))).not.toThrow();
  });

  it('refuses other pictures as UNSUPPORTED_PICTURE, naming the type', () => {
    for (const [name, type] of [
      ['anim.gif', 'image/gif'],
      ['phone.heic', 'image/heic'],
      ['logo.svg', 'image/svg+xml'],
    ] as const) {
      const error = refusal(() => checkPictureFile(file(name, type)));
      expect(error.code).toBe('UNSUPPORTED_PICTURE');
      expect(error.message).toContain(`“${name}”`);
      expect(error.message).toContain(type);
      expect(error.message).toContain('JPEG, PNG or WebP');
    }
  });

  it('refuses what is no picture as NOT_A_PICTURE', () => {
    const error = refusal(() => checkPictureFile(file('notes.pdf', 'application/pdf')));
    expect(error.code).toBe('NOT_A_PICTURE');
    expect(error.message).toBe(
      '“notes.pdf” is not a picture (application/pdf); choose a JPEG, PNG or WebP file.',
    );
    expect(refusal(() => checkPictureFile(file('mystery', ''))).message).toContain('unknown type');
  });

  it('refuses a file too large to decode in the tab as PICTURE_TOO_LARGE', () => {
    expect(() => checkPictureFile(sized('big.jpg', 'image/jpeg', MAX_SOURCE_BYTES))).not.toThrow();
    const error = refusal(() =>
      checkPictureFile(sized('huge.jpg', 'image/jpeg', MAX_SOURCE_BYTES + 1)),
    );
    expect(error.code).toBe('PICTURE_TOO_LARGE');
    expect(error.message).toContain('64 MB');
  });
});

describe('a file size in words', () => {
  it('is in KB below 1 MB and in MB above, without a needless .0', () => {
    expect(fileSize(10)).toBe('1 KB');
    expect(fileSize(640 * 1024)).toBe('640 KB');
    expect(fileSize(MiB)).toBe('1 MB');
    expect(fileSize(3.24 * MiB)).toBe('3.2 MB');
    expect(fileSize(8 * MiB)).toBe('8 MB');
  });
});

describe('deciding to shrink', () => {
  it('sends a picture within every limit as it is', () => {
    expect(shrinkTarget({ width: 2048, height: 2048 }, 8 * MiB)).toBeNull();
    expect(shrinkTarget({ width: 4000, height: 1000 }, MiB)).toBeNull();
    expect(shrinkTarget({ width: 1, height: 1 }, 1)).toBeNull();
  });

  it('brings one over the pixel limit to 2048 on its long side', () => {
    expect(shrinkTarget({ width: 4032, height: 3024 }, 3 * MiB)).toEqual({
      width: 2048,
      height: 1536,
    });
    expect(shrinkTarget({ width: 2049, height: 2048 }, MiB)).toEqual({
      width: 2048,
      height: 2047,
    });
    expect(shrinkTarget({ width: 3000, height: 4000 }, MiB)).toEqual({
      width: 1536,
      height: 2048,
    });
  });

  it('brings a side over 8192 down, however few its pixels', () => {
    expect(shrinkTarget({ width: 10_000, height: 100 }, MiB)).toEqual({ width: 2048, height: 20 });
    expect(shrinkTarget({ width: 100_000, height: 1 }, MiB)).toEqual({ width: 2048, height: 1 });
  });

  it('re-encodes one over 8 MiB at its own size when its pixels fit', () => {
    expect(shrinkTarget({ width: 2000, height: 1500 }, 8 * MiB + 1)).toEqual({
      width: 2000,
      height: 1500,
    });
  });
});

describe('preparing a picture', () => {
  it('sends a picture within the limits untouched, and closes the decoded copy', async () => {
    const { imaging, closed, encoded } = fakeImaging({ width: 640, height: 480 });
    const picked = file('dog.png', 'image/png');
    const ready = await preparePicture(picked, imaging);
    expect(ready).toEqual({
      file: picked,
      original: picked,
      size: { width: 640, height: 480 },
      shrunk: null,
    });
    expect(ready.file).toBe(picked);
    expect(encoded).toEqual([]);
    expect(closed.length).toBe(1);
  });

  it('shrinks a large photo into a JPEG of quality 0.92, named after it', async () => {
    const { imaging, closed, encoded } = fakeImaging({ width: 4032, height: 3024 });
    const ready = await preparePicture(file('IMG_0001.png', 'image/png'), imaging);
    expect(encoded).toEqual([{ size: { width: 2048, height: 1536 }, quality: 0.92 }]);
    expect(ready.file.name).toBe('IMG_0001.jpg');
    expect(ready.file.type).toBe('image/jpeg');
    expect(ready.file.size).toBe(1234);
    expect(ready.original.name).toBe('IMG_0001.png');
    expect(ready.shrunk).toEqual({
      from: { width: 4032, height: 3024 },
      to: { width: 2048, height: 1536 },
    });
    expect(closed.length).toBe(1);
  });

  it('refuses a file the browser cannot decode as NOT_A_PICTURE', async () => {
    const { imaging } = fakeImaging({ width: 1, height: 1 }, 'decode');
    const error = await preparePicture(file('broken.jpg', 'image/jpeg'), imaging).catch((e) => e);
    expect(error).toBeInstanceOf(PictureFileError);
    expect(error.code).toBe('NOT_A_PICTURE');
    expect(error.message).toContain('“broken.jpg” could not be read as a picture');
  });

  it('checks the type before decoding anything', async () => {
    const { imaging, closed } = fakeImaging({ width: 1, height: 1 });
    const error = await preparePicture(file('a.gif', 'image/gif'), imaging).catch((e) => e);
    expect(error.code).toBe('UNSUPPORTED_PICTURE');
    expect(closed).toEqual([]);
  });

  it('closes the decoded copy when shrinking fails', async () => {
    const { imaging, closed } = fakeImaging({ width: 5000, height: 5000 }, 'encode');
    const error = await preparePicture(file('a.jpg', 'image/jpeg'), imaging).catch((e) => e);
    expect(error.code).toBe('PICTURE_TOO_LARGE');
    expect(closed.length).toBe(1);
  });
});
