import { describe, expect, it } from 'vitest';
import { decodePng } from '../../../worker/pictures/png-codec.ts';
import {
  difference,
  fromBase64,
  largePicture,
  pictureFixture,
  rgbOf,
} from '../../support/picture-bytes.ts';

// squoosh's PNG codec inside workerd through this project's own few lines of wasm-bindgen glue,
// a fresh instance per picture, against sharp's decode of the same files.

describe('decodePng', () => {
  it.each(['rgb.png', 'rgba.png', 'grey.png', 'palette.png', 'deep.png'])(
    "decodes %s to sharp's pixels, as 8-bit RGBA",
    (name) => {
      const fixture = pictureFixture(name);
      const image = decodePng(fromBase64(fixture.base64));
      expect([image.width, image.height]).toEqual([fixture.width, fixture.height]);
      expect(image.data).toHaveLength(fixture.width * fixture.height * 4);
      expect(difference(rgbOf(image.data), fromBase64(fixture.rgbBase64))).toEqual({
        count: 0,
        max: 0,
      });
      if (fixture.sourceBase64) {
        expect(difference(rgbOf(image.data), fromBase64(fixture.sourceBase64)).count).toBe(0);
      }
    },
  );

  it('keeps the alpha channel it was given', () => {
    const image = decodePng(fromBase64(pictureFixture('rgba.png').base64));
    // picture-fixtures.ts made alpha (p * 5) mod 256 for pixel p.
    expect(Array.from({ length: 5 }, (_, p) => image.data[p * 4 + 3])).toEqual([0, 5, 10, 15, 20]);
  });

  it('refuses a PNG cut short with the codec’s message, and decodes the next one', () => {
    const bytes = fromBase64(pictureFixture('rgb.png').base64);
    expect(() => decodePng(bytes.subarray(0, bytes.length - 200))).toThrow(Error);
    expect(decodePng(bytes).width).toBe(pictureFixture('rgb.png').width);
  });

  it('refuses a PNG whose data fails its checksum', () => {
    const bytes = fromBase64(pictureFixture('rgb.png').base64).slice();
    const at = bytes.length - 40; // inside the last IDAT chunk
    bytes[at] = (bytes[at] as number) ^ 0xff;
    expect(() => decodePng(bytes)).toThrow(Error);
  });

  it('decodes a 2048 x 2048 PNG (the pixel limit)', () => {
    const bytes = largePicture('png');
    const start = performance.now();
    const image = decodePng(bytes);
    console.log(
      `png: 2048 x 2048 (${(bytes.length / 1024).toFixed(0)} KiB) in ${(performance.now() - start).toFixed(0)} ms`,
    );
    expect([image.width, image.height]).toEqual([2048, 2048]);
  });
});
