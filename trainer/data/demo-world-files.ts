/** The files a demo world is written as, relative to its folder. */
export const WORLD_FILES = {
  /** Generator, version, options, counts: read first to decide if a world is up to date. */
  meta: 'world.json',
  /** Karpathy split file with five captions per picture. */
  dataset: 'dataset_demo.json',
  /** Row-aligned float32 features, images x dim. */
  features: 'feats.npy',
  /** Ground truth per picture, for scoring analogies and for the web page. */
  attributes: 'attributes.json',
  analogies: 'analogies.json',
  /** One SVG picture per image, named by the image's file name. */
  images: 'images',
} as const;

export const WORLD_GENERATOR = 'jointspace-demo-world';
