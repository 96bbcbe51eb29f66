import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_FILES } from '../../../core/model-files.ts';
import { tokenize } from '../../../core/tokenizer.ts';
import {
  type CaptionMetadata,
  type ImageMetadata,
  parseVectorRecord,
  type VectorRecord,
} from '../../../core/vector-records.ts';
import { Vocabulary } from '../../../core/vocabulary.ts';
import type { Dataset, SplitData, SplitName } from '../../../trainer/data/dataset.ts';
import { embedCaptions, embedImages } from '../../../trainer/evaluate/embed.ts';
import { directionRow, metricsOf } from '../../../trainer/evaluate/evaluate.ts';
import { fileEntryAt } from '../../../trainer/export/model-version.ts';
import {
  paritySampleIndices,
  type VectorFilesRequest,
  writeVectorFiles,
} from '../../../trainer/export/vector-files.ts';
import type { ModelConfig } from '../../../trainer/model/config.ts';
import { JointModel } from '../../../trainer/model/model.ts';
import { encodeCaptions } from '../../../trainer/model/token-batch.ts';
import { Random } from '../../../trainer/random.ts';
import { selectBackend } from '../../../trainer/tf/backend.ts';
import { tinyWeights } from '../../support/tiny-model.ts';

/**
 * images.ndjson and captions.ndjson of a model version, written from a small in-memory dataset
 * by a small LSTM model on the cpu backend, and read back.
 */

const COLOURS = ['red', 'blue', 'green', 'yellow'];
const OBJECTS = ['car', 'dog', 'boat', 'house', 'tree'];
const FEATURE_DIM = 6;

/** Two captions per image; the test split's second captions hold a word no vocabulary has. */
function makeSplit(name: SplitName, imageIds: string[], seed: number): SplitData {
  const captions = imageIds.flatMap((_, i) => [
    `a ${COLOURS[i % 4]} ${OBJECTS[i % 5]} on the grass`,
    name === 'test'
      ? `the zorblax ${OBJECTS[(i + 2) % 5]}`
      : `the ${OBJECTS[i % 5]} is ${COLOURS[(i + 1) % 4]}`,
  ]);
  return {
    name,
    imageIds,
    features: new Random(seed).gaussians(imageIds.length * FEATURE_DIM, 1),
    dim: FEATURE_DIM,
    captions,
    tokens: captions.map((c) => tokenize(c)),
    captionImage: Int32Array.from(captions, (_, j) => Math.floor(j / 2)),
  };
}

const VAL = makeSplit('val', ['red car.jpg', 'dog.jpg', 'boat.jpg'], 1);
const TEST = makeSplit(
  'test',
  Array.from({ length: 20 }, (_, i) => `test_${String(i).padStart(3, '0')}.jpg`),
  2,
);
const DATASET: Dataset = {
  name: 'tiny',
  format: 'demo',
  source: '/data/tiny',
  splits: { val: VAL, test: TEST },
};
const VOCABULARY = Vocabulary.build(VAL.tokens);
const CONFIG: ModelConfig = {
  encoder: 'lstm',
  vocabSize: VOCABULARY.size,
  wordDim: 4,
  jointDim: 5,
  featureDim: FEATURE_DIM,
};
const D = CONFIG.jointDim;
const MAX_LENGTH = 50;

let root: string;
let folders = 0;
let model: JointModel;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jointspace-vector-files-'));
  await selectBackend('cpu');
  model = new JointModel(CONFIG, tinyWeights(CONFIG));
});

afterAll(async () => {
  model.dispose();
  await rm(root, { recursive: true, force: true });
});

/** Writes the vector files into a fresh folder; returns the folder, the result and the progress text. */
async function write(overrides: Partial<VectorFilesRequest> = {}) {
  const dir = join(root, `version-${folders++}`);
  await mkdir(dir);
  let progress = '';
  const result = await writeVectorFiles({
    dir,
    model,
    vocabulary: VOCABULARY,
    maxLength: MAX_LENGTH,
    dataset: DATASET,
    splits: ['val', 'test'],
    evalSplit: 'test',
    progressStream: {
      write: (chunk: string) => {
        progress += chunk;
      },
    },
    ...overrides,
  });
  return { dir, result, progress };
}

