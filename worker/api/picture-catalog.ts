/**
 * Which pictures exist for the served retrieval version, so that `Image.url` names only pictures
 * the picture route can serve: the version's picture list (`images/<version>.json`, written by
 * seeding after the pictures themselves) is read once per isolate and kept as a set of file
 * names. A missing list means no pictures, and so does a bad one (logged); either is looked at
 * again after a minute, so pictures seeded after the worker started appear without a restart.
 * The catalog never throws: a version without pictures still answers every query.
 */
import { MODEL_VERSION_PATTERN } from '../../core/model-files.ts';
import { parsePictureList, pictureFileProblem } from '../../core/pictures.ts';
import { pictureListKey } from '../../core/r2-layout.ts';
import { SpaceLoader } from '../model/space-loader.ts';

/** What the resolvers ask of a version's pictures. */
export interface PictureLookup {
  /** The model version the pictures belong to (the one their route names). */
  readonly version: string;
  /** Whether the dataset file `file` has a stored picture. */
  has(file: string): Promise<boolean>;
}

export const PICTURE_CATALOG_LIMITS = {
  /** How long a missing or bad list is believed before R2 is asked again. */
  recheckMs: 60_000,
  /**
   * The largest list read (a larger one is a bad list): COCO's 123,287 names take about 4 MB;
   * the set made from a list takes several times the list's size of the isolate's 128 MB.
   */
  maxListBytes: 8 * 1024 * 1024,
} as const;

export interface PictureCatalogOptions {
  /** The clock (milliseconds), for tests. */
  now?: () => number;
  recheckMs?: number;
  maxListBytes?: number;
}

const NO_PICTURES: ReadonlySet<string> = new Set();

/** No list under the key: no pictures yet (not logged: most versions have none). */
class NoPictureList extends Error {}

export class PictureCatalog implements PictureLookup {
  /**
   * The model loader's state machine: one read in flight, shared; a good list kept; a missing
   * or bad one remembered (no pictures) and read again after `recheckMs`.
   */
  private readonly loader: SpaceLoader<ReadonlySet<string>>;
  private readonly maxListBytes: number;

  constructor(
    readonly version: string,
    private readonly bucket: Pick<R2Bucket, 'get'>,
    options: PictureCatalogOptions = {},
  ) {
    const recheckMs = options.recheckMs ?? PICTURE_CATALOG_LIMITS.recheckMs;
    this.maxListBytes = options.maxListBytes ?? PICTURE_CATALOG_LIMITS.maxListBytes;
    const key = pictureListKey(version);
    this.loader = new SpaceLoader(() => this.readList(key), {
      backoff: { firstMs: recheckMs, maxMs: recheckMs },
      ...(options.now ? { now: options.now } : {}),
      onFailure: (e) => {
        if (e instanceof NoPictureList) return;
        console.error(
          `[pictures] the picture list ${key} cannot be used, so no picture is shown; it is read again in ${recheckMs / 1000} s: ${e instanceof Error ? e.message : String(e)}`,
        );
      },
    });
  }

  /**
   * `keepAlive` (the request's ctx.waitUntil) receives a read the call starts or joins, so that a
   * request that ends first cannot strand the read every later caller waits for.
   */
  async has(file: string, keepAlive?: (work: Promise<unknown>) => void): Promise<boolean> {
    return (await this.files(keepAlive)).has(file);
  }

  /** The file names that have a picture (empty while the list is missing or bad). */
  files(keepAlive?: (work: Promise<unknown>) => void): Promise<ReadonlySet<string>> {
    return this.loader.get(keepAlive).catch(() => NO_PICTURES);
  }

  /** The names of a good list; throws NoPictureList when there is none, or why it is unusable. */
  private async readList(key: string): Promise<ReadonlySet<string>> {
    const object = await this.bucket.get(key);
    if (object === null) throw new NoPictureList(key);
    if (object.size > this.maxListBytes) {
      await object.body.cancel();
      throw new Error(`it is ${object.size} bytes, more than ${this.maxListBytes}`);
    }
    const list = parsePictureList(await object.text());
    if (list.version !== this.version) {
      throw new Error(`it names version ${JSON.stringify(list.version)}`);
    }
    // A name the picture route would refuse is left out: a link to it could never load.
    const named = new Set(list.files);
    const files = new Set([...named].filter((file) => pictureFileProblem(file) === null));
    if (files.size < named.size) {
      console.error(
        `[pictures] ${key}: ${named.size - files.size} names are not picture file names and are left out`,
      );
    }
    return files;
  }
}

/** One catalog per served version and isolate. */
const catalogs = new Map<string, PictureCatalog>();

/** The pictures of the served retrieval version, or null when no valid version is configured. */
export function pictureCatalogOf(
  env: Pick<Cloudflare.Env, 'MODELS' | 'RETRIEVAL_MODEL'>,
): PictureCatalog | null {
  const version = env.RETRIEVAL_MODEL;
  if (!version || !MODEL_VERSION_PATTERN.test(version)) return null;
  let catalog = catalogs.get(version);
  if (!catalog) {
    catalog = new PictureCatalog(version, env.MODELS);
    catalogs.set(version, catalog);
  }
  return catalog;
}

/** The served version's pictures as one request looks them up: its reads kept alive by `ctx`. */
export function picturesForRequest(
  env: Pick<Cloudflare.Env, 'MODELS' | 'RETRIEVAL_MODEL'>,
  ctx: Pick<ExecutionContext, 'waitUntil'>,
): PictureLookup | null {
  const catalog = pictureCatalogOf(env);
  if (catalog === null) return null;
  const keepAlive = (work: Promise<unknown>) => ctx.waitUntil(work);
  return { version: catalog.version, has: (file) => catalog.has(file, keepAlive) };
}
