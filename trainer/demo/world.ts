import { tokenize } from '../../core/tokenizer.ts';
import type { KarpathyDataset, Split } from '../data/karpathy.ts';
import { Random } from '../random.ts';
import {
  COLOUR_NAMES,
  COUNT_VALUES,
  type ImageAttributes,
  OBJECT_NAMES,
  SETTING_NAMES,
} from './attributes.ts';
import { makeCaptions } from './captions.ts';
import { DEFAULT_FEATURE_OPTIONS, FeatureGenerator, type FeatureOptions } from './features.ts';

/** Bumped whenever the same options would give a different world. */
export const GENERATOR_VERSION = 1;

export interface DemoWorldOptions {
  images: number;
  /** Images held out for model selection and for the final test. The rest are training data. */
  val: number;
  test: number;
  seed: number;
  captionsPerImage: number;
  features: FeatureOptions;
}

export const DEFAULT_WORLD_OPTIONS: DemoWorldOptions = {
  images: 4000,
  val: 500,
  test: 500,
  seed: 1,
  captionsPerImage: 5,
  features: DEFAULT_FEATURE_OPTIONS,
};

export interface DemoImage {
  imgid: number;
  /** Stable id, also the picture's file name without its extension. */
  id: string;
  filename: string;
  split: Split;
  attributes: ImageAttributes;
  captions: string[];
}

export interface DemoWorld {
  options: DemoWorldOptions;
  images: DemoImage[];
  /** images.length x options.features.dim, row-major, row i is images[i]. */
  features: Float32Array;
}

export function validateWorldOptions(o: DemoWorldOptions): void {
  const positive = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`${name} must be a whole number >= 1, got ${v}`);
  };
  positive('images', o.images);
  positive('captions per image', o.captionsPerImage);
  positive('feature dim', o.features.dim);
  positive('latent dim', o.features.latentDim);
  if (!Number.isInteger(o.val) || o.val < 0) throw new Error(`val must be >= 0, got ${o.val}`);
  if (!Number.isInteger(o.test) || o.test < 0) throw new Error(`test must be >= 0, got ${o.test}`);
  if (o.val + o.test >= o.images) {
    throw new Error(
      `val (${o.val}) + test (${o.test}) must leave training images out of ${o.images}`,
    );
  }
  if (!Number.isInteger(o.seed)) throw new Error(`seed must be an integer, got ${o.seed}`);
  if (!(o.features.noise >= 0)) throw new Error(`noise must be >= 0, got ${o.features.noise}`);
}

export function imageId(imgid: number): string {
  return `demo_${String(imgid).padStart(6, '0')}`;
}

/**
 * Makes the world, deterministically from `options.seed`. Separate random streams for the
 * world's fixed parts, the pictures' attributes and captions, and the features' noise, so
 * that a change in one (say, a longer caption) leaves the others as they were.
 */
export function generateDemoWorld(options: DemoWorldOptions = DEFAULT_WORLD_OPTIONS): DemoWorld {
  validateWorldOptions(options);
  const { images: n, seed, features: featureOptions } = options;
  const worldRng = new Random(seed);
  const captionRng = new Random(seed + 0x9e3779b9);
  const noiseRng = new Random(seed + 0x7f4a7c15);
  const generator = new FeatureGenerator(worldRng, featureOptions);

  const order = worldRng.shuffle(Array.from({ length: n }, (_, i) => i));
  const split = new Array<Split>(n).fill('train');
  order.slice(0, options.test).forEach((i) => {
    split[i] = 'test';
  });
  order.slice(options.test, options.test + options.val).forEach((i) => {
    split[i] = 'val';
  });

  const dim = featureOptions.dim;
  const features = new Float32Array(n * dim);
  const images: DemoImage[] = [];
  for (let i = 0; i < n; i++) {
    const attributes: ImageAttributes = {
      colour: captionRng.pick(COLOUR_NAMES),
      object: captionRng.pick(OBJECT_NAMES),
      setting: captionRng.pick(SETTING_NAMES),
      count: captionRng.pick(COUNT_VALUES),
    };
    const id = imageId(i);
    images.push({
      imgid: i,
      id,
      filename: `${id}.svg`,
      split: split[i] as Split,
      attributes,
      captions: makeCaptions(attributes, captionRng, options.captionsPerImage),
    });
    features.set(generator.generate(attributes, noiseRng), i * dim);
  }
  return { options, images, features };
}

/** The world as a Karpathy split file; sentence ids run over all captions in image order. */
export function toKarpathy(world: DemoWorld): KarpathyDataset {
  let sentid = 0;
  return {
    dataset: 'jointspace-demo',
    images: world.images.map((image) => {
      const sentences = image.captions.map((raw) => ({
        raw,
        tokens: tokenize(raw),
        imgid: image.imgid,
        sentid: sentid++,
      }));
      return {
        filename: image.filename,
        imgid: image.imgid,
        split: image.split,
        sentids: sentences.map((s) => s.sentid),
        sentences,
      };
    }),
  };
}
