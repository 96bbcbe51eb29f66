import { cp, mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageFilesOf, versionPictures } from '../../../cli/local/pictures.ts';
import type { SeedBytes, SeedObject } from '../../../cli/local/seed-r2.ts';
import { encodeFlatIndex, type FlatIndexRecord } from '../../../core/flat-index.ts';
import type { ModelManifest } from '../../../core/manifest.ts';
import { flatIndexFile } from '../../../core/model-files.ts';
import { PICTURE_LIMITS, parsePictureList } from '../../../core/pictures.ts';
import { exportTinyVersions, type TinyVersions } from '../../support/tiny-versions.ts';

/**
 * A version's pictures for the local bucket, from a real exported version and the demo world's
 * SVG pictures (test/support/tiny-versions.ts), and from small folders made per case.
 */

let root: string;
let tiny: TinyVersions;
let worldImages: string;
let imageFiles: string[];
let cases = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jointspace-pictures-'));
  tiny = await exportTinyVersions(join(root, 'tiny'));
  worldImages = join(root, 'tiny', 'world', 'images');
  imageFiles = await imageFilesOf(join(tiny.artifacts, tiny.retrieval.version), tiny.retrieval);
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh folder for one case, holding the given files (name -> content). */
async function folderWith(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = join(root, `case-${++cases}`);
  await mkdir(dir);
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

/** A fresh folder holding the first `count` of the demo world's pictures. */
async function worldPictures(count: number): Promise<string> {
  const dir = await folderWith({});
  for (const file of imageFiles.slice(0, count)) {
    await cp(join(worldImages, file), join(dir, file));
  }
  return dir;
}

function listObject(objects: SeedObject[]): SeedBytes {
  const last = objects.at(-1);
  if (last === undefined || !('bytes' in last)) throw new Error('the list is not last');
  return last;
}

const VERSION = 'v-pictures';

describe('imageFilesOf', () => {
  it("reads the images' file names in index order, the same in both spaces", async () => {
    expect(imageFiles).toHaveLength(tiny.retrieval.vectors.images.count);
    expect([...imageFiles].sort()).toEqual((await readdir(worldImages)).sort());
    expect(imageFiles.slice(0, 2)).toEqual(['demo_000000.svg', 'demo_000001.svg']);
    const regularities = join(tiny.artifacts, tiny.regularities.version);
    expect(await imageFilesOf(regularities, tiny.regularities)).toEqual(imageFiles);
  });

  it('refuses a version without a flat image index, naming the folder', async () => {
    const { flat: _, ...images } = tiny.retrieval.vectors.images;
    const manifest: ModelManifest = {
      ...tiny.retrieval,
      vectors: { ...tiny.retrieval.vectors, images },
    };
    await expect(imageFilesOf('/some/version', manifest)).rejects.toThrow(
      '/some/version: the version has no flat image index (export it again)',
    );
  });

  it('refuses an index whose image has no file name, naming the image', async () => {
    const dir = await folderWith({});
    await mkdir(join(dir, 'flat'));
    const records: FlatIndexRecord<Record<string, string>>[] = [
      { id: 'a', values: [1, 0], metadata: { file: 'a.svg' } },
      { id: 'b', values: [0, 1], metadata: { split: 'test' } },
    ];
    await writeFile(
      join(dir, flatIndexFile('images', 'float32')),
      encodeFlatIndex({ version: VERSION, dimension: 2, records }, 'float32'),
    );
    await expect(imageFilesOf(dir, tiny.retrieval)).rejects.toThrow(`${dir}: image b has no file`);
  });
});

describe('versionPictures', () => {
  it('stores every picture under images/<version>/<file>, with its type, the list last', async () => {
    const dir = await worldPictures(imageFiles.length);
    const pictures = await versionPictures(VERSION, imageFiles, dir);
    expect(pictures.missing).toBe(0);
    expect(pictures.refused).toEqual([]);
    expect(pictures.list).toEqual({ version: VERSION, files: imageFiles });
    expect(pictures.objects.slice(0, -1)).toEqual(
      imageFiles.map((file) => ({
        key: `images/${VERSION}/${file}`,
        path: join(dir, file),
        contentType: 'image/svg+xml',
      })),
    );
    const list = listObject(pictures.objects);
    expect(list.key).toBe(`images/${VERSION}.json`);
    expect(list.contentType).toBe('application/json');
    expect(parsePictureList(new TextDecoder().decode(list.bytes))).toEqual(pictures.list);
  });

  it('counts the images without a picture, and lists only those stored', async () => {
    const dir = await worldPictures(10);
    const pictures = await versionPictures(VERSION, imageFiles, dir);
    expect(pictures.missing).toBe(imageFiles.length - 10);
    expect(pictures.refused).toEqual([]);
    expect(pictures.list.files).toEqual(imageFiles.slice(0, 10));
    expect(pictures.objects.map((o) => o.key)).toEqual([
      ...imageFiles.slice(0, 10).map((file) => `images/${VERSION}/${file}`),
      `images/${VERSION}.json`,
    ]);
  });

  it('leaves out files of the folder that are not images of the version', async () => {
    const dir = await folderWith({
      'a.jpg': 'A',
      'other.png': 'not an image of the version',
      'notes.txt': 'hello',
    });
    await mkdir(join(dir, 'b.png')); // a folder named as an image is no picture
    const pictures = await versionPictures(VERSION, ['a.jpg', 'b.png'], dir);
    expect(pictures.list.files).toEqual(['a.jpg']);
    expect(pictures.missing).toBe(1);
    expect(pictures.objects.map((o) => o.key)).toEqual([
      `images/${VERSION}/a.jpg`,
      `images/${VERSION}.json`,
    ]);
  });

  it('stores an image named twice once', async () => {
    const dir = await folderWith({ 'a.jpg': 'A' });
    const pictures = await versionPictures(VERSION, ['a.jpg', 'a.jpg', 'gone.jpg'], dir);
    expect(pictures.list.files).toEqual(['a.jpg']);
    expect(pictures.missing).toBe(1);
    expect(pictures.objects).toHaveLength(2);
  });

  it('serves each kind of picture with its content type, by extension', async () => {
    const files = ['a.jpg', 'b.JPEG', 'c.png', 'd.webp', 'e.gif', 'f.avif', 'g.svg'];
    const dir = await folderWith(Object.fromEntries(files.map((f) => [f, f])));
    const pictures = await versionPictures(VERSION, files, dir);
    expect(pictures.objects.map((o) => [o.key.split('/').at(-1), o.contentType])).toEqual([
      ['a.jpg', 'image/jpeg'],
      ['b.JPEG', 'image/jpeg'],
      ['c.png', 'image/png'],
      ['d.webp', 'image/webp'],
      ['e.gif', 'image/gif'],
      ['f.avif', 'image/avif'],
      ['g.svg', 'image/svg+xml'],
      [`${VERSION}.json`, 'application/json'],
    ]);
  });

  it('refuses a picture over the size limit, with the reason, and takes one at the limit', async () => {
    const dir = await folderWith({ 'big.png': '', 'edge.png': '' });
    await truncate(join(dir, 'big.png'), PICTURE_LIMITS.maxPictureBytes + 1);
    await truncate(join(dir, 'edge.png'), PICTURE_LIMITS.maxPictureBytes);
    const pictures = await versionPictures(VERSION, ['big.png', 'edge.png'], dir);
    expect(pictures.refused).toEqual([
      { file: 'big.png', reason: `larger than ${PICTURE_LIMITS.maxPictureBytes} bytes` },
    ]);
    expect(pictures.list.files).toEqual(['edge.png']);
    expect(pictures.missing).toBe(0);
  });

  it('refuses a picture whose name cannot be stored, with the reason; absent ones are missing', async () => {
    const dir = await folderWith({
      'bell\u0007.png': 'B',
      'notes.txt': 'N',
      '100%41.png': 'P',
      'ok.png': 'O',
    });
    const files = ['bell\u0007.png', 'notes.txt', '100%41.png', 'ok.png', 'gone\u0001.png', '..'];
    const pictures = await versionPictures(VERSION, files, dir);
    expect(pictures.refused).toEqual([
      { file: 'bell\u0007.png', reason: 'the file name holds a control character' },
      {
        file: 'notes.txt',
        reason: 'the file is not a picture (.jpg, .jpeg, .png, .webp, .gif, .avif, .svg)',
      },
      { file: '100%41.png', reason: 'the file name holds a percent-escape (%XX)' },
      // '..' exists (the folder's parent), and is never a picture.
      { file: '..', reason: 'the file name is not a single path segment' },
    ]);
    expect(pictures.missing).toBe(1);
    expect(pictures.list.files).toEqual(['ok.png']);
  });

  it('stores the list of exactly the stored files, as JSON with a newline', async () => {
    const dir = await folderWith({ 'a.png': 'A', 'c.png': 'C' });
    const pictures = await versionPictures(VERSION, ['c.png', 'b.png', 'a.png'], dir);
    const text = new TextDecoder().decode(listObject(pictures.objects).bytes);
    expect(text).toBe(`${JSON.stringify({ version: VERSION, files: ['c.png', 'a.png'] })}\n`);
    const stored = pictures.objects.filter((o) => 'path' in o);
    expect(stored.map((o) => o.key)).toEqual(
      pictures.list.files.map((file) => `images/${VERSION}/${file}`),
    );
    expect(await readFile(join(dir, 'c.png'), 'utf8')).toBe('C');
  });

  it('stores only the list when the version has no picture there', async () => {
    const dir = await folderWith({});
    const pictures = await versionPictures(VERSION, imageFiles, dir);
    expect(pictures.missing).toBe(imageFiles.length);
    expect(pictures.objects.map((o) => o.key)).toEqual([`images/${VERSION}.json`]);
    expect(pictures.list.files).toEqual([]);
  });

  it('refuses a pictures folder that does not exist, or is a file, naming it', async () => {
    const missing = join(root, 'no-such-folder');
    await expect(versionPictures(VERSION, imageFiles, missing)).rejects.toThrow(
      `the pictures folder ${missing} does not exist`,
    );
    const file = join(await folderWith({ 'a.png': 'A' }), 'a.png');
    await expect(versionPictures(VERSION, imageFiles, file)).rejects.toThrow(
      `the pictures folder ${file} is not a folder`,
    );
  });
});
