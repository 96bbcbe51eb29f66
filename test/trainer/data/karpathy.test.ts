import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DatasetError,
  karpathyPicturePath,
  readKarpathy,
  SPLITS,
  validateKarpathy,
} from '../../../trainer/data/karpathy.ts';
import { karpathyJson, type TinyImage, tempDir } from '../../support/datasets.ts';

const IMAGES: TinyImage[] = [
  { filename: 'a.jpg', split: 'train', captions: ['A red Dog!', 'a dog runs'] },
  { filename: 'b.jpg', split: 'restval', captions: ["Two cats' toys"] },
  { filename: 'c.jpg', split: 'val', captions: ['A blue car', 'a car', 'cars parked'] },
  { filename: 'd.jpg', split: 'test', captions: ['sky at night'] },
];

/** The split file's JSON, parsed, for editing one field at a time. */
function parsed(images: TinyImage[] = IMAGES): { dataset?: string; images: unknown[] } {
  return JSON.parse(karpathyJson(images));
}

function sentenceOf(json: { images: unknown[] }, image: number): Record<string, unknown>[] {
  return (json.images[image] as { sentences: Record<string, unknown>[] }).sentences;
}

describe('DatasetError', () => {
  it('is an Error named DatasetError that keeps its cause', () => {
    const cause = new Error('inner');
    const e = new DatasetError('outer', { cause });
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.message, e.cause]).toEqual(['DatasetError', 'outer', cause]);
  });
});

describe('validateKarpathy', () => {
  it('returns the file typed, with its dataset name and images as they are', () => {
    const json = parsed();
    const k = validateKarpathy(json, 'f.json');
    expect(k.dataset).toBe('tiny');
    expect(k.images).toHaveLength(4);
    expect(k.images.map((im) => im.split)).toEqual(['train', 'restval', 'val', 'test']);
    // The stored tokens pass through untouched: recomputing them is the loaders' job.
    expect(k.images[2]?.sentences.map((s) => [s.raw, s.tokens, s.imgid, s.sentid])).toEqual([
      ['A blue car', ['stale'], 2, 3],
      ['a car', ['stale'], 2, 4],
      ['cars parked', ['stale'], 2, 5],
    ]);
  });

  it("names the dataset 'unknown' when the file does not", () => {
    const json = parsed();
    delete json.dataset;
    expect(validateKarpathy(json, 'f.json').dataset).toBe('unknown');
    expect(validateKarpathy({ ...parsed(), dataset: 8 }, 'f.json').dataset).toBe('unknown');
  });

  it('accepts every Karpathy split, restval included', () => {
    expect(SPLITS).toEqual(['train', 'val', 'test', 'restval']);
    const images = SPLITS.map((split, i) => ({ filename: `${i}.jpg`, split, captions: ['a dog'] }));
    expect(validateKarpathy(parsed(images), 'f.json').images).toHaveLength(4);
  });

  it.each([
    ['an array', []],
    ['null', null],
    ['a file without images', { dataset: 'x' }],
    ['images that are not a list', { images: { 0: {} } }],
  ])('refuses %s at the top', (_, json) => {
    expect(() => validateKarpathy(json, 'f.json')).toThrow(
      new DatasetError('f.json: not a Karpathy split file (no "images" array at the top)'),
    );
  });

  it('refuses an empty image list', () => {
    expect(() => validateKarpathy({ images: [] }, 'f.json')).toThrow('f.json: "images" is empty');
  });

  it('refuses an image that is not an object, or has no file name', () => {
    const json = parsed();
    json.images[1] = 'b.jpg';
    expect(() => validateKarpathy(json, 'f.json')).toThrow('f.json: images[1] is not an object');
    for (const filename of [undefined, '', 7]) {
      const bad = parsed();
      (bad.images[3] as Record<string, unknown>).filename = filename;
      expect(() => validateKarpathy(bad, 'f.json')).toThrow('f.json: images[3] has no "filename"');
    }
  });

  it('refuses an unknown split, naming the image', () => {
    const json = parsed([{ filename: 'x.jpg', split: 'dev', captions: ['a'] }]);
    expect(() => validateKarpathy(json, 'f.json')).toThrow(
      new DatasetError(
        'f.json: images[0] (x.jpg) has split "dev"; expected one of train, val, test, restval',
      ),
    );
  });

  it('refuses an image without captions', () => {
    const json = parsed();
    (json.images[2] as Record<string, unknown>).sentences = [];
    expect(() => validateKarpathy(json, 'f.json')).toThrow(
      'f.json: images[2] (c.jpg) has no sentences',
    );
    delete (json.images[2] as Record<string, unknown>).sentences;
    expect(() => validateKarpathy(json, 'f.json')).toThrow(
      'f.json: images[2] (c.jpg) has no sentences',
    );
  });

  it('refuses a caption without raw text or tokens', () => {
    const noRaw = parsed();
    delete sentenceOf(noRaw, 2)[1]?.raw;
    expect(() => validateKarpathy(noRaw, 'f.json')).toThrow(
      'f.json: images[2] (c.jpg) sentences[1] needs "raw" and "tokens"',
    );
    const stringTokens = parsed();
    (sentenceOf(stringTokens, 0)[0] as Record<string, unknown>).tokens = 'a red dog';
    expect(() => validateKarpathy(stringTokens, 'f.json')).toThrow(
      'f.json: images[0] (a.jpg) sentences[0] needs "raw" and "tokens"',
    );
  });

  it('refuses an empty caption, naming the image and caption', () => {
    const bad = structuredClone(IMAGES);
    bad[2]!.captions[1] = '   ';
    expect(() => validateKarpathy(parsed(bad), 'f.json')).toThrow(
      new DatasetError('f.json: images[2] (c.jpg) sentences[1] is an empty caption'),
    );
  });
});

describe('readKarpathy', () => {
  it('reads and checks a split file', async () => {
    const path = join(await tempDir(), 'dataset_tiny.json');
    await writeFile(path, karpathyJson(IMAGES));
    expect(await readKarpathy(path)).toEqual(validateKarpathy(parsed(), path));
  });

  it('names the file it cannot read or parse', async () => {
    const dir = await tempDir();
    const missing = join(dir, 'nope.json');
    await expect(readKarpathy(missing)).rejects.toThrow(`${missing}: cannot read (ENOENT`);
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"images": [');
    await expect(readKarpathy(broken)).rejects.toThrow(`${broken}: not valid JSON (`);
    await expect(readKarpathy(broken)).rejects.toBeInstanceOf(DatasetError);
  });

  it('checks what it read, naming the file', async () => {
    const path = join(await tempDir(), 'dataset_bad.json');
    await writeFile(path, karpathyJson([{ filename: 'x.jpg', split: 'dev', captions: ['a'] }]));
    await expect(readKarpathy(path)).rejects.toThrow(
      `${path}: images[0] (x.jpg) has split "dev"; expected one of train, val, test, restval`,
    );
  });
});

describe('karpathyPicturePath', () => {
  it("is COCO's filepath and the file name, or the file name alone", () => {
    expect(karpathyPicturePath({ filename: 'a.jpg' })).toBe('a.jpg');
    expect(karpathyPicturePath({ filename: 'a.jpg', filepath: 'val2014' })).toBe('val2014/a.jpg');
    expect(karpathyPicturePath({ filename: 'a.jpg', filepath: 'train2014/' })).toBe(
      'train2014/a.jpg',
    );
    expect(karpathyPicturePath({ filename: 'a.jpg', filepath: '' })).toBe('a.jpg');
  });
});
