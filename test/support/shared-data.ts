import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The project's shared real data (never copied into the repository: its licence): the folder
 * JOINTSPACE_SHARED_DATA names, else ../shared/data beside the repository. Tests that need it
 * skip where it is absent.
 */
export const SHARED_DATA =
  process.env.JOINTSPACE_SHARED_DATA ?? join(import.meta.dirname, '../../../shared/data');

/** Flickr8k: its split file, its 7000 x 1792 features and the 1000 dev photos. */
export const FLICKR8K = {
  dir: join(SHARED_DATA, 'flickr8k'),
  json: join(SHARED_DATA, 'flickr8k', 'dataset_flickr8k.json'),
  features: join(SHARED_DATA, 'flickr8k', 'feats_mobilenetv2_1792.npy'),
  images: join(SHARED_DATA, 'flickr8k', 'images'),
};

/** True when the Flickr8k split file, features and dev photos are all there. */
export const HAVE_FLICKR8K_PHOTOS = [FLICKR8K.json, FLICKR8K.features, FLICKR8K.images].every((p) =>
  existsSync(p),
);
