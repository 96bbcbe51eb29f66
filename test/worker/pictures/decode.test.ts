import { describe, expect, it } from 'vitest';
import { readPictureHeader } from '../../../core/picture-pixels.ts';
import { decodePicture } from '../../../worker/pictures/decode.ts';
import { QueryError } from '../../../worker/query-error.ts';
import { difference, fromBase64, pictureFixture, rgbOf } from '../../support/picture-bytes.ts';

function headerOf(bytes: Uint8Array) {
  const header = readPictureHeader(bytes);
  if (header === null) throw new Error('the fixture has no header');
  return header;
}

async function refusal(work: Promise<unknown>): Promise<QueryError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QueryError);
  return error as QueryError;
}

describe('decodePicture', () => {
  it.each(['baseline.jpeg', 'rgba.png', 'lossy.webp'])(
    'decodes %s by the format of its header, RGBA as stored',
    async (name) => {
      const fixture = pictureFixture(name);
      const bytes = fromBase64(fixture.base64);
      const decoded = await decodePicture(bytes, headerOf(bytes));
      expect(decoded).toMatchObject({ width: fixture.width, height: fixture.height, channels: 4 });
      expect(difference(rgbOf(decoded.data), fromBase64(fixture.rgbBase64)).count).toBe(0);
    },
  );

  it('refuses bytes the decoder does not read as NOT_A_PICTURE, without its words', async () => {
    const bytes = fromBase64(pictureFixture('baseline.jpeg').base64);
    const cut = bytes.subarray(0, 400);
    const e = await refusal(decodePicture(cut, headerOf(bytes)));
    expect(e.code).toBe('NOT_A_PICTURE');
    expect(e.details).toEqual({ reason: 'it starts like a JPEG but does not decode' });
  });

  it('refuses a picture that decodes to another size than its header announced', async () => {
    const bytes = fromBase64(pictureFixture('rgb.png').base64);
    const header = headerOf(bytes);
    const e = await refusal(decodePicture(bytes, { ...header, width: header.width + 1 }));
    expect(e.code).toBe('NOT_A_PICTURE');
    expect(e.details.reason).toBe(
      `its header says ${header.width + 1} x ${header.height} pixels, its data ${header.width} x ${header.height}`,
    );
  });
});
