/**
 * The JPEG (mozjpeg) and WebP (libwebp) decoders of @jsquash, each a fresh WebAssembly instance
 * per picture. The lead measured jsquash's mozjpeg against sharp (the trainer's decoder) on the
 * 1,000 dev photos: identical pixels.
 *
 * workerd cannot compile WebAssembly from bytes: each `.wasm` arrives compiled (wrangler's
 * CompiledWasm rule, worker/wasm-modules.d.ts) and is instantiated through emscripten's
 * `instantiateWasm` hook. jsquash's own `decode()` keeps one instance per codec and isolate; it
 * is not used, because an emscripten heap never shrinks (each codec's starts at 16 MiB, and a
 * 2048 x 2048 JPEG leaves mozjpeg's at 19.4 MiB: two kept codecs would hold 35 MiB or more of
 * the isolate's 128 MB for its life, beside the models), and a decoder that stops on a broken
 * file (libjpeg exits) may leave its instance unusable. A fresh instance costs about 2 ms a
 * picture (2.3 ms against 0.15 ms for a 61 x 47 JPEG, measured in
 * test/worker/pictures/emscripten-codecs.test.ts; a 2048 x 2048 one takes 120-200 ms to decode)
 * and is garbage once its picture is out.
 */
import jpegFactory from '@jsquash/jpeg/codec/dec/mozjpeg_dec.js';
import jpegWasm from '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm';
import webpFactory from '@jsquash/webp/codec/dec/webp_dec.js';
import webpWasm from '@jsquash/webp/codec/dec/webp_dec.wasm';
import { ensureImageData, type RgbaImage } from './image-data.ts';

interface EmscriptenOptions {
  noInitialRun: boolean;
  locateFile: (file: string) => string;
  /** Where the C library's stdout and stderr lines go. */
  print: (line: string) => void;
  printErr: (line: string) => void;
  instantiateWasm: (
    imports: WebAssembly.Imports,
    receive: (instance: WebAssembly.Instance) => void,
  ) => WebAssembly.Exports;
}

/** What each codec's emscripten module exposes (embind); null when the bytes do not decode. */
interface JpegModule {
  decode(data: Uint8Array, preserveOrientation: boolean): RgbaImage | null;
}
interface WebpModule {
  decode(data: Uint8Array): RgbaImage | null;
}

type Factory<M> = (options: EmscriptenOptions) => Promise<M>;

/** A new instance of an emscripten codec on its compiled module, and what it printed. */
async function instantiate<M>(
  factory: Factory<M>,
  module: WebAssembly.Module,
): Promise<{ codec: M; messages: string[] }> {
  ensureImageData();
  const messages: string[] = [];
  const codec = await factory({
    // The codecs are libraries: there is no main() to run.
    noInitialRun: true,
    // Never fetched (instantiateWasm hands the module over). Given so that the glue does not
    // make the .wasm's URL from import.meta.url, which a deployed Worker does not have.
    locateFile: (file) => file,
    print: (line) => messages.push(line),
    printErr: (line) => messages.push(line),
    instantiateWasm: (imports, receive) => {
      const instance = new WebAssembly.Instance(module, imports);
      receive(instance);
      return instance.exports;
    },
  });
  return { codec, messages };
}

/**
 * The decoded picture; an error when there is none, when the codec stopped (libjpeg exits on a
 * fatal error: emscripten throws its ExitStatus, not an Error), or when it complained on the way.
 * libjpeg only warns about a file cut short or corrupt data (it paints what is missing grey and
 * carries on); sharp, the trainer's decoder, refuses any picture its decoder warns about (its
 * default `failOn: 'warning'`), and so does this.
 */
function decoded(
  decode: () => RgbaImage | null,
  messages: readonly string[],
  name: string,
): RgbaImage {
  let image: RgbaImage | null;
  try {
    image = decode();
  } catch (e) {
    const said = messages.length > 0 ? messages.join('; ') : (e as { message?: string }).message;
    throw new Error(`${name} stopped: ${said ?? String(e)}`);
  }
  if (messages.length > 0) throw new Error(`${name} warned: ${messages.join('; ')}`);
  if (image === null) throw new Error(`${name} could not decode the bytes`);
  return image;
}

/**
 * A JPEG's pixels, RGBA, as stored: its EXIF orientation is not applied (the caller applies it,
 * the same way as the trainer).
 */
export async function decodeJpeg(bytes: Uint8Array): Promise<RgbaImage> {
  const { codec, messages } = await instantiate(jpegFactory as Factory<JpegModule>, jpegWasm);
  return decoded(() => codec.decode(bytes, false), messages, 'mozjpeg');
}

/** A WebP's pixels, RGBA. */
export async function decodeWebp(bytes: Uint8Array): Promise<RgbaImage> {
  const { codec, messages } = await instantiate(webpFactory as Factory<WebpModule>, webpWasm);
  return decoded(() => codec.decode(bytes), messages, 'libwebp');
}
