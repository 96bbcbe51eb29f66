import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEATURES_OPTIONS } from '../../../cli/commands/features.ts';
import { readFeatureSidecar } from '../../../trainer/data/feature-sidecar.ts';
import { readNpy } from '../../../trainer/data/npy.ts';
import { partialPaths } from '../../../trainer/pictures/feature-file.ts';
import { loadCheckpoint } from '../../../trainer/train/checkpoint.ts';
import { tempDir } from '../../support/datasets.ts';
import { cli, ROOT } from '../../support/run-cli.ts';
import { FLICKR8K, HAVE_FLICKR8K_PHOTOS } from '../../support/shared-data.ts';
import { pictureBytes, writePicture } from '../../support/test-pictures.ts';

/** The CNN on one wasm thread: the way the shared features were made, and the same on any machine. */
const CNN_FLAGS = ['--backend', 'wasm', '--threads', '1', '--no-progress'];

/** Runs the command line with Ctrl-C once `interruptWhen` holds (polled), as a terminal would. */
function cliInterrupted(
  args: string[],
  interruptWhen: () => Promise<boolean>,
): Promise<{ code: number | null; stdout: string; stderr: string; interrupted: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const poll = setInterval(async () => {
    if (!interrupted && (await interruptWhen())) {
      interrupted = true;
      child.kill('SIGINT');
    }
  }, 50);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, stdout, stderr, interrupted });
    }),
  );
}

/** Pictures done, as the partial state records them (0 before the first batch). */
async function partialDone(out: string): Promise<number> {
  try {
    return JSON.parse(await readFile(partialPaths(out).state, 'utf8')).done as number;
  } catch {
    return 0;
  }
}

describe('jointspace features --data (Karpathy), interrupted and taken up', () => {
  it.skipIf(!HAVE_FLICKR8K_PHOTOS)(
    'reproduces the shared features of 50 dev photos, computing none twice',
    async () => {
      // A split file of 50 dev photos, rows in its order: the shared rows to compare with.
      const all = JSON.parse(await readFile(FLICKR8K.json, 'utf8')) as {
        images: { filename: string; split: string }[];
      };
      const picked = all.images
        .map((image, row) => ({ image, row }))
        .filter(({ image }) => image.split === 'val')
        .filter((_, i) => i % 20 === 0);
      expect(picked.length).toBe(50);
      const dir = await tempDir();
      const json = join(dir, 'dataset_dev50.json');
      await writeFile(
        json,
        JSON.stringify({ dataset: 'dev50', images: picked.map((p) => p.image) }),
      );
      const out = join(dir, 'feats.npy');
      const args = ['features', '--data', json, '--images', FLICKR8K.images, '--out', out];
      const args10 = [...args, '--batch', '10', ...CNN_FLAGS];

      const first = await cliInterrupted(args10, async () => (await partialDone(out)) >= 10);
      expect(first.interrupted).toBe(true);
      expect(first.stderr).toContain('stopping after this batch');
      expect(first.code).toBe(130);
      expect(first.stderr).toMatch(
        /jointspace features: stopped after (\d+) of 50 pictures; run the same command again to go on/,
      );
      const stoppedAt = Number(/stopped after (\d+) of 50/.exec(first.stderr)?.[1]);
      expect(stoppedAt % 10).toBe(0);
      expect(existsSync(out)).toBe(false);

      const second = await cli(...args10);
      expect(second.code).toBe(0);
      expect(second.stdout).toBe(
        `wrote ${out} (50 x 1792 features (nsfwjs-mobilenetv2-mid)) and ${out}.json: 50 pictures, ${50 - stoppedAt} computed now, taken up at picture ${stoppedAt + 1}\n`,
      );
      expect(existsSync(partialPaths(out).rows)).toBe(false);

      const mine = await readNpy(out);
      const shared = await readNpy(FLICKR8K.features);
      expect(mine.shape).toEqual([50, 1792]);
      let maxAbs = 0;
      picked.forEach(({ row }, i) => {
        for (let c = 0; c < 1792; c++) {
          const d = Math.abs(
            (mine.data[i * 1792 + c] as number) - (shared.data[row * 1792 + c] as number),
          );
          maxAbs = Math.max(maxAbs, d);
        }
      });
      expect(maxAbs).toBeLessThanOrEqual(1e-4);
      const sidecar = await readFeatureSidecar(out);
      expect(sidecar).toMatchObject({ extractor: 'nsfwjs-mobilenetv2-mid', rows: 50, skipped: [] });
      expect(sidecar?.files).toEqual(picked.map((p) => p.image.filename));
    },
    90_000,
  );
});

