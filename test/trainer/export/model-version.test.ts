import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JointspaceFormatError } from '../../../core/errors.ts';
import type { ManifestFile, ModelManifest } from '../../../core/manifest.ts';
import { MODEL_FILES } from '../../../core/model-files.ts';
import { manifestOf } from '../../../trainer/export/manifest-of.ts';
import {
  checkVersionName,
  contentHash,
  defaultVersion,
  fileEntryAt,
  fileEntryOf,
  installVersion,
  readModelVersion,
  slug,
} from '../../../trainer/export/model-version.ts';
import { sampleFileContents, sampleManifestFacts } from '../../support/manifest-facts.ts';

const SHA_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const SHA_EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

let root: string;
let folders = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jointspace-model-version-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh path under the test's temp folder (not created). */
function freshPath(stem: string): string {
  return join(root, `${stem}-${folders++}`);
}

/**
 * A complete model version folder: every listed file and a manifest that lists them. `variant`
 * changes the captions' content, so two variants hold different files.
 */
async function writeVersion(dir: string, variant = ''): Promise<ModelManifest> {
  const contents = sampleFileContents();
  contents[MODEL_FILES.captions] = new TextEncoder().encode(`captions ${variant}\n`);
  const files: Record<string, ManifestFile> = {};
  for (const [name, bytes] of Object.entries(contents)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), bytes);
    files[name] = fileEntryOf(bytes);
  }
  const manifest = manifestOf(sampleManifestFacts(files));
  await writeFile(join(dir, MODEL_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

async function manifestAt(dir: string): Promise<ModelManifest> {
  return JSON.parse(await readFile(join(dir, MODEL_FILES.manifest), 'utf8')) as ModelManifest;
}

describe('fileEntryOf', () => {
  it('gives the size and the SHA-256 in lowercase hex', () => {
    expect(fileEntryOf(new TextEncoder().encode('abc'))).toEqual({ bytes: 3, sha256: SHA_ABC });
    expect(fileEntryOf(new Uint8Array(0))).toEqual({ bytes: 0, sha256: SHA_EMPTY });
  });
});

describe('fileEntryAt', () => {
  it('streams a file of many chunks to the same entry as its bytes in memory', async () => {
    // 200 kB: more than three of the stream's 64 KiB chunks.
    const bytes = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31 + (i >> 8)) & 255);
    const path = freshPath('big.bin');
    await writeFile(path, bytes);
    expect(await fileEntryAt(path)).toEqual(fileEntryOf(bytes));
    expect((await fileEntryAt(path)).bytes).toBe(200_000);
  });

  it('reads an empty file as 0 bytes, and refuses a missing one', async () => {
    const path = freshPath('empty.bin');
    await writeFile(path, '');
    expect(await fileEntryAt(path)).toEqual({ bytes: 0, sha256: SHA_EMPTY });
    await expect(fileEntryAt(freshPath('missing.bin'))).rejects.toThrow(/ENOENT/);
  });
});

describe('slug', () => {
  it('keeps lowercase letters and digits, with single dashes between runs', () => {
    expect(slug('Flickr 8k (v2)!')).toBe('flickr-8k-v2');
    expect(slug('--jointspace__demo--')).toBe('jointspace-demo');
    expect(slug('Café Noir')).toBe('caf-noir');
    expect(slug('***')).toBe('');
    expect(slug('')).toBe('');
  });
});

describe('contentHash', () => {
  const a = { bytes: 1, sha256: 'a'.repeat(64) };
  const b = { bytes: 2, sha256: 'b'.repeat(64) };

  it('is the same for the same files, whatever order they are listed in', () => {
    const hash = contentHash({ 'vocab.json': b, 'images.ndjson': a }, 'retrieval');
    expect(contentHash({ 'images.ndjson': a, 'vocab.json': b }, 'retrieval')).toBe(hash);
    // Pinned: a re-export must give the same version name in any later release.
    expect(hash).toBe('a9b5ece9634501cb3d6e521673a85176077d709bcabdf8ccd4753b3ea3dc6876');
  });

  it('changes with the space, a file content or a file name', () => {
    const hash = contentHash({ 'vocab.json': b, 'images.ndjson': a }, 'retrieval');
    const others = [
      contentHash({ 'vocab.json': b, 'images.ndjson': a }, 'regularities'),
      contentHash({ 'vocab.json': a, 'images.ndjson': a }, 'retrieval'),
      contentHash({ 'vocab.json': b, 'captions.ndjson': a }, 'retrieval'),
      contentHash({ 'vocab.json': b }, 'retrieval'),
    ];
    for (const other of others) {
      expect(other).toMatch(/^[0-9a-f]{64}$/);
      expect(other).not.toBe(hash);
    }
    expect(new Set(others).size).toBe(others.length);
  });
});

