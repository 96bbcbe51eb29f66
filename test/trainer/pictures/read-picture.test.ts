import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitPicture, PICTURE_INPUT } from '../../../core/picture-pixels.ts';
import {
  checkPictureBytes,
  PICTURE_FILE_LIMITS,
  PictureError,
  pictureInput,
  readPictureFile,
} from '../../../trainer/pictures/read-picture.ts';
import { tempDir } from '../../support/datasets.ts';
import { patternPixels, pictureBytes } from '../../support/test-pictures.ts';

const SIZE = PICTURE_INPUT.height * PICTURE_INPUT.width * 3;

/** What sharp decodes, turned upright by sharp itself, through fitPicture: the reference. */
async function uprightReference(bytes: Uint8Array): Promise<Uint8Array> {
  const { data, info } = await sharp(bytes).autoOrient().removeAlpha().raw().toBuffer({
    resolveWithObject: true,
  });
  return fitPicture({ data, width: info.width, height: info.height, channels: 3 });
}

async function refusal(promise: Promise<unknown>): Promise<PictureError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a PictureError');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PictureError);
  return error as PictureError;
}

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});

describe('pictureInput', () => {
  it('reads PNG and lossless WebP to exactly fitPicture of their pixels', async () => {
    for (const format of ['png', 'webp'] as const) {
      const spec = { width: 300, height: 200, format };
      const input = await pictureInput(await pictureBytes(spec), `x.${format}`);
      expect(input.length).toBe(SIZE);
      expect(
        Buffer.from(input).equals(fitPicture({ ...spec, data: patternPixels(spec), channels: 3 })),
      ).toBe(true);
    }
  });

  it('applies every EXIF orientation as sharp would, without letting sharp rotate', async () => {
    for (let orientation = 1; orientation <= 8; orientation++) {
      const bytes = await pictureBytes({ width: 90, height: 50, format: 'jpeg', orientation });
      const input = await pictureInput(bytes, 'o.jpg');
      expect(
        Buffer.from(input).equals(await uprightReference(bytes)),
        `orientation ${orientation}`,
      ).toBe(true);
    }
    // And the orientation matters: 6 (turn a quarter clockwise) differs from 1.
    const as = (o: number) =>
      pictureBytes({ width: 90, height: 50, format: 'jpeg', orientation: o });
    const [one, six] = await Promise.all([as(1), as(6)]);
    expect(Buffer.from(await pictureInput(one, 'a')).equals(await pictureInput(six, 'b'))).toBe(
      false,
    );
  });

  it('spreads grey to R = G = B and drops alpha without blending it in', async () => {
    const grey = { width: 64, height: 48, channels: 1 as const };
    const fromGrey = await pictureInput(await pictureBytes({ ...grey, format: 'png' }), 'g.png');
    expect(Buffer.from(fromGrey).equals(fitPicture({ ...grey, data: patternPixels(grey) }))).toBe(
      true,
    );
    expect(fromGrey[0]).toBe(fromGrey[1]);
    const greyJpeg = await pictureInput(await pictureBytes({ ...grey, format: 'jpeg' }), 'g.jpg');
    let unequal = 0;
    for (let i = 0; i < SIZE; i += 3) {
      if (greyJpeg[i + 1] !== greyJpeg[i] || greyJpeg[i + 2] !== greyJpeg[i]) unequal++;
    }
    expect(unequal).toBe(0);
    for (const channels of [2, 4] as const) {
      const spec = { width: 64, height: 48, channels };
      const input = await pictureInput(await pictureBytes({ ...spec, format: 'png' }), 'a.png');
      expect(Buffer.from(input).equals(fitPicture({ ...spec, data: patternPixels(spec) }))).toBe(
        true,
      );
    }
  });

  it('names the file and why for bytes that are no picture it reads', async () => {
    const cases: [Uint8Array, string, RegExp][] = [
      [
        new TextEncoder().encode('hello, world\n'),
        'not-a-picture',
        /^n\.jpg: not a picture \(.*JPEG, PNG and WebP are read\)$/,
      ],
      [
        await sharp({ create: { width: 4, height: 4, channels: 3, background: 'red' } })
          .gif()
          .toBuffer(),
        'unsupported',
        /^n\.jpg: a GIF picture; only JPEG, PNG and WebP are read/,
      ],
      [
        Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0),
        'damaged',
        /a damaged PNG: its header is cut short/,
      ],
    ];
    for (const [bytes, problem, message] of cases) {
      const e = await refusal(pictureInput(bytes, 'n.jpg'));
      expect([e.file, e.problem]).toEqual(['n.jpg', problem]);
      expect(e.message).toMatch(message);
    }
  });

  it('refuses a truncated JPEG as damaged', async () => {
    const whole = await pictureBytes({ width: 120, height: 80, format: 'jpeg' });
    const e = await refusal(
      pictureInput(whole.subarray(0, Math.floor(whole.length * 0.6)), 't.jpg'),
    );
    expect(e.problem).toBe('damaged');
    expect(e.message).toMatch(/^t\.jpg: a damaged JPEG: it cannot be decoded \(premature end/i);
  });

  it('refuses a picture over 100 megapixels from its header, before decoding', () => {
    // A PNG head announcing 20000 x 10000 pixels: nothing after it, nothing decoded.
    const head = new Uint8Array(33);
    head.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 0);
    head.set(new TextEncoder().encode('IHDR'), 12);
    new DataView(head.buffer).setUint32(16, 20_000);
    new DataView(head.buffer).setUint32(20, 10_000);
    expect(() => checkPictureBytes(head, 'huge.png')).toThrow(
      'huge.png: 20000 x 10000 pixels (200.0 megapixels); pictures over 100 megapixels are refused',
    );
    expect(PICTURE_FILE_LIMITS.maxPixels).toBe(100_000_000);
  });
});

describe('readPictureFile', () => {
  it('reads a file as pictureInput reads its bytes', async () => {
    const bytes = await pictureBytes({ width: 500, height: 333, format: 'jpeg', seed: 3 });
    const path = join(dir, 'photo.jpg');
    await writeFile(path, bytes);
    expect(Buffer.from(await readPictureFile(path)).equals(await pictureInput(bytes, 'x'))).toBe(
      true,
    );
  });

  it('says when the file is missing, a folder, or too large to be a picture', async () => {
    const missing = await refusal(readPictureFile(join(dir, 'nope.jpg'), 'nope.jpg'));
    expect([missing.problem, missing.message]).toEqual(['missing', 'nope.jpg: no such file']);
    await mkdir(join(dir, 'folder.jpg'));
    const folder = await refusal(readPictureFile(join(dir, 'folder.jpg'), 'folder.jpg'));
    expect(folder.problem).toBe('unreadable');
    expect(folder.message).toMatch(/^folder\.jpg: cannot be read \(.*EISDIR/);
    // A sparse file: its size says 600 MiB, its disk holds nothing.
    const big = join(dir, 'big.png');
    await writeFile(big, '');
    await truncate(big, 600 * 2 ** 20);
    const large = await refusal(readPictureFile(big, 'big.png'));
    expect(large.message).toBe(
      `big.png: ${600 * 2 ** 20} bytes; picture files over 512 MiB are refused`,
    );
  });
});
