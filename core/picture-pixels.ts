/**
 * From a decoded picture to the image encoder's input, the same way in the trainer (after
 * sharp decodes) and in the worker (after a WebAssembly decoder does): the stored EXIF
 * orientation applied, the centred square cut out, that square resampled to 224 x 224 by area
 * averaging, alpha dropped, grey spread to R = G = B. Plain arithmetic on numbers, so Node and
 * workerd give the same bytes for the same decoded pixels.
 *
 * Also the checks a worker makes before it decodes anything: which format the bytes are (by
 * their signature, not by a client's content type) and how many pixels the header announces.
 */

/** The image encoder's input: uint8 RGB, height x width x 3, row-major (NHWC). */
export const PICTURE_INPUT = { height: 224, width: 224, channels: 3 } as const;

/** The resize every side applies; recorded in the manifest as onnx.imageEncoder.resize. */
export const PICTURE_RESIZE = 'exif-orient+centre-square+area-average@224';

/**
 * What an uploaded picture may be. The pixel limit bounds the decoder's memory: a decoded
 * picture is width x height x 4 bytes (RGBA) inside the decoder, and copied once out of it, so
 * 4.2 megapixels cost about 34 MB for the length of one request, inside an isolate of 128 MB
 * that also holds the models.
 */
export const UPLOAD_LIMITS = {
  /** An upload's size in bytes (8 MiB). */
  maxBytes: 8 * 1024 * 1024,
  /** Width x height as the header announces it (2048 x 2048). */
  maxPixels: 2048 * 2048,
  /** Either side, in pixels. */
  maxSide: 8192,
} as const;

/** The formats the image encoder's decoders read. */
export const DECODED_FORMATS = ['jpeg', 'png', 'webp'] as const;
export type DecodedFormat = (typeof DECODED_FORMATS)[number];

/** Pictures recognised by their signature but not decoded (refused as unsupported). */
export type OtherPictureFormat = 'gif' | 'avif' | 'heic' | 'bmp' | 'tiff' | 'svg' | 'ico';
export type PictureFormat = DecodedFormat | OtherPictureFormat;

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

/** The picture format of `bytes` by its signature, or null when they are no picture known. */
export function sniffPictureFormat(bytes: Uint8Array): PictureFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return 'jpeg';
  if (bytes.length >= 8 && ascii(bytes, 0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP')
    return 'webp';
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(ascii(bytes, 0, 6))) return 'gif';
  if (bytes.length >= 12 && ascii(bytes, 4, 4) === 'ftyp') {
    const brand = ascii(bytes, 8, 4);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (/^(heic|heix|hevc|hevx|mif1|msf1)$/.test(brand)) return 'heic';
  }
  if (bytes.length >= 2 && ascii(bytes, 0, 2) === 'BM') return 'bmp';
  if (bytes.length >= 4 && /^(II\*\0|MM\0\*)$/.test(ascii(bytes, 0, 4))) return 'tiff';
  if (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 1 && bytes[3] === 0)
    return 'ico';
  const head = ascii(bytes, 0, Math.min(bytes.length, 256)).trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'svg';
  return null;
}

/** What a picture's header says, read without decoding it. */
export interface PictureHeader {
  format: DecodedFormat;
  width: number;
  height: number;
  /** EXIF orientation 1-8 (1: as stored); JPEG only, 1 elsewhere. */
  orientation: number;
}

function u16be(b: Uint8Array, at: number): number {
  return ((b[at] as number) << 8) | (b[at + 1] as number);
}
function u16le(b: Uint8Array, at: number): number {
  return (b[at] as number) | ((b[at + 1] as number) << 8);
}
function u24le(b: Uint8Array, at: number): number {
  return u16le(b, at) | ((b[at + 2] as number) << 16);
}
function u32be(b: Uint8Array, at: number): number {
  return u16be(b, at) * 65536 + u16be(b, at + 2);
}

/**
 * The width, height and orientation of a JPEG, PNG or WebP from its header; null when the
 * header is cut short or malformed (the bytes are then no picture this reader can vouch for).
 */
export function readPictureHeader(bytes: Uint8Array): PictureHeader | null {
  const format = sniffPictureFormat(bytes);
  switch (format) {
    case 'png':
      if (bytes.length < 24 || ascii(bytes, 12, 4) !== 'IHDR') return null;
      return sized('png', u32be(bytes, 16), u32be(bytes, 20), 1);
    case 'webp':
      return webpHeader(bytes);
    case 'jpeg':
      return jpegHeader(bytes);
    default:
      return null;
  }
}

function sized(
  format: DecodedFormat,
  width: number,
  height: number,
  orientation: number,
): PictureHeader | null {
  return width > 0 && height > 0 ? { format, width, height, orientation } : null;
}

