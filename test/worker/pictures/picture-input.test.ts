import { describe, expect, it } from 'vitest';
import { fitPicture, PICTURE_INPUT, UPLOAD_LIMITS } from '../../../core/picture-pixels.ts';
import { checkedHeader, picturePixels } from '../../../worker/pictures/picture-input.ts';
import { QueryError } from '../../../worker/query-error.ts';
import {
  difference,
  fromBase64,
  largePicture,
  pictureFixture,
  pngHeaderOnly,
} from '../../support/picture-bytes.ts';

// An upload from its bytes to the image encoder's input, and every way one is refused.

const INPUT_LENGTH = PICTURE_INPUT.height * PICTURE_INPUT.width * PICTURE_INPUT.channels;

function upload(bytes: Uint8Array<ArrayBuffer>, name = 'upload'): File {
  return new File([bytes], name);
}

async function refusal(file: Blob): Promise<QueryError> {
  const error = await picturePixels(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QueryError);
  return error as QueryError;
}

/** The trainer's input for a fixture: fitPicture over sharp's decode (RGB), orientation applied. */
function trainerInput(name: string): Uint8Array {
  const f = pictureFixture(name);
  return fitPicture(
    { data: fromBase64(f.rgbBase64), width: f.width, height: f.height, channels: 3 },
    f.orientation,
  );
}

const ascii = (text: string) => new TextEncoder().encode(text);

describe('picturePixels', () => {
  it.each([
    'baseline.jpeg',
    'progressive.jpeg',
    'grey.jpeg',
    'rotated.jpeg',
    'rgb.png',
    'rgba.png',
    'grey.png',
    'palette.png',
    'deep.png',
    'lossy.webp',
    'lossless.webp',
    'alpha.webp',
  ])(
    'gives %s the input the trainer gives it (sharp + fitPicture), byte for byte',
    async (name) => {
      const pixels = await picturePixels(upload(fromBase64(pictureFixture(name).base64)));
      expect(pixels).toHaveLength(INPUT_LENGTH);
      expect(pixels).toEqual(trainerInput(name));
    },
  );

  it('applies the EXIF orientation: a rotated JPEG is not its stored pixels', async () => {
    const rotated = await picturePixels(upload(fromBase64(pictureFixture('rotated.jpeg').base64)));
    const f = pictureFixture('rotated.jpeg');
    const stored = fitPicture(
      { data: fromBase64(f.rgbBase64), width: f.width, height: f.height, channels: 3 },
      1,
    );
    expect(difference(rotated, stored).count).toBeGreaterThan(1000);
  });

  it('decodes pictures sent at the same time, each to its own input', async () => {
    const names = ['baseline.jpeg', 'rgb.png', 'lossy.webp', 'rotated.jpeg'];
    const all = await Promise.all(
      names.map((n) => picturePixels(upload(fromBase64(pictureFixture(n).base64)))),
    );
    all.forEach((pixels, i) => {
      expect(difference(pixels, trainerInput(names[i] as string)).count).toBe(0);
    });
  });

  it.each(['jpeg', 'png', 'webp'] as const)(
    'takes a 2048 x 2048 %s (the pixel limit), decode and fit',
    async (format) => {
      const bytes = largePicture(format);
      const start = performance.now();
      const pixels = await picturePixels(upload(bytes));
      console.log(
        `${format}: 2048 x 2048 to the encoder's input in ${(performance.now() - start).toFixed(0)} ms`,
      );
      expect(pixels).toHaveLength(INPUT_LENGTH);
    },
  );
});

