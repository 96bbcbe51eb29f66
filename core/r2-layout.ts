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
