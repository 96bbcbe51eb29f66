import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFeatureSidecar } from '../../../trainer/data/feature-sidecar.ts';
import { readNpy } from '../../../trainer/data/npy.ts';
import {
  computeFeatures,
  type Extractor,
  type FeatureRun,
} from '../../../trainer/pictures/compute-features.ts';
import { partialPaths } from '../../../trainer/pictures/feature-file.ts';
import { PictureError } from '../../../trainer/pictures/read-picture.ts';
import { tempDir } from '../../support/datasets.ts';
import { pictureBytes, writePicture } from '../../support/test-pictures.ts';

/** A stand-in CNN: each picture's mean red, green and blue; it counts its calls. */
function meanColour(): Extractor & { calls: number; pictures: number } {
  const cnn = {
    id: 'mean-colour',
    featureDim: 3,
    calls: 0,
    pictures: 0,
    async extract(pictures: readonly Uint8Array[]) {
      cnn.calls++;
      cnn.pictures += pictures.length;
      const out = new Float32Array(pictures.length * 3);
      pictures.forEach((p, k) => {
        for (let i = 0; i < p.length; i++) {
          const at = k * 3 + (i % 3);
          out[at] = (out[at] as number) + (p[i] as number) / (p.length / 3);
        }
      });
      return out;
    },
  };
  return cnn;
}

const NAMES = ['p0.png', 'p1.jpg', 'p2.webp', 'p3.png', 'p4.png', 'p5.jpg', 'p6.png'];

async function photos(): Promise<string> {
  const dir = await tempDir();
  await Promise.all(
    NAMES.map((name, seed) =>
      writePicture(join(dir, name), {
        width: 40 + seed,
        height: 30,
        seed: seed * 5,
        format: name.endsWith('.jpg') ? 'jpeg' : name.endsWith('.webp') ? 'webp' : 'png',
      }),
    ),
  );
  return dir;
}

function run(dir: string, extractor: Extractor, over: Partial<FeatureRun> = {}): FeatureRun {
  return {
    job: { imagesDir: dir, files: NAMES, out: join(dir, 'out', 'f.npy'), skipped: 'left-out' },
    extractor,
    batch: 3,
    onError: 'stop',
    policy: { restart: false, otherList: 'refuse' },
    ...over,
  };
}

let dir: string;
let reference: Buffer;
beforeAll(async () => {
  dir = await photos();
  const cnn = meanColour();
  const job = {
    imagesDir: dir,
    files: NAMES,
    out: join(dir, 'ref.npy'),
    skipped: 'left-out' as const,
  };
  const result = await computeFeatures({ ...run(dir, cnn), job });
  expect(result).toMatchObject({ status: 'complete', total: 7, done: 7, computed: 7 });
  expect(cnn.calls).toBe(3); // batches of 3, 3, 1
  reference = await readFile(job.out);
});

describe('computeFeatures', () => {
  it('writes one row per picture in list order, and says nothing is left to do after', async () => {
    const out = join(dir, 'ref.npy');
    const sidecar = await readFeatureSidecar(out);
    expect(sidecar).toMatchObject({ rows: 7, files: NAMES, skipped: [], extractor: 'mean-colour' });
    const cnn = meanColour();
    const again = await computeFeatures({
      ...run(dir, cnn),
      job: { imagesDir: dir, files: NAMES, out, skipped: 'left-out' },
    });
    expect(again).toMatchObject({ status: 'already-complete', computed: 0 });
    expect(cnn.calls).toBe(0);
  });

  it('stops between batches when asked and goes on where it stopped: the same file, nothing computed twice', async () => {
    await mkdir(join(dir, 'out'), { recursive: true });
    const cnn = meanColour();
    const r = run(dir, cnn);
    const stopped = await computeFeatures({ ...r, stopRequested: () => cnn.calls === 2 });
    expect(stopped).toMatchObject({ status: 'stopped', done: 6, computed: 6, sidecar: null });
    expect(existsSync(r.job.out)).toBe(false);
    expect(existsSync(partialPaths(r.job.out).rows)).toBe(true);
    const resumed = await computeFeatures(r);
    expect(resumed).toMatchObject({ status: 'complete', resumedAt: 6, done: 7, computed: 1 });
    expect(cnn.pictures).toBe(7);
    expect((await readFile(r.job.out)).equals(reference)).toBe(true);
    expect(existsSync(partialPaths(r.job.out).state)).toBe(false);
    // Another list of pictures for the same file is refused, not mixed in.
    await expect(
      computeFeatures({ ...r, job: { ...r.job, files: NAMES.slice(1) } }),
    ).rejects.toThrow(
      /already exists \(made for another list of pictures\); pass --restart to replace it/,
    );
  });

  it('draws a progress bar in pictures a second', async () => {
    const lines: string[] = [];
    const stream = { write: (s: string) => lines.push(s), isTTY: false };
    const r = run(dir, meanColour(), { progress: stream });
    await computeFeatures({ ...r, job: { ...r.job, out: join(dir, 'bar.npy') } });
    expect(lines.join('')).toMatch(
      /^features {2}100% 7\/7 {2}[\d.]+ pictures\/s {2}took \d+s {2}done\n$/,
    );
  });
});