describe('jointspace features --images', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
    for (const [i, name] of ['a.jpg', 'b.png', 'c.webp'].entries()) {
      const format = name.endsWith('.jpg') ? 'jpeg' : name.endsWith('.png') ? 'png' : 'webp';
      await writePicture(join(dir, name), { width: 80 + i, height: 60, seed: i, format });
    }
    const jpeg = await pictureBytes({ width: 80, height: 60, format: 'jpeg' });
    await writeFile(join(dir, 'd-truncated.jpg'), jpeg.subarray(0, 400));
    await writeFile(join(dir, 'e-text.jpg'), 'not a picture at all\n');
    const gif = sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } }).gif();
    await writeFile(join(dir, 'f.gif'), await gif.toBuffer());
    await writeFile(join(dir, 'notes.txt'), 'not listed: not named like a picture');
  });

  it('stops at the first picture it cannot read, naming it and how to go on', async () => {
    const out = join(dir, 'stop.npy');
    const r = await cli('features', '--images', dir, '--out', out, ...CNN_FLAGS);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /jointspace features: d-truncated\.jpg: a damaged JPEG: it cannot be decoded.*\n {2}\(the pictures before it are saved: fix it and run the same command again, or pass --on-error skip to leave such pictures out\)\n$/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('skips each with its reason, listed at the end and in the sidecar; the sorted names are the rows', async () => {
    const out = join(dir, 'skip.npy');
    const r = await cli(
      'features',
      '--images',
      dir,
      '--out',
      out,
      '--on-error',
      'skip',
      ...CNN_FLAGS,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `wrote ${out} (3 x 1792 features (nsfwjs-mobilenetv2-mid)) and ${out}.json: 6 pictures, 3 computed now, 3 skipped\n`,
    );
    expect(r.stderr).toMatch(
      /skipped 3 pictures that could not be read:\n {2}d-truncated\.jpg: a damaged JPEG: .*\n {2}e-text\.jpg: not a picture .*\n {2}f\.gif: a GIF picture; only JPEG, PNG and WebP are read/,
    );
    const sidecar = await readFeatureSidecar(out);
    expect(sidecar?.files).toEqual(['a.jpg', 'b.png', 'c.webp']);
    expect(sidecar?.skipped.map((s) => [s.file, s.row])).toEqual([
      ['d-truncated.jpg', null],
      ['e-text.jpg', null],
      ['f.gif', null],
    ]);
    expect((await readNpy(out)).shape).toEqual([3, 1792]);
  });

  it('answers mistakes in the call with exit 2, and a folder with no pictures with exit 1', async () => {
    const empty = await tempDir();
    const karpathy = join(empty, 'dataset_x.json');
    await writeFile(
      karpathy,
      JSON.stringify({
        images: [{ filename: 'a.jpg', split: 'train', sentences: [{ raw: 'a', tokens: ['a'] }] }],
      }),
    );
    const demo = join(empty, 'world');
    await mkdir(demo);
    await writeFile(join(demo, 'world.json'), '{}');
    const cases: [string[], number, RegExp][] = [
      [[], 2, /--images DIR or --data PATH is required/],
      [['--data', karpathy], 2, /--out is required with a Karpathy split file/],
      [
        ['--data', demo],
        2,
        /--data takes a Karpathy split file or a folder of photos with captions\.txt; .* is a demo dataset/,
      ],
      [['--images', empty], 1, /no pictures in this folder \(looked for \*\.jpg, \*\.jpeg/],
      [
        ['--data', karpathy, '--out', 'x.npy'],
        1,
        /images: no such folder \(the pictures of .*dataset_x\.json; pass --images DIR\)/,
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => cli('features', ...args)));
    results.forEach((r, i) => {
      const [args, code, message] = cases[i]!;
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr, args.join(' ')).toMatch(message);
    });
  });

  it('lists its options', async () => {
    const r = await cli('features', '--help');
    expect(r.code).toBe(0);
    for (const o of Object.values(FEATURES_OPTIONS)) {
      expect(r.stdout).toContain(`--${o.flag}`);
      expect(r.stdout).toContain(o.note);
    }
    expect(r.stdout).toMatch(/--on-error WHAT +stop \| skip: a picture that cannot be read/);
    expect(r.stdout).toMatch(/--batch N +pictures per CNN call \(default 10\)/);
    expect(r.stdout).toMatch(/not in its subfolders/);
    expect(r.stdout).toMatch(/a hash of each file name puts 1 picture in 10 in val/);
    expect(r.stdout).toMatch(
      /run the same command\nagain to go on|run the same command again to go on/,
    );
  });
});

