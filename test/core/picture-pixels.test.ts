import { describe, expect, it } from 'vitest';
import {
  checkPicture,
  type DecodedPixels,
  fitPicture,
  PICTURE_INPUT,
  readPictureHeader,
  sniffPictureFormat,
} from '../../core/picture-pixels.ts';

const { width: W, height: H } = PICTURE_INPUT;

function bytes(...parts: (string | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') for (const ch of p) out.push(ch.charCodeAt(0));
    else out.push(...p);
  }
  return Uint8Array.from(out);
}

const be16 = (v: number) => [v >> 8, v & 255];
const be32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const le16 = (v: number) => [v & 255, v >> 8];

function png(width: number, height: number): Uint8Array {
  return bytes('\x89PNG\r\n\x1a\n', be32(13), 'IHDR', be32(width), be32(height), [8, 2, 0, 0, 0]);
}

/** A JPEG head: SOI, an optional Exif APP1 with an Orientation tag, then a baseline SOF0. */
function jpeg(width: number, height: number, orientation?: number, little = false): Uint8Array {
  const u16 = little ? le16 : be16;
  const u32 = little ? (v: number) => be32(v).reverse() : be32;
  const app1 =
    orientation === undefined
      ? []
      : (() => {
          const tiff = [
            ...bytes(little ? 'II' : 'MM'),
            ...u16(42),
            ...u32(8),
            ...u16(1),
            ...u16(0x0112),
            ...u16(3),
            ...u32(1),
            ...u16(orientation),
            0,
            0,
            ...u32(0),
          ];
          const body = [...bytes('Exif\0\0'), ...tiff];
          return [0xff, 0xe1, ...be16(body.length + 2), ...body];
        })();
  return bytes(
    [0xff, 0xd8],
    [0xff, 0xe0, ...be16(16), ...bytes('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0],
    app1,
    [0xff, 0xc0, ...be16(17), 8, ...be16(height), ...be16(width), 3],
    new Array(9).fill(0),
  );
}

function riff(chunk: string, payload: number[]): Uint8Array {
  return bytes('RIFF', [0, 0, 0, 0], 'WEBP', chunk, [0, 0, 0, 0], payload);
}

describe('sniffPictureFormat', () => {
  it('tells formats by their signature, whatever their name', () => {
    expect(sniffPictureFormat(jpeg(1, 1))).toBe('jpeg');
    expect(sniffPictureFormat(png(1, 1))).toBe('png');
    expect(sniffPictureFormat(riff('VP8 ', []))).toBe('webp');
    expect(sniffPictureFormat(bytes('GIF89a', [1, 0, 1, 0]))).toBe('gif');
    expect(sniffPictureFormat(bytes([0, 0, 0, 28], 'ftypavif'))).toBe('avif');
    expect(sniffPictureFormat(bytes([0, 0, 0, 28], 'ftypheic'))).toBe('heic');
    expect(sniffPictureFormat(bytes('BM', [0, 0]))).toBe('bmp');
    expect(sniffPictureFormat(bytes('II*\0'))).toBe('tiff');
    expect(sniffPictureFormat(bytes('  <svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe('svg');
    expect(sniffPictureFormat(bytes('<?xml version="1.0"?><svg/>'))).toBe('svg');
  });

  it('answers null for bytes that are no picture', () => {
    for (const b of [bytes(''), bytes('hello, world'), bytes('{"a":1}'), bytes([0xff, 0xd8])]) {
      expect(sniffPictureFormat(b)).toBeNull();
    }
  });
});

describe('checkPicture', () => {
  it('passes a decodable picture within the limits, with its header', () => {
    expect(checkPicture(png(2048, 2048), { maxPixels: 2048 * 2048, maxSide: 8192 })).toEqual({
      ok: true,
      header: { format: 'png', width: 2048, height: 2048, orientation: 1 },
    });
  });

  it('says why not, in the order the questions are asked', () => {
    const limits = { maxPixels: 100, maxSide: 20 };
    expect(checkPicture(bytes('hello'), limits)).toEqual({ ok: false, problem: 'not-a-picture' });
    expect(checkPicture(bytes('GIF89a', [1, 0, 1, 0]), limits)).toEqual({
      ok: false,
      problem: 'unsupported',
      format: 'gif',
    });
    expect(checkPicture(png(10, 10).subarray(0, 20), limits)).toEqual({
      ok: false,
      problem: 'malformed',
      format: 'png',
    });
    // Pixels before sides: 30 x 30 is over both.
    expect(checkPicture(png(30, 30), limits)).toMatchObject({
      problem: 'too-large',
      limit: 'pixels',
      max: 100,
      got: 900,
    });
    expect(checkPicture(jpeg(25, 1), limits)).toMatchObject({
      problem: 'too-large',
      limit: 'side',
      max: 20,
      got: 25,
      header: { width: 25, height: 1 },
    });
    expect(checkPicture(jpeg(25, 1), { maxPixels: 100 }).ok).toBe(true);
  });
});

describe('readPictureHeader', () => {
  it('reads PNG, JPEG and the three WebP headers without decoding', () => {
    expect(readPictureHeader(png(640, 480))).toEqual({
      format: 'png',
      width: 640,
      height: 480,
      orientation: 1,
    });
    expect(readPictureHeader(jpeg(4032, 3024))).toMatchObject({ width: 4032, height: 3024 });
    const vp8 = riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, ...le16(301), ...le16(157)]);
    expect(readPictureHeader(vp8)).toMatchObject({ format: 'webp', width: 301, height: 157 });
    // VP8L: 14 bits width - 1, then 14 bits height - 1.
    const bits = (301 - 1) | ((157 - 1) << 14);
    const vp8l = riff('VP8L', [
      0x2f,
      bits & 255,
      (bits >> 8) & 255,
      (bits >> 16) & 255,
      bits >>> 24,
      0,
    ]);
    expect(readPictureHeader(vp8l)).toMatchObject({ width: 301, height: 157 });
    const vp8x = riff('VP8X', [0, 0, 0, 0, 300 & 255, 300 >> 8, 0, 156, 0, 0]);
    expect(readPictureHeader(vp8x)).toMatchObject({ width: 301, height: 157 });
  });

  it('reads the EXIF orientation of a JPEG, in both byte orders', () => {
    for (let o = 1; o <= 8; o++) {
      expect(readPictureHeader(jpeg(10, 20, o))?.orientation).toBe(o);
      expect(readPictureHeader(jpeg(10, 20, o, true))?.orientation).toBe(o);
    }
    expect(readPictureHeader(jpeg(10, 20, 9))?.orientation).toBe(1);
  });

  it('answers null for a header cut short, a zero size or another format', () => {
    const full = jpeg(100, 100, 6);
    for (let cut = 0; cut < full.length - 9; cut += 7) {
      expect(readPictureHeader(full.subarray(0, cut))).toBeNull();
    }
    expect(readPictureHeader(png(0, 10))).toBeNull();
    expect(readPictureHeader(png(10, 10).subarray(0, 20))).toBeNull();
    expect(readPictureHeader(bytes('GIF89a', [1, 0, 1, 0]))).toBeNull();
    expect(readPictureHeader(bytes([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeNull();
    expect(readPictureHeader(riff('VP8 ', [0, 0, 0, 1, 2, 3, 0, 0, 0, 0]))).toBeNull();
  });
});

function pixels(
  width: number,
  height: number,
  channels: DecodedPixels['channels'],
  f: (x: number, y: number, c: number) => number,
): DecodedPixels {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = f(x, y, c);
  return { data, width, height, channels };
}

/** The oriented view's pixel (x, y), channel c, by the EXIF definitions one at a time: the oracle. */
function viewed(p: DecodedPixels, orientation: number, x: number, y: number, c: number): number {
  const [w, h] = [p.width, p.height];
  const at: Record<number, [number, number]> = {
    1: [x, y],
    2: [w - 1 - x, y],
    3: [w - 1 - x, h - 1 - y],
    4: [x, h - 1 - y],
    5: [y, x],
    6: [y, h - 1 - x],
    7: [w - 1 - y, h - 1 - x],
    8: [w - 1 - y, x],
  };
  const [sx, sy] = at[orientation] as [number, number];
  return p.data[(sy * w + sx) * p.channels + c] as number;
}

describe('fitPicture', () => {
  it('gives a 224 x 224 RGB picture back unchanged, alpha dropped', () => {
    const rgb = pixels(W, H, 3, (x, y, c) => (x * 7 + y * 13 + c * 101) % 256);
    expect(fitPicture(rgb)).toEqual(rgb.data);
    const rgba = pixels(W, H, 4, (x, y, c) => (c === 3 ? 0 : (x * 7 + y * 13 + c * 101) % 256));
    expect(fitPicture(rgba)).toEqual(rgb.data);
  });

  it('applies each EXIF orientation as the definition says', () => {
    // 224 x 448 stored: every orientation keeps the whole 224-wide side, so the crop and the
    // identity resample leave only the orientation to check.
    const p = pixels(W, 2 * H, 3, (x, y, c) => (x * 3 + y * 5 + c * 50) % 256);
    for (let o = 1; o <= 8; o++) {
      const out = fitPicture(p, o);
      const tall = o < 5;
      const [vw, vh] = tall ? [W, 2 * H] : [2 * H, W];
      const [x0, y0] = [(vw - W) / 2, (vh - H) / 2];
      for (const [x, y] of [
        [0, 0],
        [W - 1, 0],
        [0, H - 1],
        [W - 1, H - 1],
        [17, 101],
      ] as const) {
        for (let c = 0; c < 3; c++) {
          expect(out[(y * W + x) * 3 + c], `orientation ${o} (${x}, ${y})`).toBe(
            viewed(p, o, x0 + x, y0 + y, c),
          );
        }
      }
    }
    expect(() => fitPicture(p, 9)).toThrow(RangeError);
  });

  it('cuts out the centred square of a wide picture', () => {
    const wide = pixels(3 * W, H, 3, (x) => (x < W ? 10 : x < 2 * W ? 200 : 30));
    expect(new Set(fitPicture(wide))).toEqual(new Set([200]));
  });

  it('averages the area each output pixel covers when shrinking', () => {
    // A 2x2 checkerboard at 448 x 448: every output pixel covers two of each value.
    const checker = pixels(2 * W, 2 * H, 3, (x, y) => ((x + y) % 2 === 0 ? 0 : 200));
    expect(new Set(fitPicture(checker))).toEqual(new Set([100]));
    // 3:2 shrink: output pixel 0 covers source 0 and half of source 1.
    const stripes = pixels(336, 336, 1, (x) => (x % 3 === 0 ? 90 : x % 3 === 1 ? 30 : 0));
    const out = fitPicture(stripes);
    expect(out[0]).toBe(Math.round((90 + 0.5 * 30) / 1.5));
  });

  it('spreads grey to R = G = B and enlarges a small picture', () => {
    const grey = pixels(1, 1, 2, (_x, _y, c) => (c === 0 ? 77 : 255));
    expect(new Set(fitPicture(grey))).toEqual(new Set([77]));
  });
});