async function records<M>(dir: string, file: string): Promise<VectorRecord<M>[]> {
  const text = await readFile(join(dir, file), 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .trimEnd()
    .split('\n')
    .map((line) => parseVectorRecord<M>(line, D));
}

/** The split's vectors as the trainer computes them, row by row. */
async function expectedVectors(split: SplitData): Promise<{
  images: Float32Array;
  captions: Float32Array;
  captionIds: Int32Array[];
}> {
  const { ids } = encodeCaptions(split.tokens, split.captionImage, VOCABULARY, MAX_LENGTH);
  return {
    images: await embedImages(model, split.features, split.dim),
    captions: await embedCaptions(model, ids),
    captionIds: ids,
  };
}

function rows(data: Float32Array): Float32Array[] {
  return Array.from({ length: data.length / D }, (_, i) => data.slice(i * D, (i + 1) * D));
}

/** A record's values as the float32 vector they stand for (the file holds shortest decimals). */
function vectorOf(record: VectorRecord<unknown> | undefined): Float32Array {
  return Float32Array.from(record?.values ?? []);
}

describe('writeVectorFiles', () => {
  it('writes every image of the chosen splits, in order, with its name as id and its vector', async () => {
    const { dir } = await write();
    const images = await records<ImageMetadata>(dir, MODEL_FILES.images);
    expect(images.map((r) => r.id)).toEqual([...VAL.imageIds, ...TEST.imageIds]);
    expect(images[0]?.metadata).toEqual({ file: 'red car.jpg', split: 'val' });
    expect(images[3]?.metadata).toEqual({ file: 'test_000.jpg', split: 'test' });
    // The NDJSON numbers read back as exactly the float32 vectors the model computed.
    const expected = [
      ...rows((await expectedVectors(VAL)).images),
      ...rows((await expectedVectors(TEST)).images),
    ];
    expect(images.map(vectorOf)).toEqual(expected);
  });

  it("writes every caption with its image's id and its place among that image's captions", async () => {
    const { dir } = await write();
    const captions = await records<CaptionMetadata>(dir, MODEL_FILES.captions);
    expect(captions).toHaveLength(VAL.captions.length + TEST.captions.length);
    expect(captions.slice(0, 3).map((r) => [r.id, r.metadata])).toEqual([
      ['red car.jpg#0', { text: VAL.captions[0], imageId: 'red car.jpg', split: 'val' }],
      ['red car.jpg#1', { text: VAL.captions[1], imageId: 'red car.jpg', split: 'val' }],
      ['dog.jpg#0', { text: VAL.captions[2], imageId: 'dog.jpg', split: 'val' }],
    ]);
    expect(captions.at(-1)?.id).toBe('test_019.jpg#1');
    const expected = [
      ...rows((await expectedVectors(VAL)).captions),
      ...rows((await expectedVectors(TEST)).captions),
    ];
    expect(captions.map(vectorOf)).toEqual(expected);
  });

  it("returns each file's size, SHA-256 and count, as the manifest lists them", async () => {
    const { dir, result } = await write();
    expect(result.images).toEqual({
      ...(await fileEntryAt(join(dir, MODEL_FILES.images))),
      count: 23,
    });
    expect(result.captions).toEqual({
      ...(await fileEntryAt(join(dir, MODEL_FILES.captions))),
      count: 46,
    });
  });

  it('scores the evaluation split from the same vectors, and gives the manifest its table', async () => {
    const { result } = await write();
    const { images, captions } = await expectedVectors(TEST);
    const metrics = metricsOf({ images, captions }, TEST, D);
    expect(result.metrics).toEqual(metrics);
    expect(result.evaluation).toEqual({
      split: 'test',
      images: 20,
      captions: 40,
      annotation: directionRow(metrics.annotation),
      search: directionRow(metrics.search),
      rsum: metrics.rsum,
    });
  });

  it('scores an evaluation split without writing its vectors, or none at all', async () => {
    const valOnly = await write({ splits: ['val'], evalSplit: 'test' });
    const images = await records<ImageMetadata>(valOnly.dir, MODEL_FILES.images);
    expect(images.map((r) => r.id)).toEqual(VAL.imageIds);
    expect(valOnly.result.images.count).toBe(3);
    expect(valOnly.result.evaluation).toMatchObject({ split: 'test', images: 20, captions: 40 });

    const none = await write({ splits: ['val'], evalSplit: null });
    expect(none.result.metrics).toBeNull();
    expect(none.result.evaluation).toBeNull();
  });

  it('gives each image a url when asked: the base and its file name, URL-encoded', async () => {
    const { dir } = await write({ splits: ['val'], imageBaseUrl: 'https://img.example/demo/' });
    const [first] = await records<ImageMetadata>(dir, MODEL_FILES.images);
    expect(first?.metadata).toEqual({
      file: 'red car.jpg',
      split: 'val',
      url: 'https://img.example/demo/red%20car.jpg',
    });
  });

  it('samples captions and images of the first split written, with their written vectors', async () => {
    const { dir, result } = await write({ splits: ['test', 'val'] });
    const { sample } = result;
    const { captionIds } = await expectedVectors(TEST);
    const chosen = paritySampleIndices(captionIds);
    expect(sample.captions).toEqual(chosen.map((j) => captionIds[j]));
    const captions = await records<CaptionMetadata>(dir, MODEL_FILES.captions);
    expect(sample.captionVectors).toEqual(chosen.map((j) => vectorOf(captions[j])));
    // The first 16 images of 20.
    const images = await records<ImageMetadata>(dir, MODEL_FILES.images);
    expect(sample.features).toHaveLength(16);
    expect(sample.features[15]).toEqual(TEST.features.slice(15 * FEATURE_DIM, 16 * FEATURE_DIM));
    expect(sample.imageVectors).toEqual(images.slice(0, 16).map(vectorOf));
  });

  it('draws a progress line for the images and the captions of each split', async () => {
    const { progress } = await write({ splits: ['val'], evalSplit: null });
    const lines = progress.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^val images +100% 3\/3/);
    expect(lines[1]).toMatch(/^val captions +100% 6\/6/);
  });

  it('refuses two images that would share a vector id, naming both', async () => {
    const clash = makeSplit('test', ['cat.jpg', 'dog.jpg'], 3);
    await expect(
      write({ dataset: { ...DATASET, splits: { val: VAL, test: clash } } }),
    ).rejects.toThrow('two images would share the vector id "dog.jpg": "dog.jpg" and "dog.jpg"');
  });
});

