import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  pairProblem,
  readVersionPair,
  type ServedVersion,
  VersionPairError,
} from '../../../cli/local/version-pair.ts';
import type { ModelManifest } from '../../../core/manifest.ts';
import { exportTinyVersions, type TinyVersions } from '../../support/tiny-versions.ts';

/**
 * The two versions `jointspace serve` is given: each a model version folder of its space, whose
 * files match its manifest, and together a pair (the same data, splits and images). Read from a
 * real exported pair (test/support/tiny-versions.ts) and copies of it changed per case.
 */

let root: string;
let tiny: TinyVersions;
let dirs: { retrieval: string; regularities: string };
let cases = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jointspace-version-pair-'));
  tiny = await exportTinyVersions(join(root, 'tiny'));
  dirs = {
    retrieval: join(tiny.artifacts, tiny.retrieval.version),
    regularities: join(tiny.artifacts, tiny.regularities.version),
  };
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A copy of a version folder, for one case to change. */
async function copyOf(dir: string): Promise<string> {
  const copy = join(root, `copy-${++cases}`);
  await cp(dir, copy, { recursive: true });
  return copy;
}

/** Reads the pair and returns its refusal, failing the test when there is none. */
async function refusal(given: { retrieval: string; regularities: string }): Promise<Error> {
  const error = await readVersionPair(given).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VersionPairError);
  return error as Error;
}

describe('readVersionPair', () => {
  it('reads a retrieval and a regularities version of the same data', async () => {
    const pair = await readVersionPair(dirs);
    expect(pair.retrieval.dir).toBe(dirs.retrieval);
    expect(pair.retrieval.manifest).toEqual(tiny.retrieval);
    expect(pair.regularities.dir).toBe(dirs.regularities);
    expect(pair.regularities.manifest).toEqual(tiny.regularities);
    expect(pair.retrieval.imageFiles).toHaveLength(tiny.retrieval.vectors.images.count);
    expect(pair.regularities.imageFiles).toEqual(pair.retrieval.imageFiles);
  });

  it('refuses a folder that does not exist, naming the flag and the folder', async () => {
    const missing = join(root, 'no-such-version');
    expect((await refusal({ ...dirs, retrieval: missing })).message).toBe(
      `--retrieval: the folder ${missing} does not exist`,
    );
    expect((await refusal({ ...dirs, regularities: missing })).message).toBe(
      `--regularities: the folder ${missing} does not exist`,
    );
  });

  it('refuses a file given as a folder', async () => {
    const file = join(dirs.retrieval, 'manifest.json');
    expect((await refusal({ ...dirs, regularities: file })).message).toBe(
      `--regularities: ${file} is not a folder`,
    );
  });

  it('refuses a folder without manifest.json, saying what to give', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty, { recursive: true });
    expect((await refusal({ ...dirs, regularities: empty })).message).toBe(
      `--regularities: ${empty} has no manifest.json; give an exported model version folder (artifacts/<version>)`,
    );
  });

  it('refuses a version of the other space, both ways', async () => {
    const swapped = { retrieval: dirs.regularities, regularities: dirs.retrieval };
    expect((await refusal(swapped)).message).toBe(
      `--retrieval: ${tiny.regularities.version} is a regularities version; --retrieval takes a retrieval one`,
    );
    expect((await refusal({ ...dirs, regularities: dirs.retrieval })).message).toBe(
      `--regularities: ${tiny.retrieval.version} is a retrieval version; --regularities takes a regularities one`,
    );
  });

  it('refuses a version whose file does not match its manifest, naming the flag and file', async () => {
    const damaged = await copyOf(dirs.regularities);
    const vocab = join(damaged, 'vocab.json');
    const bytes = await readFile(vocab);
    bytes[10] = (bytes[10] ?? 0) ^ 1; // one bit of one byte, the size unchanged
    await writeFile(vocab, bytes);
    expect((await refusal({ ...dirs, regularities: damaged })).message).toBe(
      `--regularities: ${damaged}: vocab.json does not match the manifest: its SHA-256 differs (changed, or a file of another version)`,
    );
  });

  it('refuses a manifest that is not JSON, naming the flag', async () => {
    const broken = await copyOf(dirs.retrieval);
    await writeFile(join(broken, 'manifest.json'), '{ not json');
    const { message } = await refusal({ ...dirs, retrieval: broken });
    expect(message).toMatch(/^--retrieval: .*manifest\.json is not valid JSON/);
  });

  it('refuses two versions that are not a pair, saying why', async () => {
    const other = await copyOf(dirs.regularities);
    const manifest = JSON.parse(await readFile(join(other, 'manifest.json'), 'utf8'));
    manifest.data.name = 'flickr8k';
    await writeFile(join(other, 'manifest.json'), JSON.stringify(manifest));
    const { data } = tiny.retrieval;
    expect((await refusal({ ...dirs, regularities: other })).message).toBe(
      `not a pair: ${tiny.retrieval.version} and ${tiny.regularities.version} were trained on different data: ` +
        `${data.name} (${data.format}, ${data.source}) and flickr8k (${data.format}, ${data.source})`,
    );
  });
});

