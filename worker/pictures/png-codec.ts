/**
 * The PNG decoder of @jsquash/png (squoosh's Rust `png` crate, built with wasm-bindgen), a fresh
 * WebAssembly instance per picture, for the reasons emscripten-codecs.ts gives.
 *
 * jsquash's JavaScript glue keeps its instance in a module variable and never makes a second one,
 * so this file talks to the module itself. A decode needs three of its exports (malloc, decode,
 * free) and one import: the call by which the Rust side hands over the decoded RGBA bytes (it
 * would build an ImageData there; here they are copied out). Error messages come through a
 * second import. Imports are matched by name without wasm-bindgen's hash suffix; the others
 * serve 16-bit decoding and the heap of JS objects, which this decode never uses, and throw if
 * called, so that a codec update that starts using them fails loudly instead of silently wrong.
 */
import pngWasm from '@jsquash/png/codec/pkg/squoosh_png_bg.wasm';
import type { RgbaImage } from './image-data.ts';

interface PngExports {
  memory: WebAssembly.Memory;
  /** Decodes the bytes at [ptr, ptr + len) to 8-bit RGBA; returns a JS object handle. */
  decode(ptr: number, len: number): number;
  __wbindgen_malloc(size: number, align: number): number;
  __wbindgen_free(ptr: number, size: number, align: number): void;
}

type Import = (...args: number[]) => number;

/** Any handle above wasm-bindgen's reserved ones (undefined, null, true, false). */
const RESULT_HANDLE = 132;

/** A PNG's pixels as 8-bit RGBA (grey, palette and 16-bit pictures expanded by the codec). */
export function decodePng(bytes: Uint8Array): RgbaImage {
  // The instance's exports, once it exists (the imports below are called only during decode).
  let codec: PngExports | undefined;
  let result: RgbaImage | undefined;
  // A new view each time: the memory's buffer is replaced whenever the heap grows.
  const view = (ptr: number, len: number) => new Uint8Array(codec!.memory.buffer, ptr, len);
  const handlers: Record<string, Import> = {
    __wbg_newwithownedu8clampedarrayandsh_: (ptr, len, width, height) => {
      const data = new Uint8ClampedArray(view(ptr, len));
      codec!.__wbindgen_free(ptr, len, 1);
      result = { data, width: width >>> 0, height: height >>> 0 };
      return RESULT_HANDLE;
    },
    __wbindgen_throw: (ptr, len) => {
      throw new Error(new TextDecoder().decode(view(ptr, len)));
    },
  };
  const wbg: Record<string, Import> = {};
  for (const { name } of WebAssembly.Module.imports(pngWasm)) {
    const prefix = Object.keys(handlers).find((p) => name.startsWith(p));
    wbg[name] = prefix
      ? (handlers[prefix] as Import)
      : () => {
          throw new Error(`the png codec called ${name}, which this decoder does not provide`);
        };
  }
  codec = new WebAssembly.Instance(pngWasm, { wbg }).exports as unknown as PngExports;
  const ptr = codec.__wbindgen_malloc(bytes.length, 1);
  view(ptr, bytes.length).set(bytes);
  codec.decode(ptr, bytes.length);
  if (result === undefined) throw new Error('the png codec returned no pixels');
  return result;
}
