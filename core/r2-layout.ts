import type { ModelManifest } from './manifest.ts';

/**
 * Where a model version's files live in the R2 bucket: `models/<version>/<file>`, the file's
 * path inside the version folder (the flat index files too: `models/<version>/flat/...`).
 * Seeding (`npm start`) and deploys write these keys; the worker reads them.
 */

export const MODELS_PREFIX = 'models';

export function modelFileKey(version: string, file: string): string {
  return `${MODELS_PREFIX}/${version}/${file}`;
}

/**
 * A GraphiQL page with its scripts inline, put there by `npm start`, so that the local default
 * needs no CDN. Its options are a placeholder the worker fills in (GRAPHIQL_OPTIONS_PLACEHOLDER).
 */
export const GRAPHIQL_PAGE_KEY = 'static/graphiql.html';
export const GRAPHIQL_OPTIONS_PLACEHOLDER = '__JOINTSPACE_GRAPHIQL_OPTIONS__';
export const GRAPHIQL_TITLE_PLACEHOLDER = '__JOINTSPACE_GRAPHIQL_TITLE__';

/** The two spaces' versions a worker serves. */
export interface ServedVersions {
  retrieval: string;
  regularities: string;
}

export function describeVersion(manifest: ModelManifest): string {
  return `${manifest.version} (${manifest.space}, ${manifest.model.encoder} ${manifest.model.dimension}-d)`;
}

/**
 * Pictures: a model version's photos (or the demo world's SVGs), stored as
 * `images/<version>/<file>`, with a list of the files stored under `images/<version>.json` (a
 * PictureList, core/pictures.ts). The list sits beside the folder, not in it, so no picture's
 * name can collide with it. Pictures go with the retrieval version: both spaces of a served pair
 * hold the same images (the pair check says so), and the retrieval version names them.
 */
export const PICTURES_PREFIX = 'images';

export function pictureKey(version: string, file: string): string {
  return `${PICTURES_PREFIX}/${version}/${file}`;
}

export function pictureListKey(version: string): string {
  return `${PICTURES_PREFIX}/${version}.json`;
}

/** The worker's URL path for a picture (the route that reads `pictureKey`). */
export function picturePath(version: string, file: string): string {
  return `/${PICTURES_PREFIX}/${encodeURIComponent(version)}/${encodeURIComponent(file)}`;
}