function webpHeader(b: Uint8Array): PictureHeader | null {
  const chunk = ascii(b, 12, 4);
  if (b.length < (chunk === 'VP8L' ? 25 : 30)) return null;
  if (chunk === 'VP8 ') {
    // A key frame: 3-byte tag, start code 9d 01 2a, then 14-bit width and height.
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
    return sized('webp', u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff, 1);
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return null;
    const bits =
      (b[21] as number) |
      ((b[22] as number) << 8) |
      ((b[23] as number) << 16) |
      ((b[24] as number) << 24);
    return sized('webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1, 1);
  }
  if (chunk === 'VP8X') return sized('webp', u24le(b, 24) + 1, u24le(b, 27) + 1, 1);
  return null;
}

/** Start-of-frame markers: C0-CF except DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function jpegHeader(b: Uint8Array): PictureHeader | null {
  let orientation = 1;
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1] as number;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // image data before any frame header
    const length = u16be(b, at + 2);
    if (length < 2) return null;
    if (marker === 0xe1) orientation = exifOrientation(b, at + 4, at + 2 + length) ?? orientation;
    if (isStartOfFrame(marker)) {
      if (at + 9 > b.length) return null;
      return sized('jpeg', u16be(b, at + 7), u16be(b, at + 5), orientation);
    }
    at += 2 + length;
  }
  return null;
}

/** The Orientation tag (0x0112) of an APP1 Exif segment in b[from, to), or null. */
function exifOrientation(b: Uint8Array, from: number, to: number): number | null {
  if (to > b.length || to - from < 14 || ascii(b, from, 6) !== 'Exif\0\0') return null;
  const tiff = from + 6;
  const little = ascii(b, tiff, 2) === 'II';
  if (!little && ascii(b, tiff, 2) !== 'MM') return null;
  const u16 = (at: number) => (little ? u16le(b, at) : u16be(b, at));
  const u32 = (at: number) => (little ? u16le(b, at) + u16le(b, at + 2) * 65536 : u32be(b, at));
  const ifd = tiff + u32(tiff + 4);
  if (ifd + 2 > to) return null;
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > to) return null;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : null;
    }
  }
  return null;
}

/** Limits on what a header announces; `maxSide` unset: any side within the pixel limit. */
export interface PictureSizeLimits {
  maxPixels: number;
  maxSide?: number;
}

/**
 * What the checks before a decode found: the header of a picture a decoder can take within the
 * limits, or why not. The trainer and the worker ask the same questions in the same order and
 * word the answers each for their own reader.
 */
export type PictureCheck =
  | { ok: true; header: PictureHeader }
  /** No signature of a picture format. */
  | { ok: false; problem: 'not-a-picture' }
  /** A picture of a format the decoders do not read. */
  | { ok: false; problem: 'unsupported'; format: OtherPictureFormat }
  /** A decoded format whose header is cut short or malformed. */
  | { ok: false; problem: 'malformed'; format: DecodedFormat }
  /** Over a limit: width x height (`pixels`) or the longer side (`side`). */
  | {
      ok: false;
      problem: 'too-large';
      header: PictureHeader;
      limit: 'pixels' | 'side';
      max: number;
      got: number;
    };

/** The checks a picture's bytes pass before they are decoded (see PictureCheck). */
export function checkPicture(bytes: Uint8Array, limits: PictureSizeLimits): PictureCheck {
  const format = sniffPictureFormat(bytes);
  if (format === null) return { ok: false, problem: 'not-a-picture' };
  if (!(DECODED_FORMATS as readonly string[]).includes(format)) {
    return { ok: false, problem: 'unsupported', format: format as OtherPictureFormat };
  }
  const header = readPictureHeader(bytes);
  if (header === null) return { ok: false, problem: 'malformed', format: format as DecodedFormat };
  const pixels = header.width * header.height;
  if (pixels > limits.maxPixels) {
    return {
      ok: false,
      problem: 'too-large',
      header,
      limit: 'pixels',
      max: limits.maxPixels,
      got: pixels,
    };
  }
  const side = Math.max(header.width, header.height);
  if (limits.maxSide !== undefined && side > limits.maxSide) {
    return {
      ok: false,
      problem: 'too-large',
      header,
      limit: 'side',
      max: limits.maxSide,
      got: side,
    };
  }
  return { ok: true, header };
}

