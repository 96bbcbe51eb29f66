import { beforeAll, describe, expect, it, vi } from 'vitest';
import { PICTURE_INPUT } from '../../../core/picture-pixels.ts';
import {
  type Cnn,
  DEFAULT_EXTRACTOR,
  extractFeatures,
  loadCnn,
} from '../../../trainer/pictures/cnn.ts';
import { selectBackend } from '../../../trainer/tf/backend.ts';
import { patternPixels } from '../../support/test-pictures.ts';

const { height, width } = PICTURE_INPUT;
const picture = (seed: number) => patternPixels({ width, height, seed });

let cnn: Cnn;
const greeted: unknown[] = [];
beforeAll(async () => {
  await selectBackend('wasm', { threads: 1 });
  // nsfwjs greets on console.info, which is stdout in Node: stdout is the command's output.
  const info = vi.spyOn(console, 'info').mockImplementation((...a) => greeted.push(a));
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => greeted.push(a));
  try {
    cnn = await loadCnn();
  } finally {
    info.mockRestore();
    log.mockRestore();
  }
});

describe('loadCnn', () => {
  it("loads nsfwjs's MobileNetV2 from the package, quietly, once per process", async () => {
    expect(greeted).toEqual([]);
    expect(cnn.artifacts.weightSpecs?.length).toBe(108);
    expect(await loadCnn()).toBe(cnn);
    expect(DEFAULT_EXTRACTOR).toMatchObject({ id: 'nsfwjs-mobilenetv2-mid', featureDim: 1792 });
  });
});

describe('extractFeatures', () => {
  it('gives 1792 finite ReLU6 features a picture, a batch of 2 as 2 single runs', async () => {
    const [a, b] = [picture(1), picture(2)];
    const both = await extractFeatures(cnn, [a, b]);
    expect(both.length).toBe(2 * 1792);
    expect(both.every((v) => Number.isFinite(v) && v >= 0 && v <= 6)).toBe(true);
    const one = await extractFeatures(cnn, [a]);
    const two = await extractFeatures(cnn, [b]);
    expect(Array.from(both.subarray(0, 1792))).toEqual(Array.from(one));
    expect(Array.from(both.subarray(1792))).toEqual(Array.from(two));
    // Different pictures, different features.
    expect(Array.from(one)).not.toEqual(Array.from(two));
  });

  it('refuses a picture that is not 224 x 224 x 3', async () => {
    await expect(extractFeatures(cnn, [new Uint8Array(10)])).rejects.toThrow(
      'picture 0 has 10 values, not 150528',
    );
  });
});
