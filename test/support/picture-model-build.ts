/**
 * Builds the picture model of test/support/picture-model.ts, in a process of its own (run as
 * `node --import tsx test/support/picture-model-build.ts OUT_DIR`): tfjs and its wasm backend
 * stay out of vitest's process, as the demo models' training does (demo-versions.ts).
 *
 *   24 pictures made here with sharp (6 colours x 4 shapes, 320 x 240 JPEGs, captioned by what
 *   they show) -> their features through the trainer's own path (sharp decode, core's fitPicture,
 *   nsfwjs MobileNetV2 on tfjs-wasm, one thread) -> a Dataset that records its extractor -> 80
 *   training updates (LSTM, 16-d) -> exportModel (int8), which writes image_encoder.onnx (the
 *   CNN and the projection) beside the usual files.
 *
 * OUT_DIR/artifacts/<version> is the version; OUT_DIR/picture-model.json says what the tests
 * need besides (built.ts's BuiltPictureModel); OUT_DIR/pictures, the pictures. With `--pair`,
 * also OUT_DIR/artifacts/test-pictures-regularities, for a served pair (the page's test).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { tokenize } from '../../core/tokenizer.ts';
import type { Dataset, SplitData, SplitName } from '../../trainer/data/dataset.ts';
import { parseNpy } from '../../trainer/data/npy.ts';
import { type ExportRequest, exportModel } from '../../trainer/export/export-model.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../trainer/model/config.ts';
import { DEFAULT_EXTRACTOR, extractFeatures, loadCnn } from '../../trainer/pictures/cnn.ts';
import { pictureInput } from '../../trainer/pictures/read-picture.ts';
import { selectBackend } from '../../trainer/tf/backend.ts';
import { loadCheckpoint } from '../../trainer/train/checkpoint.ts';
import { RUN_FILES } from '../../trainer/train/run-files.ts';
import { train } from '../../trainer/train/train.ts';
import { FLICKR8K, HAVE_FLICKR8K_PHOTOS } from './shared-data.ts';

export const PICTURE_MODEL_VERSION = 'test-pictures';
/** The regularities version `--pair` adds (the same checkpoint, for a served pair). */
export const PICTURE_MODEL_PAIR_VERSION = 'test-pictures-regularities';

/** A picture the tests upload, with the features the trainer computes for it. */
export interface UploadSample {
  file: string;
  /** Where its bytes are. */
  path: string;
  features: number[];
}

export interface BuiltPictureModel {
  version: string;
  /** One of the model's own pictures. */
  made: UploadSample;
  /** A Flickr8k dev photo and its row of the shared .npy, where the shared data is. */
  photo: UploadSample | null;
  seconds: { features: number; train: number; export: number };
}

const COLOURS = {
  red: [220, 30, 30],
  green: [30, 170, 50],
  blue: [30, 60, 220],
  yellow: [240, 220, 20],
  purple: [140, 40, 170],
  orange: [250, 140, 20],
} as const;
const SHAPES = ['circle', 'square', 'stripes', 'cross'] as const;
type Shape = (typeof SHAPES)[number];

function covers(shape: Shape, x: number, y: number, w: number, h: number): boolean {
  const [cx, cy] = [w / 2, h / 2];
  switch (shape) {
    case 'circle':
      return (x - cx) ** 2 + (y - cy) ** 2 < (h * 0.35) ** 2;
    case 'square':
      return Math.abs(x - cx) < h * 0.3 && Math.abs(y - cy) < h * 0.3;
    case 'stripes':
      return Math.floor(x / 20) % 2 === 0;
    case 'cross':
      return Math.abs(x - cx) < h * 0.08 || Math.abs(y - cy) < h * 0.08;
  }
}

/** A 320 x 240 JPEG: the shape in its colour on a light grey ground, with a little texture. */
async function drawPicture(colour: readonly number[], shape: Shape): Promise<Buffer> {
  const [w, h] = [320, 240];
  const rgb = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const texture = ((x * 7 + y * 13) % 17) - 8;
      const value = covers(shape, x, y, w, h) ? colour : [200, 200, 195];
      for (let c = 0; c < 3; c++) {
        rgb[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, (value[c] as number) + texture));
      }
    }
  }
  return sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

const captionsOf = (colour: string, shape: Shape): string[] => [
  `a ${colour} ${shape}`,
  `a ${shape} that is ${colour} on a grey background`,
  `${colour} ${shape} in the middle of the picture`,
];

interface Made {
  file: string;
  split: SplitName;
  captions: string[];
  pixels: Uint8Array;
}

async function makePictures(dir: string): Promise<Made[]> {
  await mkdir(dir, { recursive: true });
  const made: Made[] = [];
  let n = 0;
  for (const [colour, rgb] of Object.entries(COLOURS)) {
    for (const shape of SHAPES) {
      const file = `${colour}-${shape}.jpg`;
      const bytes = await drawPicture(rgb, shape);
      await writeFile(join(dir, file), bytes);
      // Every sixth picture is in val, the next one in test: every colour and shape is trained.
      const split: SplitName = n % 6 === 4 ? 'val' : n % 6 === 5 ? 'test' : 'train';
      made.push({
        file,
        split,
        captions: captionsOf(colour, shape),
        pixels: await pictureInput(bytes, file),
      });
      n++;
    }
  }
  return made;
}

