import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkSidecarShape,
  type FeatureSidecar,
  MAX_SIDECAR_BYTES,
  parseFeatureSidecar,
  readFeatureSidecar,
  sidecarPath,
} from '../../../trainer/data/feature-sidecar.ts';
import { DatasetError } from '../../../trainer/data/karpathy.ts';
import { tempDir } from '../../support/datasets.ts';

const GOOD: FeatureSidecar = {
  format: 'jointspace-features',
  formatVersion: 1,
  extractor: 'nsfwjs-mobilenetv2-mid',
  featureDim: 1792,
  resize: 'exif-orient+centre-square+area-average@224',
  rows: 2,
  files: ['a.jpg', 'sub/b.png'],
  skipped: [
    { file: 'c.gif', row: null, reason: 'a GIF picture' },
    { file: 'sub/b.png', row: 1, reason: 'no such file' },
  ],
  list: 'abc123',
};

describe('parseFeatureSidecar', () => {
  it('takes a sidecar as the features command writes it', () => {
    expect(parseFeatureSidecar(JSON.parse(JSON.stringify(GOOD)), 's.json')).toEqual(GOOD);
  });

  it('names the file and the field at fault', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ format: 'other' }, 's.json: not a features sidecar (no "format": "jointspace-features")'],
      [{ formatVersion: 2 }, 's.json: formatVersion 2; this version of jointspace reads 1'],
      [{ extractor: '' }, 's.json: "extractor" must be a non-empty string'],
      [{ resize: 3 }, 's.json: "resize" must be a non-empty string'],
      [{ list: undefined }, 's.json: "list" must be a non-empty string'],
      [{ featureDim: 0 }, 's.json: "featureDim" must be a whole number above 0'],
      [{ rows: -1 }, 's.json: "rows" must be a whole number'],
      [{ files: ['a.jpg', 2] }, 's.json: "files" must be a list of file names'],
      [{ files: ['a.jpg'] }, 's.json: "files" names 1 pictures for 2 rows'],
      [{ skipped: {} }, 's.json: "skipped" must be a list'],
      [{ skipped: [{ file: 'x' }] }, 's.json: skipped[0] needs "file" and "reason" strings'],
      [
        { skipped: [{ file: 'x', row: 2, reason: 'r' }] },
        's.json: skipped[0] (x) has row 2; expected null or 0..1',
      ],
    ];
    for (const [change, message] of cases) {
      const parse = () => parseFeatureSidecar({ ...GOOD, ...change }, 's.json');
      expect(parse, message).toThrow(DatasetError);
      expect(parse, message).toThrow(message);
    }
    expect(() => parseFeatureSidecar([], 's.json')).toThrow('not a features sidecar');
  });
});

describe('readFeatureSidecar', () => {
  it('reads FILE.json beside FILE, and is null when there is none', async () => {
    const dir = await tempDir();
    const npy = join(dir, 'feats.npy');
    expect(sidecarPath(npy)).toBe(`${npy}.json`);
    expect(await readFeatureSidecar(npy)).toBeNull();
    await writeFile(`${npy}.json`, JSON.stringify(GOOD));
    expect(await readFeatureSidecar(npy)).toEqual(GOOD);
    await writeFile(`${npy}.json`, '{"format": ');
    await expect(readFeatureSidecar(npy)).rejects.toThrow(`${npy}.json: not valid JSON`);
    // Its size is checked before it is read (a sparse file: nothing on disk).
    await truncate(`${npy}.json`, MAX_SIDECAR_BYTES + 1);
    await expect(readFeatureSidecar(npy)).rejects.toThrow(
      `${npy}.json: ${MAX_SIDECAR_BYTES + 1} bytes; a features sidecar is at most ${MAX_SIDECAR_BYTES}`,
    );
  });
});

describe('checkSidecarShape', () => {
  it('refuses a sidecar that describes other rows or columns than the features', () => {
    expect(() => checkSidecarShape(GOOD, 2, 1792, 'f.npy')).not.toThrow();
    expect(() => checkSidecarShape(GOOD, 3, 1792, 'f.npy')).toThrow(
      'f.npy.json describes 2 x 1792 features, f.npy holds 3 x 1792: they were not written together (compute the features again)',
    );
    expect(() => checkSidecarShape(GOOD, 2, 4, 'f.npy')).toThrow(DatasetError);
  });
});
