import jpegFactory from '@jsquash/jpeg/codec/dec/mozjpeg_dec.js';
import jpegWasm from '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm';
import { describe, expect, it } from 'vitest';
import { decodeJpeg, decodeWebp } from '../../../worker/pictures/emscripten-codecs.ts';
import {
  difference,
  fromBase64,
  largePicture,
  pictureFixture,
  rgbOf,
} from '../../support/picture-bytes.ts';

// mozjpeg and libwebp inside workerd, a fresh instance per picture, against sharp's decode of
// the same files (sharp is the trainer's decoder): the pixels must be the same, value for value.

const JPEGS = ['baseline.jpeg', 'progressive.jpeg', 'grey.jpeg', 'rotated.jpeg'];
const WEBPS = ['lossy.webp', 'lossless.webp', 'alpha.webp'];

describe.each([
  { decode: decodeJpeg, names: JPEGS, codec: 'mozjpeg' },
  { decode: decodeWebp, names: WEBPS, codec: 'libwebp' },
])('$codec', ({ decode, names }) => {
  it.each(names)("decodes %s to sharp's pixels, as stored", async (name) => {
    const fixture = pictureFixture(name);
    const image = await decode(fromBase64(fixture.base64));
    expect([image.width, image.height]).toEqual([fixture.width, fixture.height]);
    expect(image.data).toHaveLength(fixture.width * fixture.height * 4);
    expect(difference(rgbOf(image.data), fromBase64(fixture.rgbBase64))).toEqual({
      count: 0,
      max: 0,
    });
    if (fixture.sourceBase64) {
      expect(difference(rgbOf(image.data), fromBase64(fixture.sourceBase64)).count).toBe(0);
    }
  });
});

describe('refusals', () => {
  it('refuses a JPEG cut short, which libjpeg would paint grey with a warning', async () => {
    const bytes = fromBase64(pictureFixture('baseline.jpeg').base64);
    await expect(decodeJpeg(bytes.subarray(0, Math.floor(bytes.length * 0.6)))).rejects.toThrow(
      /mozjpeg warned: Premature end of JPEG file/,
    );
  });

  it('refuses a JPEG without image data', async () => {
    await expect(decodeJpeg(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]))).rejects.toThrow(
      /mozjpeg stopped: .*no image/,
    );
  });

  it('refuses a WebP cut short', async () => {
    const bytes = fromBase64(pictureFixture('lossy.webp').base64);
    await expect(decodeWebp(bytes.subarray(0, bytes.length - 100))).rejects.toThrow(/libwebp/);
  });

  it('decodes the next picture after a refusal: each picture has an instance of its own', async () => {
    const good = fromBase64(pictureFixture('baseline.jpeg').base64);
    await expect(decodeJpeg(good.subarray(0, 200))).rejects.toThrow();
    const image = await decodeJpeg(good);
    expect(image.width).toBe(pictureFixture('baseline.jpeg').width);
  });

  it('gives each picture its own pixels (nothing is shared between decodes)', async () => {
    const bytes = fromBase64(pictureFixture('baseline.jpeg').base64);
    const [a, b] = await Promise.all([decodeJpeg(bytes), decodeJpeg(bytes)]);
    expect(a.data).not.toBe(b.data);
    expect(a.data.buffer).not.toBe(b.data.buffer);
    expect(difference(a.data, b.data).count).toBe(0);
  });
});

describe('cost', () => {
  /** Milliseconds per call, the mean of `runs` after one warm-up. */
  async function timed(runs: number, work: () => Promise<unknown>): Promise<number> {
    await work();
    const start = performance.now();
    for (let i = 0; i < runs; i++) await work();
    return (performance.now() - start) / runs;
  }

  /** mozjpeg's emscripten module, made once and kept (what jsquash's own decode() does). */
  type Kept = { decode(data: Uint8Array, preserve: boolean): unknown; HEAP8: Int8Array };
  async function keptMozjpeg(): Promise<Kept> {
    return (jpegFactory as (o: object) => Promise<Kept>)({
      noInitialRun: true,
      locateFile: (file: string) => file,
      instantiateWasm: (
        imports: WebAssembly.Imports,
        receive: (i: WebAssembly.Instance) => void,
      ) => {
        const instance = new WebAssembly.Instance(jpegWasm, imports);
        receive(instance);
        return instance.exports;
      },
    });
  }

  it('a fresh instance per picture costs a few milliseconds over a kept one', async () => {
    const tiny = fromBase64(pictureFixture('baseline.jpeg').base64);
    const fresh = await timed(20, () => decodeJpeg(tiny));
    const kept = await keptMozjpeg();
    const reused = await timed(20, async () => kept.decode(tiny, false));
    console.log(
      `mozjpeg, a 61 x 47 JPEG: ${fresh.toFixed(2)} ms with a fresh instance, ${reused.toFixed(2)} ms with a kept one`,
    );
    expect(fresh - reused).toBeLessThan(20);
  });

  it('a kept instance would hold its heap, grown for the largest picture, for the isolate’s life', async () => {
    const kept = await keptMozjpeg();
    const MiB = 1024 * 1024;
    const before = kept.HEAP8.length / MiB;
    kept.decode(largePicture('jpeg'), false);
    const after = kept.HEAP8.length / MiB;
    kept.decode(fromBase64(pictureFixture('baseline.jpeg').base64), false);
    console.log(
      `mozjpeg heap: ${before.toFixed(1)} MiB new, ${after.toFixed(1)} MiB after a 2048 x 2048 JPEG, and so it stays`,
    );
    // It starts at 16 MiB (what every instance reserves), grows for a large picture (its 16 MiB
    // of RGBA must fit beside the decoder's own buffers), and never gives any of it back.
    expect(before).toBeGreaterThanOrEqual(16);
    expect(after).toBeGreaterThan(before);
    expect(kept.HEAP8.length / MiB).toBe(after);
  });

  it.each(['jpeg', 'webp'] as const)(
    'decodes a 2048 x 2048 %s (the pixel limit)',
    async (format) => {
      const bytes = largePicture(format);
      const decode = format === 'jpeg' ? decodeJpeg : decodeWebp;
      const ms = await timed(3, () => decode(bytes));
      console.log(
        `${format}: 2048 x 2048 (${(bytes.length / 1024).toFixed(0)} KiB) in ${ms.toFixed(0)} ms`,
      );
      expect((await decode(bytes)).width).toBe(2048);
    },
  );
});