/** Decoded pixels: `channels` bytes per pixel (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA). */
export interface DecodedPixels {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

function orientedSize(p: DecodedPixels, orientation: number): { width: number; height: number } {
  return orientation >= 5
    ? { width: p.height, height: p.width }
    : { width: p.width, height: p.height };
}

/**
 * Where pixel (x, y) of the oriented view (what a person sees once the EXIF orientation is
 * applied) sits in the stored data: an affine map, so index = base + x * xStep + y * yStep.
 * Each orientation's stored column sx and row sy: [sx from x, y, 1; sy from x, y, 1].
 */
const ORIENTATION_MAPS: Record<number, readonly [number, number, number, number, number, number]> =
  {
    1: [1, 0, 0, 0, 1, 0],
    2: [-1, 0, 1, 0, 1, 0],
    3: [-1, 0, 1, 0, -1, 1],
    4: [1, 0, 0, 0, -1, 1],
    5: [0, 1, 0, 1, 0, 0],
    6: [0, 1, 0, -1, 0, 1],
    7: [0, -1, 1, -1, 0, 1],
    8: [0, -1, 1, 1, 0, 0],
  };

function orientedSteps(
  p: DecodedPixels,
  orientation: number,
): { base: number; xStep: number; yStep: number } {
  // The constant terms are in units of (W - 1) for sx and (H - 1) for sy.
  const map = ORIENTATION_MAPS[orientation];
  if (!map) throw new RangeError(`EXIF orientation ${orientation} is not 1-8`);
  const [a, b, c, d, e, f] = map;
  const W = p.width;
  const ch = p.channels;
  return {
    base: (c * (W - 1) + f * (p.height - 1) * W) * ch,
    xStep: (a + d * W) * ch,
    yStep: (b + e * W) * ch,
  };
}

/** For each output cell of a `size`-wide axis: the source cells it covers and their weights. */
function areaWeights(
  start: number,
  span: number,
  size: number,
): { index: Int32Array; weight: Float64Array; offset: Int32Array } {
  const index: number[] = [];
  const weight: number[] = [];
  const offset = new Int32Array(size + 1);
  for (let o = 0; o < size; o++) {
    offset[o] = index.length;
    const from = (o * span) / size;
    const to = ((o + 1) * span) / size;
    for (let s = Math.floor(from); s < Math.ceil(to); s++) {
      const w = Math.min(to, s + 1) - Math.max(from, s);
      if (w > 0) {
        index.push(start + s);
        weight.push(w / (to - from));
      }
    }
  }
  offset[size] = index.length;
  return { index: Int32Array.from(index), weight: Float64Array.from(weight), offset };
}

/**
 * The image encoder's input for a decoded picture: orientation applied, the centred square
 * (side = the shorter side) resampled to 224 x 224 by area averaging (each output pixel is the
 * mean of the source area it covers, so shrinking does not alias and a 224 x 224 picture comes
 * out unchanged), rounded to uint8 RGB.
 */
export function fitPicture(p: DecodedPixels, orientation = 1): Uint8Array {
  const { width, height } = orientedSize(p, orientation);
  const side = Math.min(width, height);
  const x0 = Math.floor((width - side) / 2);
  const y0 = Math.floor((height - side) / 2);
  const { height: outH, width: outW } = PICTURE_INPUT;
  const cols = areaWeights(x0, side, outW);
  const rows = areaWeights(y0, side, outH);
  const grey = p.channels <= 2;
  const { base, xStep, yStep } = orientedSteps(p, orientation);
  const colAt = Int32Array.from(cols.index, (x) => x * xStep);
  const out = new Uint8Array(outH * outW * 3);
  const acc = new Float64Array(outW * 3);
  const data = p.data;
  for (let oy = 0; oy < outH; oy++) {
    acc.fill(0);
    for (let r = rows.offset[oy] as number; r < (rows.offset[oy + 1] as number); r++) {
      const rowAt = base + (rows.index[r] as number) * yStep;
      const wy = rows.weight[r] as number;
      for (let ox = 0; ox < outW; ox++) {
        let red = 0;
        let green = 0;
        let blue = 0;
        for (let c = cols.offset[ox] as number; c < (cols.offset[ox + 1] as number); c++) {
          const at = rowAt + (colAt[c] as number);
          const w = cols.weight[c] as number;
          const v0 = data[at] as number;
          red += w * v0;
          green += w * (grey ? v0 : (data[at + 1] as number));
          blue += w * (grey ? v0 : (data[at + 2] as number));
        }
        acc[ox * 3] = (acc[ox * 3] as number) + wy * red;
        acc[ox * 3 + 1] = (acc[ox * 3 + 1] as number) + wy * green;
        acc[ox * 3 + 2] = (acc[ox * 3 + 2] as number) + wy * blue;
      }
    }
    for (let i = 0; i < outW * 3; i++) {
      out[oy * outW * 3 + i] = Math.min(255, Math.max(0, Math.round(acc[i] as number)));
    }
  }
  return out;
}