describe('pairProblem', () => {
  let retrieval: ServedVersion;
  let regularities: ServedVersion;
  let names: string;

  beforeAll(async () => {
    ({ retrieval, regularities } = await readVersionPair(dirs));
    names = `${retrieval.manifest.version} and ${regularities.manifest.version}`;
  });

  /** The regularities version with its manifest changed. */
  function regularitiesWith(change: (m: ModelManifest) => ModelManifest): ServedVersion {
    return { ...regularities, manifest: change(structuredClone(regularities.manifest)) };
  }

  it('finds none in a real pair', () => {
    expect(pairProblem(retrieval, regularities)).toBeNull();
  });

  it('names data of another name, format or source', () => {
    const cases: [Partial<ModelManifest['data']>, string][] = [
      [{ name: 'coco' }, 'coco (demo, world)'],
      [{ format: 'karpathy' }, 'jointspace-demo (karpathy, world)'],
      [{ source: 'world2' }, 'jointspace-demo (demo, world2)'],
    ];
    for (const [data, shown] of cases) {
      const other = regularitiesWith((m) => ({ ...m, data: { ...m.data, ...data } }));
      expect(pairProblem(retrieval, other)).toBe(
        `${names} were trained on different data: jointspace-demo (demo, world) and ${shown}`,
      );
    }
  });

  it('names different splits, or the same in another order', () => {
    for (const splits of [
      ['train', 'val'],
      ['test', 'val', 'train'],
    ]) {
      const other = regularitiesWith((m) => ({ ...m, vectors: { ...m.vectors, splits } }));
      expect(pairProblem(retrieval, other)).toBe(
        `${names} hold different splits: train, val, test and ${splits.join(', ')}`,
      );
    }
  });

  it('names different numbers of images, or of captions', () => {
    const { images, captions } = regularities.manifest.vectors;
    const fewerImages = regularitiesWith((m) => {
      m.vectors.images.count = images.count - 1;
      return m;
    });
    expect(pairProblem(retrieval, fewerImages)).toBe(
      `${names} hold different numbers of images: ${images.count} and ${images.count - 1}`,
    );
    const moreCaptions = regularitiesWith((m) => {
      m.vectors.captions.count = captions.count + 5;
      return m;
    });
    expect(pairProblem(retrieval, moreCaptions)).toBe(
      `${names} hold different numbers of captions: ${captions.count} and ${captions.count + 5}`,
    );
  });

  it('names the first row where the images differ', () => {
    const files = [...regularities.imageFiles];
    [files[3], files[4]] = [files[4] ?? '', files[3] ?? ''];
    const reordered = { ...regularities, imageFiles: files };
    expect(pairProblem(retrieval, reordered)).toBe(
      `${names} hold different images: row 3 is ${retrieval.imageFiles[3]} in one and ${retrieval.imageFiles[4]} in the other`,
    );
  });

  it('checks the data first, then the splits, the counts and the images', () => {
    const everything = {
      ...regularitiesWith((m) => {
        m.data.name = 'coco';
        m.vectors.splits = ['test'];
        m.vectors.images.count = 1;
        return m;
      }),
      imageFiles: ['x.jpg'],
    };
    expect(pairProblem(retrieval, everything)).toMatch(/were trained on different data/);
  });
});
