import { describe, expect, it } from 'vitest';
import { WEIGHT_PRECISIONS } from '../../../core/manifest.ts';
import { IMAGE_ENCODER_IO } from '../../../core/model-files.ts';
import { PICTURE_INPUT } from '../../../core/picture-pixels.ts';
import { DataType, GraphBuilder } from '../../../trainer/export/onnx/graph-builder.ts';
import { madePictures } from '../../../trainer/export/parity-pictures.ts';
import {
  checkImageEncoderParity,
  IMAGE_ENCODER_TOLERANCE,
  measureImageEncoder,
} from '../../../trainer/export/verify-image-encoder.ts';

/**
 * The image encoder's check in onnxruntime-web, on a stand-in encoder with the real one's
 * input and output (each picture's mean colour, as a 3-d vector): what it measures, and when
 * it fails an export.
 */

const { height, width, channels } = PICTURE_INPUT;
const PICTURES = madePictures().map((p) => p.pixels);

function meanColourEncoder(): Uint8Array {
  const g = new GraphBuilder('mean_colour');
  const pixels = g.input(IMAGE_ENCODER_IO.input, DataType.UINT8, [
    'batch',
    height,
    width,
    channels,
  ]);
  const float = g.node('Cast', [pixels], { to: DataType.FLOAT });
  g.alias(g.node('ReduceMean', [float], { axes: [1, 2], keepdims: 0 }), IMAGE_ENCODER_IO.output);
  g.output(IMAGE_ENCODER_IO.output, DataType.FLOAT, ['batch', channels]);
  return g.encode({}, 'mean colour');
}

/** What the stand-in computes, in double precision. */
function meanColours(): Float32Array {
  const out = new Float32Array(PICTURES.length * channels);
  PICTURES.forEach((p, k) => {
    const sums = [0, 0, 0];
    p.forEach((v, i) => {
      sums[i % channels] = (sums[i % channels] as number) + v;
    });
    sums.forEach((s, c) => {
      out[k * channels + c] = s / (height * width);
    });
  });
  return out;
}

describe('measureImageEncoder', () => {
  it('runs each picture through the encoder and compares it with its expected vector', async () => {
    const parity = await measureImageEncoder(meanColourEncoder(), PICTURES, meanColours());
    expect(parity.pictures).toBe(3);
    expect(parity.maxAbsDifference).toBeLessThan(1e-3);
    expect(parity.minCosine).toBeGreaterThan(1 - 1e-9);
  });

  it('reports the largest difference and the smallest cosine over the pictures', async () => {
    const expected = meanColours();
    expected[4] = (expected[4] as number) + 7; // picture 1, green
    const parity = await measureImageEncoder(meanColourEncoder(), PICTURES, expected);
    expect(parity.maxAbsDifference).toBeCloseTo(7, 2);
    expect(parity.minCosine).toBeLessThan(0.9999);
    expect(parity.minCosine).toBeGreaterThan(0.9);
  });

  it('refuses an encoder whose vectors are not as wide as the expected ones', async () => {
    const wider = new Float32Array(PICTURES.length * 4);
    await expect(measureImageEncoder(meanColourEncoder(), PICTURES, wider)).rejects.toThrow(
      'the image encoder gave 3 values, not 4',
    );
  });
});

describe('checkImageEncoderParity', () => {
  it.each(WEIGHT_PRECISIONS)('holds %s weights to their tolerance', (precision) => {
    const { maxAbsDifference, minCosine } = IMAGE_ENCODER_TOLERANCE[precision];
    const at = { pictures: 6, maxAbsDifference, minCosine };
    expect(() => checkImageEncoderParity(at, precision)).not.toThrow();
    expect(() =>
      checkImageEncoderParity({ ...at, maxAbsDifference: maxAbsDifference * 1.01 }, precision),
    ).toThrow(`the exported image encoder (${precision} weights) disagrees`);
    expect(() =>
      checkImageEncoderParity({ ...at, minCosine: minCosine - 1e-7 }, precision),
    ).toThrow(/on 6 pictures: max \|difference\| .*, min cosine .*; allowed/);
    expect(() =>
      checkImageEncoderParity({ ...at, maxAbsDifference: Number.NaN }, precision),
    ).toThrow();
  });
});
