/**
 * The `ImageData` class the emscripten decoders (mozjpeg, libwebp) construct their result with:
 * their C++ side calls `new ImageData(data, width, height)` on the global scope, and workerd has
 * no ImageData (it has no canvas). Their glue installs a stand-in itself, but only where it
 * recognises a Worker by sniffing `ServiceWorkerGlobalScope` and `caches.default`; installing
 * ours first makes decoding not depend on that guess. It only holds what it is given: the
 * decoders fill `data` (RGBA, 4 bytes a pixel) before constructing it.
 */

export interface RgbaImage {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

class ImageDataStandIn implements RgbaImage {
  constructor(
    readonly data: Uint8ClampedArray,
    readonly width: number,
    readonly height: number,
  ) {}
}

/** Installs the stand-in as `globalThis.ImageData` where the runtime has none. */
export function ensureImageData(): void {
  const scope = globalThis as { ImageData?: unknown };
  if (scope.ImageData === undefined) scope.ImageData = ImageDataStandIn;
}
