import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PICTURE_INPUT } from '../../core/picture-pixels.ts';
import { type Dataset, SPLIT_NAMES } from '../data/dataset.ts';
import { PictureError, readPictureFile } from '../pictures/read-picture.ts';
import { Random } from '../random.ts';

/**
 * The pictures an exported image encoder is checked on against the trainer's extractor: a few
 * made here, the same on every machine, and a few of the dataset's own photos when their files
 * are reachable. The made ones cover what photos may not: smooth gradients, full-range noise
 * (every pixel value, every channel independent) and hard-edged shapes on flat colour, where a
 * padding or stride mistake in a converted convolution shows at once.
 */

const { height: H, width: W, channels: C } = PICTURE_INPUT;

export interface ParityPicture {
  /** What it is: 'made: gradient', or the photo's file name. */
  name: string;
  /** The image encoder's input: uint8 RGB, 224 x 224, row-major. */
  pixels: Uint8Array;
}

function picture(colour: (x: number, y: number) => readonly [number, number, number]) {
  const out = new Uint8Array(H * W * C);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) out.set(colour(x, y), (y * W + x) * C);
  }
  return out;
}

function gradient(): Uint8Array {
  return picture((x, y) => [
    Math.round((x * 255) / (W - 1)),
    Math.round((y * 255) / (H - 1)),
    Math.round(((x + y) * 255) / (W + H - 2)),
  ]);
}

function noise(seed: number): Uint8Array {
  const rng = new Random(seed);
  return Uint8Array.from({ length: H * W * C }, () => rng.int(0, 255));
}

/** A disc, a bar and a diagonal band, each its own colour, on a flat background. */
function shapes(): Uint8Array {
  return picture((x, y) => {
    if ((x - 70) ** 2 + (y - 80) ** 2 < 45 ** 2) return [230, 40, 30];
    if (x >= 120 && x < 200 && y >= 30 && y < 95) return [20, 60, 210];
    if (Math.abs(x - y - 20) < 12) return [250, 230, 20];
    return [35, 140, 70];
  });
}

/** Three pictures made here: a gradient, seeded noise, shapes. */
export function madePictures(): ParityPicture[] {
  return [
    { name: 'made: gradient', pixels: gradient() },
    { name: 'made: noise', pixels: noise(13) },
    { name: 'made: shapes', pixels: shapes() },
  ];
}

/**
 * Where a dataset's picture files are: a folder of photos holds them; a Karpathy split file's
 * are in images/ beside it (as the `features` command expects them). Other formats carry
 * features only.
 */
function pictureFolder(dataset: Dataset): string | null {
  const folder = existsSync(dataset.source) && statSync(dataset.source).isDirectory();
  const candidates =
    dataset.format === 'folder'
      ? [dataset.source]
      : dataset.format === 'karpathy'
        ? [join(folder ? dataset.source : dirname(dataset.source), 'images')]
        : [];
  return candidates.find((dir) => existsSync(dir) && statSync(dir).isDirectory()) ?? null;
}

/**
 * Up to `count` of the dataset's photos (the first that can be read, split by split), or none
 * when their files are not there. A file that cannot be read is passed over: the check needs
 * pictures, not every picture. At most `count` failures are tried, so a folder of damaged
 * files costs little.
 */
export async function datasetPictures(dataset: Dataset, count: number): Promise<ParityPicture[]> {
  const dir = pictureFolder(dataset);
  if (dir === null || count <= 0) return [];
  const out: ParityPicture[] = [];
  let failures = 0;
  for (const split of SPLIT_NAMES) {
    for (const id of dataset.splits[split]?.imageIds ?? []) {
      if (out.length >= count || failures >= count) return out;
      const path = join(dir, id);
      if (!existsSync(path)) continue;
      try {
        out.push({ name: id, pixels: await readPictureFile(path, id) });
      } catch (e) {
        if (!(e instanceof PictureError)) throw e;
        failures++;
      }
    }
  }
  return out;
}
