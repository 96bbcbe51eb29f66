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

/** One look at the list: the names found, and whether they are final (a good list). */
interface Look {
  files: ReadonlySet<string>;
  final: boolean;
  at: number;
}

const NO_PICTURES: ReadonlySet<string> = new Set();

export class PictureCatalog implements PictureLookup {
  private last: Look | null = null;
  /** The read in flight, which every caller meanwhile shares. */
  private reading: Promise<ReadonlySet<string>> | null = null;
  private readonly now: () => number;
  private readonly recheckMs: number;
  private readonly maxListBytes: number;

  constructor(
    readonly version: string,
    private readonly bucket: Pick<R2Bucket, 'get'>,
    options: PictureCatalogOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.recheckMs = options.recheckMs ?? PICTURE_CATALOG_LIMITS.recheckMs;
    this.maxListBytes = options.maxListBytes ?? PICTURE_CATALOG_LIMITS.maxListBytes;
  }

  async has(file: string): Promise<boolean> {
    return (await this.files()).has(file);
  }

  /** The file names that have a picture (empty while the list is missing or bad). */
  files(): Promise<ReadonlySet<string>> {
    const last = this.last;
    if (last !== null && (last.final || this.now() - last.at < this.recheckMs)) {
      return Promise.resolve(last.files);
    }
    this.reading ??= this.look().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async look(): Promise<ReadonlySet<string>> {
    const key = pictureListKey(this.version);
    let look: Look;
    try {
      const files = await this.readList(key);
      look = { files: files ?? NO_PICTURES, final: files !== null, at: this.now() };
    } catch (e) {
      console.error(
        `[pictures] the picture list ${key} cannot be used, so no picture is shown; it is read again in ${this.recheckMs / 1000} s: ${e instanceof Error ? e.message : String(e)}`,
      );
      look = { files: NO_PICTURES, final: false, at: this.now() };
    }
    this.last = look;
    return look.files;
  }

  /** The names of a good list; null when there is no list; throws when it cannot be used. */
  private async readList(key: string): Promise<ReadonlySet<string> | null> {
    const object = await this.bucket.get(key);
    if (object === null) return null;
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
