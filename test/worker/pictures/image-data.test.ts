import { afterEach, describe, expect, it } from 'vitest';
import { ensureImageData } from '../../../worker/pictures/image-data.ts';

// The stand-in ImageData the emscripten decoders construct their result with.
const scope = globalThis as { ImageData?: unknown };
const before = scope.ImageData;

afterEach(() => {
  scope.ImageData = before;
});

describe('ensureImageData', () => {
  it('installs a class that keeps the data and size it is given, where there is none', () => {
    delete scope.ImageData;
    ensureImageData();
    const Installed = scope.ImageData as new (
      data: Uint8ClampedArray,
      width: number,
      height: number,
    ) => { data: Uint8ClampedArray; width: number; height: number };
    const data = new Uint8ClampedArray(2 * 3 * 4);
    const image = new Installed(data, 2, 3);
    expect(image.data).toBe(data);
    expect([image.width, image.height]).toEqual([2, 3]);
  });

  it("leaves the runtime's own ImageData in place", () => {
    class Native {}
    scope.ImageData = Native;
    ensureImageData();
    expect(scope.ImageData).toBe(Native);
  });
});