describe('defaultVersion', () => {
  const parts = {
    encoder: 'lstm',
    dimension: 256,
    data: 'jointspace-demo',
    precision: 'float32',
    hash: '3fa2c1d9e8b7a6f5',
  };

  it('names the encoder, dimension, data, precision and the first 8 digits of the hash', () => {
    expect(defaultVersion(parts)).toBe('lstm256-jointspace-demo-f32-3fa2c1d9');
    expect(defaultVersion({ ...parts, precision: 'float16' })).toBe(
      'lstm256-jointspace-demo-f16-3fa2c1d9',
    );
    expect(defaultVersion({ ...parts, encoder: 'bow', dimension: 1024, precision: 'int8' })).toBe(
      'bow1024-jointspace-demo-i8-3fa2c1d9',
    );
  });

  it('slugs the data name and an unknown precision', () => {
    expect(defaultVersion({ ...parts, data: 'Flickr 8k', precision: 'BFloat 16' })).toBe(
      'lstm256-flickr-8k-bfloat-16-3fa2c1d9',
    );
  });

  it('leaves the data out when nothing of its name is usable', () => {
    expect(defaultVersion({ ...parts, data: '???' })).toBe('lstm256-f32-3fa2c1d9');
  });

  it('cuts a long data name so that the version fits in 63 characters, without a dangling dash', () => {
    const data = 'A Very Long Dataset Name That Goes On And On Forever And Ever Amen 2024';
    const long = defaultVersion({ ...parts, dimension: 1024, data });
    expect(long).toBe('lstm1024-a-very-long-dataset-name-that-goes-on-and-f32-3fa2c1d9');
    expect(long).toHaveLength(63);
    expect(() => checkVersionName(long)).not.toThrow();
    // One character more room: the cut falls just after "and-", and that dash goes.
    expect(defaultVersion({ ...parts, data })).toBe(
      'lstm256-a-very-long-dataset-name-that-goes-on-and-f32-3fa2c1d9',
    );
  });
});

describe('checkVersionName', () => {
  it('accepts 1 to 63 lowercase letters, digits and dashes, starting with a letter or digit', () => {
    for (const name of ['my-model', 'a', '0-first', 'lstm256-demo-f32-3fa2c1d9', 'a'.repeat(63)])
      expect(() => checkVersionName(name)).not.toThrow();
  });

  it('refuses anything else, quoting the name', () => {
    for (const name of ['My Model!', '', '-model', 'a'.repeat(64), 'model_1', 'módel', 'a/b']) {
      expect(() => checkVersionName(name)).toThrow(
        `model version ${JSON.stringify(name)} must be 1-63 lowercase letters, digits and dashes, starting with a letter or digit`,
      );
    }
  });
});

