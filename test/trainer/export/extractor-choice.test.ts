import { describe, expect, it } from 'vitest';
import {
  CONVERTIBLE_EXTRACTORS,
  chooseExtractor,
  ExtractorChoiceError,
} from '../../../trainer/export/extractor-choice.ts';
import { DEFAULT_EXTRACTOR } from '../../../trainer/pictures/cnn.ts';

/** Whether an export writes an image encoder: the features' recorded extractor, or the flag. */

const ID = DEFAULT_EXTRACTOR.id;
const DIM = DEFAULT_EXTRACTOR.featureDim;

describe('chooseExtractor', () => {
  it('knows the default extractor only', () => {
    expect(CONVERTIBLE_EXTRACTORS).toEqual(['nsfwjs-mobilenetv2-mid']);
  });

  it('writes an encoder when the features record the default extractor', () => {
    expect(chooseExtractor(ID, undefined, DIM)).toEqual({ extractor: ID, imageEncoder: true });
  });

  it('writes one when the flag vouches for features that record nothing, or agrees', () => {
    expect(chooseExtractor(null, ID, DIM)).toEqual({ extractor: ID, imageEncoder: true });
    expect(chooseExtractor(undefined, ID, DIM)).toEqual({ extractor: ID, imageEncoder: true });
    expect(chooseExtractor(ID, ID, DIM)).toEqual({ extractor: ID, imageEncoder: true });
  });

  it('writes none for features of another extractor, and says which', () => {
    expect(chooseExtractor('resnet152-pool5', undefined, 2048)).toEqual({
      extractor: 'resnet152-pool5',
      imageEncoder: false,
      reason: 'the features came from another extractor (resnet152-pool5)',
    });
  });

  it('writes none for features that record nothing, and says how to vouch for them', () => {
    for (const recorded of [null, undefined]) {
      const choice = chooseExtractor(recorded, undefined, DIM);
      expect(choice).toMatchObject({ extractor: null, imageEncoder: false });
      expect(choice.imageEncoder === false && choice.reason).toBe(
        `the features came from another extractor (none is recorded with them; if ${ID} made them, say so with --extractor ${ID})`,
      );
    }
  });

  it('refuses an unknown flag, a flag against the record, and the wrong feature width', () => {
    expect(() => chooseExtractor(null, 'vgg19', 4096)).toThrow(
      new ExtractorChoiceError(
        'unknown extractor "vgg19": the image encoder can be written for nsfwjs-mobilenetv2-mid',
      ),
    );
    expect(() => chooseExtractor('resnet152-pool5', ID, DIM)).toThrow(
      `the dataset's features came from resnet152-pool5 (their sidecar says so), not ${ID}`,
    );
    expect(() => chooseExtractor(null, ID, 4096)).toThrow(
      `${ID} makes 1792-d features; the model takes 4096-d, so its features came from another extractor`,
    );
    expect(() => chooseExtractor(ID, undefined, 64)).toThrow(ExtractorChoiceError);
  });
});