describe('refusals', () => {
  it('PICTURE_TOO_LARGE for more bytes than the limit, before reading one of them', async () => {
    const got = UPLOAD_LIMITS.maxBytes + 1;
    const unread = {
      size: got,
      arrayBuffer: () => Promise.reject(new Error('read')),
    } as unknown as Blob;
    const e = await refusal(unread);
    expect(e.code).toBe('PICTURE_TOO_LARGE');
    expect(e.details).toEqual({ limit: 'bytes', max: UPLOAD_LIMITS.maxBytes, got });
  });

  it('PICTURE_TOO_LARGE for a header that announces more pixels than the limit', async () => {
    const e = await refusal(upload(pngHeaderOnly(10_000, 10_000)));
    expect(e.code).toBe('PICTURE_TOO_LARGE');
    expect(e.details).toEqual({ limit: 'pixels', max: UPLOAD_LIMITS.maxPixels, got: 100_000_000 });
  });

  it('PICTURE_TOO_LARGE for a side over the limit, within the pixels', async () => {
    const e = await refusal(upload(pngHeaderOnly(UPLOAD_LIMITS.maxSide + 1, 10)));
    expect(e.code).toBe('PICTURE_TOO_LARGE');
    expect(e.details).toEqual({
      limit: 'side',
      max: UPLOAD_LIMITS.maxSide,
      got: UPLOAD_LIMITS.maxSide + 1,
    });
  });

  it.each([
    ['text', ascii('a red car parked on the beach')],
    ['nothing', new Uint8Array(0)],
    ['a PDF', ascii('%PDF-1.7\n%\xe2\xe3')],
  ])('NOT_A_PICTURE for %s', async (_what, bytes) => {
    const e = await refusal(upload(bytes));
    expect(e.code).toBe('NOT_A_PICTURE');
    expect(e.details).toEqual({ reason: 'its bytes start like no JPEG, PNG or WebP' });
  });

  it.each([
    ['gif', ascii('GIF89a\x01\x00\x01\x00\x00\x00\x00;')],
    ['avif', ascii('\0\0\0\x1cftypavif\0\0\0\0avifmif1')],
    ['heic', ascii('\0\0\0\x18ftypheic\0\0\0\0mif1heic')],
    ['svg', ascii('<svg xmlns="http://www.w3.org/2000/svg"/>')],
  ])('UNSUPPORTED_PICTURE for a %s', async (format, bytes) => {
    const e = await refusal(upload(bytes));
    expect(e.code).toBe('UNSUPPORTED_PICTURE');
    expect(e.details).toEqual({ format, formats: ['jpeg', 'png', 'webp'] });
  });

  it('NOT_A_PICTURE for a JPEG signature without a readable header', async () => {
    const e = await refusal(upload(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 2, 0x12, 0x34])));
    expect(e.code).toBe('NOT_A_PICTURE');
    expect(e.details).toEqual({ reason: 'its JPEG header is cut short or malformed' });
  });

  it.each([
    ['a JPEG', 'baseline.jpeg', 'JPEG'],
    ['a PNG', 'rgb.png', 'PNG'],
    ['a WebP', 'lossless.webp', 'WEBP'],
  ])('NOT_A_PICTURE for %s cut short after its header', async (_what, name, format) => {
    const bytes = fromBase64(pictureFixture(name).base64);
    const e = await refusal(upload(bytes.subarray(0, Math.floor(bytes.length * 0.7))));
    expect(e.code).toBe('NOT_A_PICTURE');
    expect(e.details).toEqual({ reason: `it starts like a ${format} but does not decode` });
  });

  it('NOT_A_PICTURE for a PNG header with nothing behind it', async () => {
    const e = await refusal(upload(pngHeaderOnly(64, 64)));
    expect(e.code).toBe('NOT_A_PICTURE');
  });
});

describe('checkedHeader', () => {
  it('returns the header of a picture within the limits', () => {
    const f = pictureFixture('rotated.jpeg');
    expect(checkedHeader(fromBase64(f.base64))).toEqual({
      format: 'jpeg',
      width: f.width,
      height: f.height,
      orientation: 6,
    });
  });

  it('takes a picture exactly at the limits', () => {
    expect(checkedHeader(pngHeaderOnly(2048, 2048))).toMatchObject({ width: 2048, height: 2048 });
    expect(checkedHeader(pngHeaderOnly(UPLOAD_LIMITS.maxSide, 1))).toMatchObject({ width: 8192 });
  });
});