describe('readModelVersion', () => {
  it('returns the manifest of a folder whose files all match it', async () => {
    const dir = freshPath('version');
    const manifest = await writeVersion(dir);
    expect(await readModelVersion(dir)).toEqual(manifest);
  });

  it('refuses a folder without a manifest', async () => {
    const dir = freshPath('empty');
    await mkdir(dir);
    await expect(readModelVersion(dir)).rejects.toThrow(
      `${dir} has no manifest.json: not a model version folder`,
    );
  });

  it('refuses a manifest that is not JSON, naming the file', async () => {
    const dir = freshPath('torn-manifest');
    await writeVersion(dir);
    await writeFile(join(dir, MODEL_FILES.manifest), '{"format": "jointspace-mo');
    await expect(readModelVersion(dir)).rejects.toThrow(
      new RegExp(`^${join(dir, MODEL_FILES.manifest)} is not valid JSON \\(`),
    );
  });

  it('refuses a manifest that core/ does not accept', async () => {
    const dir = freshPath('bad-manifest');
    const manifest = await writeVersion(dir);
    await writeFile(
      join(dir, MODEL_FILES.manifest),
      JSON.stringify({ ...manifest, format: 'other' }),
    );
    const read = readModelVersion(dir);
    await expect(read).rejects.toThrow(JointspaceFormatError);
    await expect(read).rejects.toThrow(/manifest\.json: format must be "jointspace-model"/);
  });

  it('names the folder and the file that is missing, truncated or changed', async () => {
    const dir = freshPath('damaged');
    const manifest = await writeVersion(dir);
    const captions = join(dir, MODEL_FILES.captions);
    const size = manifest.files[MODEL_FILES.captions]?.bytes as number;

    // Same size, other content: only the checksum can tell.
    const original = await readFile(captions);
    await writeFile(captions, Buffer.from(original).reverse());
    await expect(readModelVersion(dir)).rejects.toThrow(
      `${dir}: captions.ndjson does not match the manifest: its SHA-256 differs`,
    );

    await truncate(captions, 3);
    await expect(readModelVersion(dir)).rejects.toThrow(
      `${dir}: captions.ndjson does not match the manifest: 3 bytes, not ${size}`,
    );

    await rm(join(dir, 'flat', 'images.int8.bin'));
    await writeFile(captions, original);
    await expect(readModelVersion(dir)).rejects.toThrow(
      `${dir}: flat/images.int8.bin is listed in the manifest but missing`,
    );

    // A vocabulary replaced by another of a different size; reading removes nothing.
    await writeFile(
      join(dir, 'flat', 'images.int8.bin'),
      sampleFileContents()['flat/images.int8.bin'] as Uint8Array,
    );
    await writeFile(join(dir, MODEL_FILES.vocabulary), '{}\n');
    await expect(readModelVersion(dir)).rejects.toThrow(/vocab\.json does not match the manifest/);
    expect(existsSync(join(dir, MODEL_FILES.manifest))).toBe(true);
  });
});

describe('installVersion', () => {
  it('moves the staging folder into place when nothing is there', async () => {
    const staging = freshPath('staging');
    const target = freshPath('target');
    const manifest = await writeVersion(staging);
    expect(await installVersion(staging, target, manifest.files, false)).toBe(true);
    expect(existsSync(staging)).toBe(false);
    expect(await readModelVersion(target)).toEqual(manifest);
  });

  it('keeps an existing folder with the same files, and drops the staging folder', async () => {
    const target = freshPath('target');
    const first = await writeVersion(target);
    const staging = freshPath('staging');
    const again = await writeVersion(staging);
    await writeFile(join(staging, 'marker.txt'), 'from the repeat');
    expect(await installVersion(staging, target, again.files, false)).toBe(false);
    expect(existsSync(staging)).toBe(false);
    expect(existsSync(join(target, 'marker.txt'))).toBe(false);
    expect(await manifestAt(target)).toEqual(first);
  });

  it('refuses to replace a folder with different files unless forced', async () => {
    const target = freshPath('target');
    const old = await writeVersion(target, 'old');
    const staging = freshPath('staging');
    const next = await writeVersion(staging, 'new');
    await expect(installVersion(staging, target, next.files, false)).rejects.toThrow(
      `${target} already exists and holds different files; choose another --version, or pass --force to replace it`,
    );
    expect(await readModelVersion(target)).toEqual(old);

    expect(await installVersion(staging, target, next.files, true)).toBe(true);
    expect(existsSync(staging)).toBe(false);
    expect(await readModelVersion(target)).toEqual(next);
  });

  it('treats a damaged or foreign folder as different: only force replaces it', async () => {
    // A copy of the very same version, but with a file damaged on disk.
    const damaged = freshPath('target');
    const manifest = await writeVersion(damaged);
    await writeFile(join(damaged, MODEL_FILES.vocabulary), '{}\n');
    // A folder that is not a model version at all.
    const foreign = freshPath('target');
    await mkdir(foreign);
    await writeFile(join(foreign, 'notes.txt'), 'mine');

    for (const target of [damaged, foreign]) {
      const staging = freshPath('staging');
      const fresh = await writeVersion(staging);
      await expect(installVersion(staging, target, manifest.files, false)).rejects.toThrow(
        /already exists and holds different files/,
      );
      expect(await installVersion(staging, target, manifest.files, true)).toBe(true);
      expect(await readModelVersion(target)).toEqual(fresh);
      expect(existsSync(join(target, 'notes.txt'))).toBe(false);
    }
  });
});