describe('jointspace train --data (a folder of photos)', () => {
  it("computes the folder's features first, then trains; no Python, no separate step", async () => {
    const dir = join(await tempDir(), 'photos');
    await mkdir(dir);
    const colours = ['red', 'green', 'blue', 'yellow', 'black', 'white'];
    const splits: Record<string, string> = {};
    const lines: string[] = [];
    for (let i = 0; i < 12; i++) {
      const name = `photo${i}.${i % 2 === 0 ? 'jpg' : 'png'}`;
      await writePicture(join(dir, name), {
        width: 64,
        height: 48,
        seed: i * 7,
        format: i % 2 === 0 ? 'jpeg' : 'png',
      });
      splits[name] = i < 10 ? 'train' : 'val';
      const colour = colours[i % colours.length];
      lines.push(`${name}\ta ${colour} square`, `${name}#1\tsomething ${colour} and bright`);
    }
    await writeFile(join(dir, 'captions.txt'), `${lines.join('\n')}\n`);
    await writeFile(join(dir, 'splits.json'), JSON.stringify(splits));
    const run = join(dir, '..', 'run');
    const r = await cli(
      'train',
      '--data',
      dir,
      '--encoder',
      'bow',
      '--joint-dim',
      '8',
      '--batch-size',
      '8',
      '--max-updates',
      '2',
      '--out',
      run,
      ...CNN_FLAGS,
    );
    expect(r.stderr).toMatch(
      /features: no features\.npy yet; computing them for 12 pictures into .*features\.npy \(resumable\)/,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /data: .*photos \(folder\)\ntrain: 10 images, 20 captions \(2 per image\), 1792-d features\nval: 2 images/,
    );
    expect(r.stdout).toMatch(/^Trained 2 updates/);
    expect((await readFeatureSidecar(join(dir, 'features.npy')))?.rows).toBe(12);
    const checkpoint = await loadCheckpoint(join(run, 'latest.ckpt'));
    expect(checkpoint.header.dataset).toMatchObject({ format: 'folder', name: 'photos' });
    expect(checkpoint.header.model.featureDim).toBe(1792);
    // The explicit way, `features --data DIR`, is the same job: already done.
    const explicit = await cli('features', '--data', dir, ...CNN_FLAGS);
    expect(explicit.code).toBe(0);
    expect(explicit.stdout).toMatch(
      /features\.npy is complete for these pictures: 12 x 1792 features/,
    );
  }, 60_000);
});
