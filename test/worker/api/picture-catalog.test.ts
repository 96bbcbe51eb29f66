import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pictureListKey } from '../../../core/r2-layout.ts';
import {
  PICTURE_CATALOG_LIMITS,
  PictureCatalog,
  type PictureCatalogOptions,
  pictureCatalogOf,
  picturesForRequest,
} from '../../../worker/api/picture-catalog.ts';

const MINUTE = PICTURE_CATALOG_LIMITS.recheckMs;

/** The test's bucket, counting reads; `gate` (when set) holds every read until it resolves. */
function countingBucket() {
  const bucket = {
    reads: 0,
    gate: null as Promise<void> | null,
    async get(key: string) {
      bucket.reads++;
      if (bucket.gate) await bucket.gate;
      return env.MODELS.get(key);
    },
  };
  return bucket;
}

/** A catalog over the counting bucket with a clock the test moves. */
function catalogOf(version: string, options: PictureCatalogOptions = {}) {
  const bucket = countingBucket();
  const clock = { now: 1_000_000 };
  const catalog = new PictureCatalog(version, bucket, { now: () => clock.now, ...options });
  return { catalog, bucket, clock };
}

function putList(version: string, body: unknown): Promise<unknown> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return env.MODELS.put(pictureListKey(version), text);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('PictureCatalog', () => {
  it('knows the files of a good list, read once and kept', async () => {
    await putList('good-list', { version: 'good-list', files: ['a.jpg', 'b c.svg'] });
    const { catalog, bucket, clock } = catalogOf('good-list');
    expect(catalog.version).toBe('good-list');
    expect(await catalog.has('a.jpg')).toBe(true);
    expect(await catalog.has('b c.svg')).toBe(true);
    expect(await catalog.has('c.jpg')).toBe(false);
    clock.now += 24 * 60 * MINUTE;
    expect(await catalog.has('a.jpg')).toBe(true);
    expect(bucket.reads).toBe(1);
  });

  it('has no pictures while the list is missing, and looks again only after the recheck time', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { catalog, bucket, clock } = catalogOf('missing-list');
    expect(await catalog.has('a.jpg')).toBe(false);
    clock.now += MINUTE - 1;
    expect(await catalog.has('a.jpg')).toBe(false);
    expect(bucket.reads).toBe(1);
    clock.now += 1;
    expect(await catalog.has('a.jpg')).toBe(false);
    expect(bucket.reads).toBe(2);
    // Not seeded is not an error: nothing is logged.
    expect(log).not.toHaveBeenCalled();
  });

  it('heals when the list is seeded after the first look', async () => {
    const { catalog, bucket, clock } = catalogOf('seeded-later');
    expect(await catalog.has('a.jpg')).toBe(false);
    await putList('seeded-later', { version: 'seeded-later', files: ['a.jpg'] });
    expect(await catalog.has('a.jpg')).toBe(false);
    clock.now += MINUTE;
    expect(await catalog.has('a.jpg')).toBe(true);
    clock.now += 10 * MINUTE;
    expect(await catalog.has('a.jpg')).toBe(true);
    expect(bucket.reads).toBe(2);
  });

  it.each([
    ['not JSON', '{"version": ', /SyntaxError|JSON|Unexpected/],
    ['not a list', { version: 'bad-list', files: 'a.jpg' }, /file names as strings/],
    ["another version's list", { version: 'v0', files: ['a.jpg'] }, /names version "v0"/],
  ])('logs a bad list (%s), has no pictures, and looks again later', async (_what, body, why) => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    await putList('bad-list', body);
    const { catalog, bucket, clock } = catalogOf('bad-list');
    expect(await catalog.has('a.jpg')).toBe(false);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]?.[0]).toMatch(
      /^\[pictures\] the picture list images\/bad-list\.json cannot be used, so no picture is shown; it is read again in 60 s: /,
    );
    expect(log.mock.calls[0]?.[0]).toMatch(why);
    await putList('bad-list', { version: 'bad-list', files: ['a.jpg'] });
    clock.now += MINUTE;
    expect(await catalog.has('a.jpg')).toBe(true);
    expect(bucket.reads).toBe(2);
  });

  it('refuses a list over the size limit without parsing it', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const list = { version: 'big-list', files: ['a.jpg', 'b.jpg'] };
    await putList('big-list', list);
    const size = JSON.stringify(list).length;
    const { catalog } = catalogOf('big-list', { maxListBytes: size - 1 });
    expect(await catalog.has('a.jpg')).toBe(false);
    expect(log.mock.calls[0]?.[0]).toMatch(`it is ${size} bytes, more than ${size - 1}`);
    const { catalog: roomy } = catalogOf('big-list', { maxListBytes: size });
    expect(await roomy.has('a.jpg')).toBe(true);
  });

  it('leaves out names the picture route would refuse, and says how many', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    await putList('odd-names', {
      version: 'odd-names',
      files: ['a.jpg', '../b.jpg', 'c.exe', 'd%2F.png', 'a.jpg'],
    });
    const { catalog } = catalogOf('odd-names');
    expect(await catalog.has('a.jpg')).toBe(true);
    for (const file of ['../b.jpg', 'c.exe', 'd%2F.png'])
      expect(await catalog.has(file)).toBe(false);
    expect(log).toHaveBeenCalledWith(
      '[pictures] images/odd-names.json: 3 names are not picture file names and are left out',
    );
  });

  it('never throws: a failing read is logged, means no pictures, and is tried again later', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    await putList('flaky', { version: 'flaky', files: ['a.jpg'] });
    let down = true;
    const bucket = {
      get: async (key: string) => {
        if (down) throw new Error('R2 is down');
        return env.MODELS.get(key);
      },
    };
    const clock = { now: 0 };
    const catalog = new PictureCatalog('flaky', bucket, { now: () => clock.now });
    expect(await catalog.has('a.jpg')).toBe(false);
    expect(log.mock.calls[0]?.[0]).toMatch(/R2 is down$/);
    down = false;
    clock.now += MINUTE;
    expect(await catalog.has('a.jpg')).toBe(true);
  });

  it('shares one read among concurrent callers', async () => {
    await putList('busy', { version: 'busy', files: ['a.jpg', 'b.jpg'] });
    const { catalog, bucket } = catalogOf('busy');
    let open = () => {};
    bucket.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const answers = Promise.all(
      Array.from({ length: 20 }, (_, i) => catalog.has(i % 2 === 0 ? 'a.jpg' : 'z.jpg')),
    );
    // Every caller is waiting on the one read the first started.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(bucket.reads).toBe(1);
    open();
    expect(await answers).toEqual(Array.from({ length: 20 }, (_, i) => i % 2 === 0));
    expect(bucket.reads).toBe(1);
  });

  it('shares one read of a missing list too, and then one recheck', async () => {
    const { catalog, bucket, clock } = catalogOf('busy-missing');
    await Promise.all(Array.from({ length: 5 }, () => catalog.has('a.jpg')));
    expect(bucket.reads).toBe(1);
    clock.now += MINUTE;
    await Promise.all(Array.from({ length: 5 }, () => catalog.has('a.jpg')));
    expect(bucket.reads).toBe(2);
  });
});

