import { JointspaceFormatError } from '../../core/errors.ts';
import type { ModelManifest } from '../../core/manifest.ts';
import {
  FLAT_INDEX_ENCODINGS,
  type FlatIndexEncoding,
  SPACE_SERVES,
  type VectorKind,
} from '../../core/model-files.ts';
import { modelFileKey } from '../../core/r2-layout.ts';
import { flatFileOf } from '../../core/version-check.ts';
import { type IndexOpener, loadModelSpace, type ModelSpace } from '../model/model-space.ts';
import { QueryError } from '../query-error.ts';
import { FlatIndexNotFoundError, loadFlatIndex } from '../vector-index/flat-index.ts';
import type { VectorIndex } from '../vector-index/vector-index.ts';
import { VectorizeVectorIndex } from '../vector-index/vectorize-index.ts';
import { ModelServices } from './jointspace-services.ts';
import type { ServerTiming } from './server-timing.ts';
import type { JointspaceServices } from './services.ts';

/**
 * Which models a worker serves and where their vectors are, from its bindings; and the loaded
 * spaces, kept per isolate (loading reads R2, checks hashes and starts ONNX sessions: once, not
 * per request). A load that fails is forgotten, so the next request tries again.
 */

/** The bindings this module reads (generated from wrangler.toml in worker/worker-configuration.d.ts, plus the per-deploy ones in worker/cloudflare-env.d.ts). */
export type ModelEnv = Pick<
  Cloudflare.Env,
  | 'MODELS'
  | 'RETRIEVAL_MODEL'
  | 'REGULARITIES_MODEL'
  | 'VECTOR_INDEX'
  | 'FLAT_INDEX_ENCODING'
  | 'RETRIEVAL_IMAGES'
  | 'RETRIEVAL_CAPTIONS'
  | 'REGULARITIES_IMAGES'
>;

const spaces = new Map<string, Promise<ModelSpace>>();

function flatOpener(bucket: R2Bucket, encoding: FlatIndexEncoding): IndexOpener {
  return (async (manifest: ModelManifest, kind: VectorKind) => {
    try {
      const key = modelFileKey(manifest.version, flatFileOf(manifest, kind, encoding));
      return await loadFlatIndex(bucket, key, {
        version: manifest.version,
        dimension: manifest.model.dimension,
      });
    } catch (e) {
      if (e instanceof FlatIndexNotFoundError || e instanceof JointspaceFormatError) {
        throw new QueryError(
          'MODEL_UNAVAILABLE',
          `model version ${manifest.version}: ${e.message}`,
          { version: manifest.version },
        );
      }
      throw e;
    }
  }) as IndexOpener;
}

function vectorizeOpener(env: ModelEnv): IndexOpener {
  return (async (manifest: ModelManifest, kind: VectorKind) => {
    const binding =
      manifest.space === 'retrieval'
        ? kind === 'images'
          ? env.RETRIEVAL_IMAGES
          : env.RETRIEVAL_CAPTIONS
        : kind === 'images'
          ? env.REGULARITIES_IMAGES
          : undefined;
    const name = `${manifest.space.toUpperCase()}_${kind.toUpperCase()}`;
    if (!binding) {
      throw new QueryError(
        'MODEL_UNAVAILABLE',
        `VECTOR_INDEX is vectorize but the worker has no ${name} binding`,
        {},
      );
    }
    return new VectorizeVectorIndex(binding, {
      dimension: manifest.model.dimension,
    }) as VectorIndex<never>;
  }) as IndexOpener;
}

function loadSpace(
  env: ModelEnv,
  version: string,
  space: 'retrieval' | 'regularities',
): Promise<ModelSpace> {
  const backend = env.VECTOR_INDEX ?? 'flat';
  const encoding = env.FLAT_INDEX_ENCODING ?? 'float32';
  const cacheKey = `${backend}:${encoding}:${space}:${version}`;
  let loading = spaces.get(cacheKey);
  if (!loading) {
    if (backend !== 'flat' && backend !== 'vectorize') {
      return Promise.reject(
        new QueryError(
          'MODEL_UNAVAILABLE',
          `VECTOR_INDEX must be flat or vectorize, got ${JSON.stringify(backend)}`,
          {},
        ),
      );
    }
    if (!(FLAT_INDEX_ENCODINGS as readonly string[]).includes(encoding)) {
      return Promise.reject(
        new QueryError(
          'MODEL_UNAVAILABLE',
          `FLAT_INDEX_ENCODING must be ${FLAT_INDEX_ENCODINGS.join(' or ')}, got ${JSON.stringify(encoding)}`,
          {},
        ),
      );
    }
    loading = loadModelSpace({
      bucket: env.MODELS,
      version,
      openIndex:
        backend === 'flat'
          ? flatOpener(env.MODELS, encoding as FlatIndexEncoding)
          : vectorizeOpener(env),
      withCaptions: SPACE_SERVES[space].kinds.includes('captions'),
      withImageProjection: SPACE_SERVES[space].imageProjection,
    }).then((loaded) => {
      if (loaded.manifest.space !== space) {
        throw new QueryError(
          'MODEL_UNAVAILABLE',
          `model version ${version} is a ${loaded.manifest.space} model, configured as the ${space} one`,
          { version },
        );
      }
      return loaded;
    });
    spaces.set(cacheKey, loading);
    loading.catch(() => spaces.delete(cacheKey));
  }
  return loading;
}

export async function servicesFor(
  env: ModelEnv,
  timing?: ServerTiming,
): Promise<JointspaceServices> {
  const retrieval = env.RETRIEVAL_MODEL;
  const regularities = env.REGULARITIES_MODEL;
  if (!retrieval || !regularities) {
    throw new QueryError(
      'MODEL_UNAVAILABLE',
      'no model is configured: set RETRIEVAL_MODEL and REGULARITIES_MODEL to exported versions (npm start does this for the demo models)',
      {},
    );
  }
  const [r, g] = await Promise.all([
    loadSpace(env, retrieval, 'retrieval'),
    loadSpace(env, regularities, 'regularities'),
  ]);
  return new ModelServices(r, g, timing);
}
