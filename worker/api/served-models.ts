import { JointspaceFormatError } from '../../core/errors.ts';
import type { ModelManifest } from '../../core/manifest.ts';
import {
  FLAT_INDEX_ENCODINGS,
  type FlatIndexEncoding,
  SPACE_SERVES,
  type Space,
  type VectorKind,
} from '../../core/model-files.ts';
import { modelFileKey } from '../../core/r2-layout.ts';
import { flatFileOf } from '../../core/version-check.ts';
import {
  type IndexOpener,
  loadImageEncoder,
  loadModelSpace,
  type ModelSpace,
} from '../model/model-space.ts';
import { type LoaderState, SpaceLoader } from '../model/space-loader.ts';
import type { InferenceSession } from '../onnx/ort-runtime.ts';
import { QueryError } from '../query-error.ts';
import { loadFlatIndex } from '../vector-index/flat-index.ts';
import type { VectorIndex } from '../vector-index/vector-index.ts';
import { VectorizeVectorIndex } from '../vector-index/vectorize-index.ts';
import { ModelServices } from './jointspace-services.ts';
import type { ServerTiming } from './server-timing.ts';
import type { JointspaceServices } from './services.ts';

/**
 * Which models a worker serves and where their vectors are, from its bindings; and the loaded
 * spaces, one SpaceLoader per space and configuration, kept per isolate (loading reads R2,
 * checks every file against the manifest and starts ONNX sessions: once, not per request). Each
 * space loads on its own: a broken analogy model does not take search down.
 *
 * A failed load is logged once, with its reason and an incident id; clients are told only that
 * the space is unavailable, the incident id and when it is tried again. Storage keys and runtime
 * messages stay in the log.
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

/** Hands work that must outlive the request to the runtime (ctx.waitUntil). */
export type KeepAlive = (work: Promise<unknown>) => void;

const loaders = new Map<string, SpaceLoader<ModelSpace>>();
/** Image encoders by model version: loaded apart from their space, on the first picture. */
const encoderLoaders = new Map<string, SpaceLoader<InferenceSession>>();

/** A failed load: the reason for the log, and the incident id that ties a client's error to it. */
class LoadIncident extends Error {
  override readonly name = 'LoadIncident';
  constructor(
    readonly reason: string,
    readonly incident: string,
  ) {
    super(reason);
  }
}

function flatOpener(bucket: R2Bucket, encoding: FlatIndexEncoding): IndexOpener {
  return (async (manifest: ModelManifest, kind: VectorKind) => {
    const file = flatFileOf(manifest, kind, encoding);
    return loadFlatIndex(bucket, modelFileKey(manifest.version, file), {
      version: manifest.version,
      dimension: manifest.model.dimension,
      ...(manifest.files[file] ? { file: manifest.files[file] } : {}),
    });
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
      throw new JointspaceFormatError(
        `VECTOR_INDEX is vectorize but the worker has no ${name} binding`,
      );
    }
    return new VectorizeVectorIndex(binding, {
      dimension: manifest.model.dimension,
    }) as VectorIndex<never>;
  }) as IndexOpener;
}

/** The configuration a space is served with, or a MODEL_UNAVAILABLE that says what to set. */
function configurationOf(
  env: ModelEnv,
  space: Space,
): { version: string; backend: 'flat' | 'vectorize'; encoding: FlatIndexEncoding } {
  const version = space === 'retrieval' ? env.RETRIEVAL_MODEL : env.REGULARITIES_MODEL;
  const variable = space === 'retrieval' ? 'RETRIEVAL_MODEL' : 'REGULARITIES_MODEL';
  if (!version) {
    throw new QueryError(
      'MODEL_UNAVAILABLE',
      `no ${space} model is configured: set ${variable} to an exported version (npm start does this for the demo models)`,
      { space },
    );
  }
  const backend = env.VECTOR_INDEX ?? 'flat';
  if (backend !== 'flat' && backend !== 'vectorize') {
    throw new QueryError(
      'MODEL_UNAVAILABLE',
      `VECTOR_INDEX must be flat or vectorize, got ${JSON.stringify(backend)}`,
      { space },
    );
  }
  const encoding = env.FLAT_INDEX_ENCODING ?? 'float32';
  if (!(FLAT_INDEX_ENCODINGS as readonly string[]).includes(encoding)) {
    throw new QueryError(
      'MODEL_UNAVAILABLE',
      `FLAT_INDEX_ENCODING must be ${FLAT_INDEX_ENCODINGS.join(' or ')}, got ${JSON.stringify(encoding)}`,
      { space },
    );
  }
  return { version, backend, encoding: encoding as FlatIndexEncoding };
}

