import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { r2ObjectsAt } from '../../../cli/local/r2-objects.ts';
import {
  LOCAL_BUCKET,
  type LocalServeOptions,
  prepareLocalWorker,
  runLocalWorker,
  servedVars,
  servingBanner,
} from '../../../cli/local/serve-versions.ts';
import { readVersionPair, type VersionPair } from '../../../cli/local/version-pair.ts';
import { PICTURE_LIMITS, parsePictureList } from '../../../core/pictures.ts';
import { readLocalBucket } from '../../support/local-bucket.ts';
import { exportTinyVersions } from '../../support/tiny-versions.ts';

/**
 * What `npm start` and `jointspace serve` share, short of starting wrangler dev (test/cli/local/
 * serve.test.ts and the browser test start it): the bucket seeded from a real exported pair and
 * the demo world's SVG pictures, into a state folder of each case's own, and what is printed.
 */

let root: string;
let pair: VersionPair;
let worldImages: string;
let cases = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jointspace-serve-versions-'));
  const tiny = await exportTinyVersions(join(root, 'tiny'));
  worldImages = join(root, 'tiny', 'world', 'images');
  pair = await readVersionPair({
    retrieval: join(tiny.artifacts, tiny.retrieval.version),
    regularities: join(tiny.artifacts, tiny.regularities.version),
  });
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Options for one case: its own state folder, the log kept in `lines`. */
function optionsFor(lines: string[], more: Partial<LocalServeOptions> = {}): LocalServeOptions {
  return {
    pair,
    encoding: 'float32',
    port: 8787,
    stateDir: join(root, `state-${++cases}`),
    showOutput: false,
    log: (line) => lines.push(line),
    ...more,
  };
}

function bucketOf(options: LocalServeOptions) {
  if (options.stateDir === undefined) throw new Error('each case has its own state folder');
  return readLocalBucket(options.stateDir, LOCAL_BUCKET);
}

/** The keys of both versions' model files, as r2ObjectsAt names them. */
async function modelKeys(encoding: LocalServeOptions['encoding']): Promise<string[]> {
  return [
    ...(await r2ObjectsAt(pair.retrieval.dir, encoding)),
    ...(await r2ObjectsAt(pair.regularities.dir, encoding)),
  ].map((o) => o.key);
}

describe('servingBanner', () => {
  it('names the page, GraphiQL and both versions with what each answers', () => {
    const banner = servingBanner('http://127.0.0.1:9000', pair);
    expect(banner).toContain('Search page  http://127.0.0.1:9000/\n');
    expect(banner).toContain('GraphiQL     http://127.0.0.1:9000/graphql\n');
    expect(banner).toContain(
      `${pair.retrieval.manifest.version} (retrieval: search, annotate, similar)`,
    );
    expect(banner).toContain(`${pair.regularities.manifest.version} (regularities: analogy)`);
    expect(banner).toContain('Ctrl-C stops it.');
  });

  it("gives examples that run as they are, on the version's own first image", () => {
    const banner = servingBanner('http://127.0.0.1:9000', pair);
    expect(banner).toContain(`similar(imageId: ${JSON.stringify(pair.retrieval.imageFiles[0])}`);
    expect(banner).toContain("curl -s http://127.0.0.1:9000/graphql -H 'content-type:");
  });
});

describe('servedVars', () => {
  it("names both versions and the vectors' encoding, as the worker reads them", () => {
    expect(servedVars(optionsFor([], { encoding: 'int8' }))).toEqual({
      RETRIEVAL_MODEL: pair.retrieval.manifest.version,
      REGULARITIES_MODEL: pair.regularities.manifest.version,
      FLAT_INDEX_ENCODING: 'int8',
    });
  });
});

describe('prepareLocalWorker', () => {
  it('seeds both versions and the GraphiQL page, and no pictures without a folder', async () => {
    const lines: string[] = [];
    const options = optionsFor(lines);
    await prepareLocalWorker(options);
    const bucket = await bucketOf(options);
    expect(Object.keys(bucket).sort()).toEqual(
      [...(await modelKeys('float32')), 'static/graphiql.html'].sort(),
    );
    expect(bucket['static/graphiql.html']?.contentType).toBe('text/html');
    expect(lines[0]).toBe('Seeding the local R2 bucket (float32 vectors) ...');
    expect(lines.at(-1)).toBe('Building the web page ...');
    expect(lines.filter((l) => l.startsWith('Pictures:'))).toEqual([]);
  });

  it('seeds the pictures there are, saying how many images have none and what was left out', async () => {
    const dir = join(root, 'some-pictures');
    await mkdir(dir);
    const files = pair.retrieval.imageFiles;
    for (const file of files.slice(0, 3)) await cp(join(worldImages, file), join(dir, file));
    const big = files[3] ?? '';
    await writeFile(join(dir, big), new Uint8Array(PICTURE_LIMITS.maxPictureBytes + 1));
    const lines: string[] = [];
    const options = optionsFor(lines, { picturesDir: dir });
    await prepareLocalWorker(options);
    const version = pair.retrieval.manifest.version;
    const bucket = await bucketOf(options);
    expect(Object.keys(bucket).filter((k) => k.startsWith(`images/${version}/`))).toEqual(
      files.slice(0, 3).map((file) => `images/${version}/${file}`),
    );
    expect(lines).toContain(
      `Pictures: 3 of the ${files.length} images have one in ${dir} (${files.length - 4} without: they answer, with no picture)`,
    );
    expect(lines).toContain(
      `  left out ${big}: larger than ${PICTURE_LIMITS.maxPictureBytes} bytes`,
    );
  });

  it('refuses a pictures folder that does not exist before seeding anything', async () => {
    const options = optionsFor([], { picturesDir: join(root, 'no-pictures') });
    await expect(prepareLocalWorker(options)).rejects.toThrow(
      `the pictures folder ${join(root, 'no-pictures')} does not exist`,
    );
    expect(existsSync(options.stateDir ?? '')).toBe(false);
  });
});

describe('runLocalWorker', () => {
  it('with noServe, seeds every picture with their list and says what would be served', async () => {
    const printed = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const lines: string[] = [];
    const options = optionsFor(lines, { encoding: 'int8', picturesDir: worldImages });
    await runLocalWorker(options, true);
    const { retrieval, regularities } = pair;
    expect(printed.mock.calls).toEqual([
      [
        `Ready to serve: RETRIEVAL_MODEL=${retrieval.manifest.version} REGULARITIES_MODEL=${regularities.manifest.version} FLAT_INDEX_ENCODING=int8`,
      ],
    ]);
    const bucket = await bucketOf(options);
    const version = retrieval.manifest.version;
    const files = retrieval.imageFiles;
    const pictureKeys = [
      ...files.map((file) => `images/${version}/${file}`),
      `images/${version}.json`,
    ];
    expect(Object.keys(bucket).sort()).toEqual(
      [...(await modelKeys('int8')), ...pictureKeys, 'static/graphiql.html'].sort(),
    );
    const list = bucket[`images/${version}.json`];
    expect(list?.contentType).toBe('application/json');
    expect(parsePictureList(new TextDecoder().decode(list?.bytes))).toEqual({ version, files });
    expect(bucket[`images/${version}/${files[0]}`]).toEqual({
      bytes: new Uint8Array(await readFile(join(worldImages, files[0] ?? ''))),
      contentType: 'image/svg+xml',
    });
    expect(lines).toContain(
      `Pictures: ${files.length} of the ${files.length} images have one in ${worldImages}`,
    );
  });
});