describe('paritySampleIndices', () => {
  it('takes every caption, once each, when there are fewer than 48', () => {
    const ids = Array.from({ length: 30 }, (_, i) =>
      Int32Array.from({ length: 1 + (i % 9) }, () => 2),
    );
    expect(paritySampleIndices(ids).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, i) => i),
    );
    expect(paritySampleIndices([])).toEqual([]);
  });

  it('takes 48 of many: the 4 shortest, the 8 longest, ones with unknown words, and a spread', () => {
    const ids = Array.from({ length: 1000 }, (_, i) =>
      Int32Array.from({ length: 3 + (i % 5) }, (_, t) => 2 + ((i + t) % 9)),
    );
    for (const [i, length] of [
      [10, 1],
      [20, 1],
      [30, 2],
      [40, 2],
    ] as const)
      ids[i] = Int32Array.from({ length }, () => 5);
    for (let k = 0; k < 8; k++) ids[100 + k] = new Int32Array(20 + k).fill(3);
    // Two captions with an unknown word (id 1), far from the spread's steps of 20.
    ids[503] = Int32Array.of(4, 1, 6);
    ids[617] = Int32Array.of(1, 7);

    const chosen = paritySampleIndices(ids);
    expect(chosen).toHaveLength(48);
    expect(new Set(chosen).size).toBe(48);
    for (const i of chosen) expect(i >= 0 && i < 1000).toBe(true);
    expect(chosen).toEqual(
      expect.arrayContaining([10, 20, 30, 40, 100, 101, 102, 103, 104, 105, 106, 107, 503, 617]),
    );
    // The rest spread over the whole list, not bunched at its start.
    expect(Math.max(...chosen.filter((i) => i % 20 === 0))).toBeGreaterThan(600);
  });
});