function splitOf(name: SplitName, made: Made[], features: Float32Array, dim: number): SplitData {
  const rows = made.flatMap((m, i) => (m.split === name ? [i] : []));
  const captions = rows.flatMap((i) => (made[i] as Made).captions);
  return {
    name,
    imageIds: rows.map((i) => (made[i] as Made).file),
    features: Float32Array.from(
      rows.flatMap((i) => [...features.subarray(i * dim, (i + 1) * dim)]),
    ),
    dim,
    captions,
    tokens: captions.map(tokenize),
    captionImage: Int32Array.from(
      rows.flatMap((_, r) => (made[rows[r] as number] as Made).captions.map(() => r)),
    ),
  };
}

/** The first Flickr8k dev photo whose file is there, with its row of the shared features. */
async function devPhoto(): Promise<UploadSample | null> {
  if (!HAVE_FLICKR8K_PHOTOS) return null;
  const split = JSON.parse(await readFile(FLICKR8K.json, 'utf8')) as {
    images: { filename: string; split: string }[];
  };
  const row = split.images.findIndex(
    (im) => im.split === 'val' && existsSync(join(FLICKR8K.images, im.filename)),
  );
  if (row === -1) return null;
  const npy = parseNpy(new Uint8Array(await readFile(FLICKR8K.features)), FLICKR8K.features);
  const dim = npy.shape[1] as number;
  const file = (split.images[row] as { filename: string }).filename;
  return {
    file,
    path: join(FLICKR8K.images, file),
    features: Array.from(npy.data.subarray(row * dim, (row + 1) * dim)),
  };
}

async function build(out: string, withPair: boolean): Promise<BuiltPictureModel> {
  const picturesDir = join(out, 'pictures');
  const clock = performance.now();
  const made = await makePictures(picturesDir);
  await selectBackend('wasm', { threads: 1 });
  const cnn = await loadCnn();
  const features = await extractFeatures(
    cnn,
    made.map((m) => m.pixels),
  );
  const featureSeconds = (performance.now() - clock) / 1000;

  const dim = DEFAULT_EXTRACTOR.featureDim;
  const dataset: Dataset = {
    name: 'test-pictures',
    format: 'folder',
    source: picturesDir,
    extractor: DEFAULT_EXTRACTOR.id,
    splits: {
      train: splitOf('train', made, features, dim),
      val: splitOf('val', made, features, dim),
      test: splitOf('test', made, features, dim),
    },
  };
  const runDir = join(out, 'run');
  const trainStart = performance.now();
  await train({
    dataset,
    encoder: 'lstm',
    wordDim: 8,
    jointDim: 16,
    train: {
      ...DEFAULT_TRAIN_CONFIG,
      batchSize: 16,
      learningRate: 0.01,
      validateEvery: 20,
      maxUpdates: 80,
    },
    runDir,
    resume: false,
    backend: 'wasm',
    log: () => undefined,
    progress: false,
  });
  const trainSeconds = (performance.now() - trainStart) / 1000;
  const exportStart = performance.now();
  const request: ExportRequest = {
    checkpoint: await loadCheckpoint(RUN_FILES(runDir).best),
    dataset,
    outRoot: join(out, 'artifacts'),
    // int8 keeps the CNN's own 8-bit weights exactly (cnn-weights.ts) at a quarter of the bytes.
    precision: 'int8',
    splits: ['train', 'val', 'test'],
    evalSplit: null,
    space: 'retrieval',
    version: PICTURE_MODEL_VERSION,
    log: (line) => process.stderr.write(`[picture model] ${line}\n`),
    progressStream: { write: () => true },
  };
  await exportModel(request);
  // `--pair` (the page's browser test, which serves a pair as `npm start` does): the same
  // checkpoint exported again as the regularities version of the same data.
  if (withPair) {
    await exportModel({
      ...request,
      space: 'regularities',
      version: PICTURE_MODEL_PAIR_VERSION,
    });
  }
  // A trained picture: the tests also check that the model learned it (its own captions first).
  const sample = made.find((m) => m.split === 'train') as Made;
  const row = made.indexOf(sample);
  return {
    version: PICTURE_MODEL_VERSION,
    made: {
      file: sample.file,
      path: join(picturesDir, sample.file),
      features: Array.from(features.subarray(row * dim, (row + 1) * dim)),
    },
    photo: await devPhoto(),
    seconds: {
      features: featureSeconds,
      train: trainSeconds,
      export: (performance.now() - exportStart) / 1000,
    },
  };
}

const out = process.argv[2];
if (out === undefined) throw new Error('usage: picture-model-build.ts OUT_DIR [--pair]');
const built = await build(out, process.argv[3] === '--pair');
await writeFile(join(out, 'picture-model.json'), JSON.stringify(built));
process.exit(0);
