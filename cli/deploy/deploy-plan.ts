import { createHash } from 'node:crypto';
import type { ModelManifest } from '../../core/manifest.ts';
import type { Space, VectorKind } from '../../core/model-files.ts';

/**
 * Names of what a deploy creates. One Vectorize index per model version and kind: ids are
 * unique across a whole index (not per namespace), and ours are file names that repeat across
 * versions, so two versions in one index would overwrite each other. Index names carry a hash of
 * the version (names are short; the version goes in the index's description).
 */

export const DEPLOY_ENVS = ['staging', 'production'] as const;
export type DeployEnv = (typeof DEPLOY_ENVS)[number];

/** The R2 bucket of each environment (wrangler.toml declares the same). */
export const BUCKETS: Record<DeployEnv, string> = {
  staging: 'jointspace-models-staging',
  production: 'jointspace-models',
};

/** The worker's Vectorize binding for a space's kind. */
export function bindingName(space: Space, kind: VectorKind): string {
  return `${space.toUpperCase()}_${kind.toUpperCase()}`;
}

export function indexName(
  manifest: Pick<ModelManifest, 'version' | 'space'>,
  kind: VectorKind,
): string {
  const hash = createHash('sha256').update(manifest.version).digest('hex').slice(0, 10);
  return `js-${manifest.space === 'retrieval' ? 'r' : 'g'}-${kind}-${hash}`;
}

/** Where the deployment's state (which version serves each space, and the ones before) lives in R2. */
export const STATE_KEY = 'deployments/state.json';

export interface SpaceState {
  /** The version served now, if any. */
  current: string | null;
  /** Earlier versions, most recent last: --rollback returns to the last one. */
  previous: string[];
}

export interface DeploymentState {
  retrieval: SpaceState;
  regularities: SpaceState;
  updatedAt: string;
}

export function emptyState(): DeploymentState {
  return {
    retrieval: { current: null, previous: [] },
    regularities: { current: null, previous: [] },
    updatedAt: new Date(0).toISOString(),
  };
}