describe('pictureCatalogOf', () => {
  it('is one catalog per served retrieval version and isolate', () => {
    const first = pictureCatalogOf({ MODELS: env.MODELS, RETRIEVAL_MODEL: 'test-retrieval' });
    expect(first?.version).toBe('test-retrieval');
    expect(pictureCatalogOf({ MODELS: env.MODELS, RETRIEVAL_MODEL: 'test-retrieval' })).toBe(first);
    expect(pictureCatalogOf({ MODELS: env.MODELS, RETRIEVAL_MODEL: 'other' })).not.toBe(first);
  });

  it('is null without a retrieval version, or with one no export makes', () => {
    expect(pictureCatalogOf({ MODELS: env.MODELS })).toBeNull();
    expect(pictureCatalogOf({ MODELS: env.MODELS, RETRIEVAL_MODEL: '' })).toBeNull();
    expect(pictureCatalogOf({ MODELS: env.MODELS, RETRIEVAL_MODEL: '../models' })).toBeNull();
  });
});

describe('picturesForRequest', () => {
  it("hands the list's read to the request's waitUntil, so an ended request cannot strand it", async () => {
    const version = 'kept-alive';
    await putList(version, { version, files: ['a.jpg'] });
    const kept: Promise<unknown>[] = [];
    const lookup = picturesForRequest(
      { MODELS: env.MODELS, RETRIEVAL_MODEL: version },
      { waitUntil: (work) => kept.push(work) },
    );
    expect(lookup?.version).toBe(version);
    expect(await lookup?.has('a.jpg')).toBe(true);
    expect(kept).toHaveLength(1);
    // Once the list is kept, there is no read to keep alive.
    expect(await lookup?.has('b.jpg')).toBe(false);
    expect(kept).toHaveLength(1);
  });

  it('is null where pictureCatalogOf is', () => {
    expect(picturesForRequest({ MODELS: env.MODELS }, { waitUntil: () => undefined })).toBeNull();
  });
});