/** Loads a space and checks that the version is one of that space; any failure is an incident. */
async function loadSpace(
  env: ModelEnv,
  space: Space,
  config: ReturnType<typeof configurationOf>,
): Promise<ModelSpace> {
  try {
    const loaded = await loadModelSpace({
      bucket: env.MODELS,
      version: config.version,
      openIndex:
        config.backend === 'flat' ? flatOpener(env.MODELS, config.encoding) : vectorizeOpener(env),
      withCaptions: SPACE_SERVES[space].kinds.includes('captions'),
      withImageProjection: SPACE_SERVES[space].imageProjection,
    });
    if (loaded.manifest.space !== space) {
      throw new Error(
        `model version ${config.version} is a ${loaded.manifest.space} model, configured as the ${space} one`,
      );
    }
    return loaded;
  } catch (e) {
    throw incidentOf(e);
  }
}

/** Any failure to load, as an incident: its reason for the log, a fresh id for both sides. */
function incidentOf(e: unknown): LoadIncident {
  const reason = e instanceof Error ? e.message : String(e);
  return new LoadIncident(reason, crypto.randomUUID().slice(0, 8));
}

/** Logs a failed attempt once, under its incident id. */
function logFailure(what: string) {
  return (error: unknown, attempts: number, retryInMs: number) => {
    const { reason, incident } =
      error instanceof LoadIncident ? error : { reason: String(error), incident: '-' };
    console.error(
      `[model] incident ${incident}: ${what} failed to load (attempt ${attempts}, next try in ${retryInMs / 1000} s): ${reason}`,
    );
  };
}

/**
 * What a client is told of a space (or its image encoder) that failed to load: no keys, no
 * runtime text.
 */
function unavailable(
  space: Space,
  version: string,
  state: LoaderState<unknown>,
  what = `the ${space} model (version ${version})`,
): QueryError {
  const failure = state.state === 'failed' ? state : undefined;
  const incident = failure?.error instanceof LoadIncident ? failure.error.incident : undefined;
  const retryInSeconds = failure
    ? Math.max(0, Math.ceil((failure.retryAt - Date.now()) / 1000))
    : 0;
  return new QueryError(
    'MODEL_UNAVAILABLE',
    `${what} cannot be served now; it is tried again in ${retryInSeconds} s${incident ? ` (incident ${incident} in the server log)` : ''}`,
    { space, version, retryInSeconds, ...(incident ? { incident } : {}) },
  );
}

/** A space, loaded once per isolate and configuration (see SpaceLoader for the states). */
export async function spaceOf(
  env: ModelEnv,
  space: Space,
  keepAlive?: KeepAlive,
): Promise<ModelSpace> {
  const config = configurationOf(env, space);
  const key = `${config.backend}:${config.encoding}:${space}:${config.version}`;
  let loader = loaders.get(key);
  if (!loader) {
    loader = new SpaceLoader(() => loadSpace(env, space, config), {
      onFailure: logFailure(`the ${space} model ${config.version}`),
    });
    loaders.set(key, loader);
  }
  const current = loader;
  return current.get(keepAlive).catch(() => {
    throw unavailable(space, config.version, current.state);
  });
}

/**
 * The image encoder of a served version, loaded once per isolate when the first picture comes
 * (the search path never holds it), with the same discipline as a space: one load in flight,
 * failures remembered and retried after a backoff, a bad or missing file MODEL_UNAVAILABLE.
 */
export async function imageEncoderOf(
  env: Pick<ModelEnv, 'MODELS'>,
  manifest: ModelManifest,
  keepAlive?: KeepAlive,
): Promise<InferenceSession> {
  const { version, space } = manifest;
  let loader = encoderLoaders.get(version);
  if (!loader) {
    const load = () =>
      loadImageEncoder(env.MODELS, manifest).catch((e) => Promise.reject(incidentOf(e)));
    loader = new SpaceLoader(load, {
      onFailure: logFailure(`the image encoder of the ${space} model ${version}`),
    });
    encoderLoaders.set(version, loader);
  }
  const current = loader;
  return current.get(keepAlive).catch(() => {
    throw unavailable(
      space,
      version,
      current.state,
      `the image encoder of the ${space} model (version ${version})`,
    );
  });
}

/** The services of a request: each space is loaded (or found loaded) when a field needs it. */
export function servicesFor(
  env: ModelEnv,
  timing?: ServerTiming,
  keepAlive?: KeepAlive,
): JointspaceServices {
  return new ModelServices(
    () => spaceOf(env, 'retrieval', keepAlive),
    () => spaceOf(env, 'regularities', keepAlive),
    (manifest) => imageEncoderOf(env, manifest, keepAlive),
    timing,
  );
}
