import { DEFAULT_EXTRACTOR } from '../pictures/cnn.ts';

/**
 * Whether an export can write an image encoder: only when the features the model was trained on
 * came from a CNN the project can convert, so that a picture through the encoder lands where
 * its stored features put it. The dataset says which CNN made its features when the `features`
 * command wrote them (their sidecar); features made elsewhere (the shared Flickr8k .npy) say
 * nothing, and the export's --extractor flag vouches for them instead.
 */

/** The extractors whose CNN an export can write as ONNX. */
export const CONVERTIBLE_EXTRACTORS: readonly string[] = [DEFAULT_EXTRACTOR.id];

export class ExtractorChoiceError extends Error {
  override readonly name = 'ExtractorChoiceError';
}

export type ExtractorChoice =
  | { extractor: string; imageEncoder: true }
  | { extractor: string | null; imageEncoder: false; reason: string };

/**
 * `recorded`: the dataset's extractor (null: features made elsewhere; undefined: the loader
 * cannot tell). `flag`: the export's --extractor. `featureDim`: what the model takes.
 */
export function chooseExtractor(
  recorded: string | null | undefined,
  flag: string | undefined,
  featureDim: number,
): ExtractorChoice {
  if (flag !== undefined) {
    if (!CONVERTIBLE_EXTRACTORS.includes(flag)) {
      throw new ExtractorChoiceError(
        `unknown extractor ${JSON.stringify(flag)}: the image encoder can be written for ${CONVERTIBLE_EXTRACTORS.join(', ')}`,
      );
    }
    if (typeof recorded === 'string' && recorded !== flag) {
      throw new ExtractorChoiceError(
        `the dataset's features came from ${recorded} (their sidecar says so), not ${flag}`,
      );
    }
    checkWidth(flag, featureDim);
    return { extractor: flag, imageEncoder: true };
  }
  if (typeof recorded === 'string' && CONVERTIBLE_EXTRACTORS.includes(recorded)) {
    checkWidth(recorded, featureDim);
    return { extractor: recorded, imageEncoder: true };
  }
  if (typeof recorded === 'string') {
    return {
      extractor: recorded,
      imageEncoder: false,
      reason: `the features came from another extractor (${recorded})`,
    };
  }
  return {
    extractor: null,
    imageEncoder: false,
    reason: `the features came from another extractor (none is recorded with them; if ${DEFAULT_EXTRACTOR.id} made them, say so with --extractor ${DEFAULT_EXTRACTOR.id})`,
  };
}

/** The model must take the extractor's feature width. */
function checkWidth(extractor: string, featureDim: number): void {
  if (featureDim !== DEFAULT_EXTRACTOR.featureDim) {
    throw new ExtractorChoiceError(
      `${extractor} makes ${DEFAULT_EXTRACTOR.featureDim}-d features; the model takes ${featureDim}-d, so its features came from another extractor`,
    );
  }
}
