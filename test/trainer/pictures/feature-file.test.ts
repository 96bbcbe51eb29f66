import { existsSync } from 'node:fs';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PICTURE_RESIZE } from '../../../core/picture-pixels.ts';
import { readFeatureSidecar } from '../../../trainer/data/feature-sidecar.ts';
import { readNpy } from '../../../trainer/data/npy.ts';
import {
  type FeatureFile,
  FeatureFileError,
  type FeatureFileSpec,
  listHash,
  type OpenPolicy,
  openFeatureFile,
  partialPaths,
} from '../../../trainer/pictures/feature-file.ts';
import { tempDir } from '../../support/datasets.ts';

const DIM = 3;
const KEEP: OpenPolicy = { restart: false, otherList: 'refuse' };

async function spec(over: Partial<FeatureFileSpec> = {}): Promise<FeatureFileSpec> {
  return {
    out: join(await tempDir(), 'feats.npy'),
    files: ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg'],
    skipped: 'left-out',
    extractor: 'test-cnn',
    featureDim: DIM,
    ...over,
  };
}

const row = (v: number) => Float32Array.of(v, v + 0.5, -v);

async function opened(s: FeatureFileSpec, policy = KEEP): Promise<FeatureFile> {
  const o = await openFeatureFile(s, policy);
  if (o.kind !== 'open') throw new Error(`expected work to do, found ${o.kind}`);
  return o.file;
}

describe('FeatureFile', () => {
  it('appends rows, and at the end writes the .npy and its sidecar, and nothing else stays', async () => {
    const s = await spec();
    const file = await opened(s);
    await file.append([
      { file: 'a.jpg', features: row(1) },
      { file: 'b.jpg', reason: 'not a picture' },
    ]);
    expect(existsSync(s.out)).toBe(false);
    await file.append([
      { file: 'c.jpg', features: row(3) },
      { file: 'd.jpg', features: row(4) },
    ]);
    const sidecar = await file.finish();
    const npy = await readNpy(s.out);
    expect(npy.shape).toEqual([3, DIM]);
    expect(Array.from(npy.data)).toEqual([...row(1), ...row(3), ...row(4)]);
    expect(sidecar).toEqual({
      format: 'jointspace-features',
      formatVersion: 1,
      extractor: 'test-cnn',
      featureDim: DIM,
      resize: PICTURE_RESIZE,
      rows: 3,
      files: ['a.jpg', 'c.jpg', 'd.jpg'],
      skipped: [{ file: 'b.jpg', row: null, reason: 'not a picture' }],
      list: listHash(s),
    });
    expect(await readFeatureSidecar(s.out)).toEqual(sidecar);
    const { rows, state } = partialPaths(s.out);
    expect([existsSync(rows), existsSync(state), existsSync(`${s.out}.tmp`)]).toEqual([
      false,
      false,
      false,
    ]);
    // The same list again: finished, nothing to do.
    expect(await openFeatureFile(s, KEEP)).toEqual({ kind: 'complete', sidecar });
  });

  it('gives a skipped picture a zero row when the rows follow the list', async () => {
    const s = await spec({ skipped: 'zero-row', files: ['a.jpg', 'b.jpg'] });
    const file = await opened(s);
    await file.append([
      { file: 'a.jpg', reason: 'no such file' },
      { file: 'b.jpg', features: row(2) },
    ]);
    const sidecar = await file.finish();
    expect(Array.from((await readNpy(s.out)).data)).toEqual([0, 0, 0, ...row(2)]);
    expect(sidecar.files).toEqual(['a.jpg', 'b.jpg']);
    expect(sidecar.skipped).toEqual([{ file: 'a.jpg', row: 0, reason: 'no such file' }]);
  });

  it('is taken up where it stopped; a half-written row after the recorded ones is cut off', async () => {
    const s = await spec();
    const first = await opened(s);
    await first.append([{ file: 'a.jpg', features: row(1) }]);
    await first.close();
    // A crash while the next batch was being written: one and a half rows, not recorded.
    await appendFile(partialPaths(s.out).rows, new Uint8Array(DIM * 4 + 5).fill(7));
    const again = await opened(s);
    expect([again.done, again.rows]).toEqual([1, 1]);
    expect((await stat(partialPaths(s.out).rows)).size).toBe(DIM * 4);
    await again.append(
      ['b.jpg', 'c.jpg', 'd.jpg'].map((file, i) => ({ file, features: row(i + 2) })),
    );
    await again.finish();
    expect(Array.from((await readNpy(s.out)).data)).toEqual(
      [1, 2, 3, 4].flatMap((v) => [...row(v)]),
    );
  });

  it('refuses rows that are shorter than their record (a damaged file)', async () => {
    const s = await spec();
    const file = await opened(s);
    await file.append([{ file: 'a.jpg', features: row(1) }]);
    await file.close();
    await writeFile(partialPaths(s.out).rows, new Uint8Array(4));
    await expect(openFeatureFile(s, KEEP)).rejects.toThrow(
      /feats\.npy\.partial holds 4 bytes, .* records 1 rows \(12 bytes\): it was damaged; pass --restart to start over/,
    );
  });

  it('refuses work under way for another list, unless told to start over or replace it', async () => {
    const s = await spec();
    const file = await opened(s);
    await file.append([{ file: 'a.jpg', features: row(1) }]);
    await file.close();
    const other = { ...s, files: ['a.jpg', 'x.jpg'] };
    const refused = openFeatureFile(other, KEEP);
    await expect(refused).rejects.toBeInstanceOf(FeatureFileError);
    await expect(openFeatureFile(other, KEEP)).rejects.toThrow(
      /features for another list of pictures are under way here \(1 pictures done\); finish them with the command that started them, or pass --restart to start over/,
    );
    for (const policy of [
      { restart: true, otherList: 'refuse' },
      { restart: false, otherList: 'replace' },
    ] as const) {
      const fresh = await opened(other, policy);
      expect([fresh.done, fresh.rows]).toEqual([0, 0]);
      await fresh.close();
    }
    // And the same list with --restart starts from nothing too.
    const restarted = await opened(other, { restart: true, otherList: 'refuse' });
    expect(restarted.done).toBe(0);
    await restarted.close();
  });

  it('refuses to overwrite an existing file it did not make for this list', async () => {
    const s = await spec();
    await writeFile(s.out, 'numbers from elsewhere');
    await expect(openFeatureFile(s, KEEP)).rejects.toThrow(
      `${s.out} already exists (with no ${s.out}.json); pass --restart to replace it`,
    );
    const file = await opened(s, { restart: true, otherList: 'refuse' });
    // Until the new file is complete, the old one stays as it was.
    await file.append(s.files.map((f, i) => ({ file: f, features: row(i) })));
    expect(await readFile(s.out, 'utf8')).toBe('numbers from elsewhere');
    await file.finish();
    expect((await readNpy(s.out)).shape).toEqual([4, DIM]);
    const changed = { ...s, files: ['a.jpg'] };
    await expect(openFeatureFile(changed, KEEP)).rejects.toThrow(
      'already exists (made for another list of pictures); pass --restart to replace it',
    );
  });

  it('hashes everything the rows depend on', async () => {
    const s = await spec();
    const base = listHash(s);
    expect(listHash({ ...s, out: 'elsewhere.npy' })).toBe(base);
    expect(listHash({ ...s, files: [...s.files].reverse() })).not.toBe(base);
    expect(listHash({ ...s, skipped: 'zero-row' })).not.toBe(base);
    expect(listHash({ ...s, extractor: 'other' })).not.toBe(base);
    expect(listHash({ ...s, featureDim: 4 })).not.toBe(base);
  });
});