describe('pictures that cannot be read', () => {
  let bad: string;
  const BAD = ['a.jpg', 'b-text.jpg', 'c-truncated.jpg', 'd.gif', 'e.png'];
  beforeAll(async () => {
    bad = await tempDir();
    const jpeg = await pictureBytes({ width: 64, height: 48, format: 'jpeg' });
    await writeFile(join(bad, 'a.jpg'), jpeg);
    await writeFile(join(bad, 'b-text.jpg'), 'this is text, not a picture\n');
    await writeFile(join(bad, 'c-truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    await writeFile(
      join(bad, 'd.gif'),
      await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } })
        .gif()
        .toBuffer(),
    );
    await writeFile(
      join(bad, 'e.png'),
      await pictureBytes({ width: 20, height: 20, format: 'png' }),
    );
  });

  const job = (out: string, skipped: 'left-out' | 'zero-row') => ({
    imagesDir: bad,
    files: BAD,
    out: join(bad, out),
    skipped,
  });

  it('stops at the first, naming it, with the pictures before it saved', async () => {
    const cnn = meanColour();
    const r = { ...run(bad, cnn), job: job('stop.npy', 'left-out') };
    const error = await computeFeatures(r).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PictureError);
    expect((error as PictureError).message).toMatch(/^b-text\.jpg: not a picture/);
    expect(existsSync(r.job.out)).toBe(false);
    const state = JSON.parse(await readFile(partialPaths(r.job.out).state, 'utf8'));
    expect([state.done, state.rows]).toEqual([1, 1]);
    expect(cnn.pictures).toBe(1);
  });

  it('skips each with its reason: left out, or a zero row where rows follow the list', async () => {
    const leftOut = await computeFeatures({
      ...run(bad, meanColour(), { onError: 'skip' }),
      job: job('skip.npy', 'left-out'),
    });
    expect(leftOut.status).toBe('complete');
    expect(leftOut.sidecar?.files).toEqual(['a.jpg', 'e.png']);
    expect(leftOut.skipped.map((s) => [s.file, s.row])).toEqual([
      ['b-text.jpg', null],
      ['c-truncated.jpg', null],
      ['d.gif', null],
    ]);
    const reasons = leftOut.skipped.map((s) => s.reason);
    expect(reasons[0]).toMatch(/^not a picture/);
    expect(reasons[1]).toMatch(/^a damaged JPEG: it cannot be decoded/);
    expect(reasons[2]).toMatch(/^a GIF picture; only JPEG, PNG and WebP are read/);

    const zero = await computeFeatures({
      ...run(bad, meanColour(), { onError: 'skip' }),
      job: job('zero.npy', 'zero-row'),
    });
    expect(zero.sidecar?.files).toEqual(BAD);
    expect(zero.skipped.map((s) => s.row)).toEqual([1, 2, 3]);
    const rows = (await readNpy(join(bad, 'zero.npy'))).data;
    expect(Array.from(rows.subarray(3, 12))).toEqual(new Array(9).fill(0));
    expect(rows[0]).toBeGreaterThan(0);
  });
});
