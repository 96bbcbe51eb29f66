import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFlatIndex } from '../../../core/flat-index.ts';
import {
  type ModelManifest,
  parseManifest,
  type WEIGHT_PRECISIONS,
} from '../../../core/manifest.ts';
import {
  FLAT_INDEX_ENCODINGS,
  flatIndexFile,
  MODEL_FILES,
  VECTOR_KINDS,
} from '../../../core/model-files.ts';
import { PICTURE_RESIZE } from '../../../core/picture-pixels.ts';
import { tokenize } from '../../../core/tokenizer.ts';
import {
  type CaptionMetadata,
  type ImageMetadata,
  parseVectorRecord,
  type VectorRecord,
} from '../../../core/vector-records.ts';
import { Vocabulary } from '../../../core/vocabulary.ts';
import type { Dataset, SplitData } from '../../../trainer/data/dataset.ts';
import { loadDataset } from '../../../trainer/data/load.ts';
import { DEFAULT_WORLD_OPTIONS, generateDemoWorld } from '../../../trainer/demo/world.ts';
import { writeDemoWorld } from '../../../trainer/demo/write-world.ts';
import { evaluateSplit, metricsOf } from '../../../trainer/evaluate/evaluate.ts';
import {
  type ExportRequest,
  type ExportResult,
  exportModel,
} from '../../../trainer/export/export-model.ts';
import { ExtractorChoiceError } from '../../../trainer/export/extractor-choice.ts';
import { fileEntryOf, readModelVersion } from '../../../trainer/export/model-version.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../../trainer/model/config.ts';
import { JointModel } from '../../../trainer/model/model.ts';
import { encodeCaptions } from '../../../trainer/model/token-batch.ts';
import { DEFAULT_EXTRACTOR } from '../../../trainer/pictures/cnn.ts';
import { Random } from '../../../trainer/random.ts';
import { selectBackend } from '../../../trainer/tf/backend.ts';
import { type Checkpoint, loadCheckpoint } from '../../../trainer/train/checkpoint.ts';
import { RUN_FILES } from '../../../trainer/train/run-files.ts';
import { train } from '../../../trainer/train/train.ts';
import { FLICKR8K, HAVE_FLICKR8K_PHOTOS } from '../../support/shared-data.ts';
import { tinyWeights } from '../../support/tiny-model.ts';

/**
 * `export` end to end on a demo world (1,600 pictures: 500 train, 100 val, 1,000 test): the
 * folder, the manifest, the ids, the vectors against the ONNX encoders, the evaluation against
 * the trainer's, the smaller weights against float32, and what a failed or repeated export does.
 */

let root: string;
let dataset: Dataset;
const checkpoints: Partial<Record<'lstm' | 'bow', Checkpoint>> = {};
const exports = new Map<string, ExportResult>();
const quiet = { log: () => undefined, progressStream: { write: () => true } };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jointspace-export-'));
  const world = generateDemoWorld({
    ...DEFAULT_WORLD_OPTIONS,
    images: 1600,
    val: 100,
    test: 1000,
    seed: 11,
  });
  await writeDemoWorld(world, join(root, 'world'));
  dataset = await loadDataset(join(root, 'world'));
  await selectBackend('wasm');
  for (const encoder of ['lstm', 'bow'] as const) {
    const runDir = join(root, `run-${encoder}`);
    await train({
      dataset,
      encoder,
      wordDim: 24,
      jointDim: 48,
      train: {
        ...DEFAULT_TRAIN_CONFIG,
        epochs: 4,
        learningRate: 3e-3,
        validateEvery: 20,
        batchSize: 100,
      },
      runDir,
      resume: false,
      backend: 'wasm',
      log: () => undefined,
      progress: false,
    });
    checkpoints[encoder] = await loadCheckpoint(RUN_FILES(runDir).best);
  }
}, 120_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function request(encoder: 'lstm' | 'bow', overrides: Partial<ExportRequest> = {}): ExportRequest {
  return {
    checkpoint: checkpoints[encoder] as Checkpoint,
    dataset,
    outRoot: join(root, 'artifacts'),
    precision: 'float32',
    splits: ['val', 'test'],
    evalSplit: 'test',
    space: encoder === 'bow' ? 'regularities' : 'retrieval',
    ...quiet,
    ...overrides,
  };
}

/** Each export is made once and shared by the tests that read it. */
async function exported(
  encoder: 'lstm' | 'bow',
  precision: (typeof WEIGHT_PRECISIONS)[number] = 'float32',
): Promise<ExportResult> {
  const key = `${encoder}-${precision}`;
  let result = exports.get(key);
  if (!result) {
    result = await exportModel(request(encoder, { precision }));
    exports.set(key, result);
  }
  return result;
}

async function readRecords<M>(path: string, dimension: number): Promise<VectorRecord<M>[]> {
  const text = await readFile(path, 'utf8');
  return text
    .trimEnd()
    .split('\n')
    .map((line) => parseVectorRecord<M>(line, dimension));
}

function split(name: 'train' | 'val' | 'test'): SplitData {
  return dataset.splits[name] as SplitData;
}

function rowsOf(records: VectorRecord<unknown>[]): Float32Array {
  const D = records[0]?.values.length ?? 0;
  const out = new Float32Array(records.length * D);
  records.forEach((r, i) => {
    out.set(r.values, i * D);
  });
  return out;
}

describe('export', () => {
  it('writes a model version folder whose manifest describes it and checks out', async () => {
    const { dir, manifest, written } = await exported('lstm');
    expect(written).toBe(true);
    // Demo-world features come from no CNN: no image encoder (the tests below have one).
    const writtenFiles = Object.values(MODEL_FILES).filter((f) => f !== MODEL_FILES.imageEncoder);
    expect((await readdir(dir)).sort()).toEqual([...writtenFiles, 'flat'].sort());
    expect((await readdir(join(dir, 'flat'))).sort()).toEqual([
      'captions.float32.bin',
      'captions.int8.bin',
      'images.float32.bin',
      'images.int8.bin',
    ]);
    const onDisk: ModelManifest = parseManifest(
      JSON.parse(await readFile(join(dir, MODEL_FILES.manifest), 'utf8')),
    );
    expect(onDisk).toEqual(manifest);
    expect(await readModelVersion(dir)).toEqual(manifest);
    expect(manifest.version).toMatch(/^lstm48-jointspace-demo-f32-[0-9a-f]{8}$/);
    expect(manifest.model).toMatchObject({
      encoder: 'lstm',
      dimension: 48,
      wordDim: 24,
      featureDim: 512,
      maxTokens: 50,
      weights: 'float32',
    });
    expect(manifest.onnx).toMatchObject({
      opset: 17,
      sentenceEncoder: { input: 'token_ids', output: 'sentence_vector' },
    });
    const vocab = Vocabulary.fromJSON(
      JSON.parse(await readFile(join(dir, MODEL_FILES.vocabulary), 'utf8')),
    );
    expect(manifest.vocabulary.hash).toBe(vocab.toJSON().hash);
    expect(manifest.vocabulary.size).toBe(vocab.size);
    expect(manifest.vectors.images.count).toBe(1100);
    expect(manifest.vectors.captions.count).toBe(5500);
    expect(manifest.vectors.splits).toEqual(['val', 'test']);
    expect(manifest.evaluation?.split).toBe('test');
    const flatFiles = VECTOR_KINDS.flatMap((kind) =>
      FLAT_INDEX_ENCODINGS.map((encoding) => flatIndexFile(kind, encoding)),
    );
    expect(Object.keys(manifest.files).sort()).toEqual(
      [...writtenFiles.filter((f) => f !== MODEL_FILES.manifest), ...flatFiles].sort(),
    );
  });

  it('writes the flat index files of every kind and encoding, from the same vectors', async () => {
    const { dir, manifest } = await exported('lstm');
    const images = await readRecords<ImageMetadata>(join(dir, MODEL_FILES.images), 48);
    for (const encoding of FLAT_INDEX_ENCODINGS) {
      const file = manifest.vectors.images.flat?.[encoding] as string;
      expect(file).toBe(flatIndexFile('images', encoding));
      const flat = decodeFlatIndex(new Uint8Array(await readFile(join(dir, file))));
      expect(flat).toMatchObject({ version: manifest.version, dimension: 48, encoding });
      expect(flat.ids).toEqual(images.map((r) => r.id));
      expect(flat.metadata[3]).toEqual(images[3]?.metadata);
      const row = Array.from(images[3]?.values ?? []);
      const stored =
        flat.encoding === 'float32'
          ? Array.from(flat.vectors.subarray(3 * 48, 4 * 48))
          : Array.from(flat.vectors.subarray(3 * 48, 4 * 48), (q) => q * flat.scales[3]!);
      for (const [i, x] of row.entries())
        expect(Math.abs((stored[i] as number) - x)).toBeLessThan(encoding === 'int8' ? 0.01 : 1e-7);
    }
  });

  it('gives every vector a stable id within 64 bytes and the metadata Vectorize will carry', async () => {
    const { dir } = await exported('lstm');
    const images = await readRecords<ImageMetadata>(join(dir, MODEL_FILES.images), 48);
    const captions = await readRecords<CaptionMetadata>(join(dir, MODEL_FILES.captions), 48);
    const ids = [...images, ...captions].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(new TextEncoder().encode(id).length).toBeLessThanOrEqual(64);
    const test = split('test');
    const firstTest = images.findIndex((r) => r.metadata.split === 'test');
    expect(images[firstTest]).toMatchObject({
      id: test.imageIds[0],
      metadata: { file: test.imageIds[0], split: 'test' },
    });
    const testCaptions = captions.filter((r) => r.metadata.split === 'test');
    expect(testCaptions.map((r) => r.metadata.text)).toEqual(test.captions);
    expect(testCaptions[0]).toMatchObject({
      id: `${test.imageIds[0]}#0`,
      metadata: { imageId: test.imageIds[0] },
    });
    expect(testCaptions[4]?.id).toBe(`${test.imageIds[0]}#4`);
  });

  it('writes vectors that the exported ONNX encoders reproduce, in onnxruntime-node', async () => {
    const { dir, manifest } = await exported('lstm');
    const D = manifest.model.dimension;
    const test = split('test');
    const images = (await readRecords<ImageMetadata>(join(dir, MODEL_FILES.images), D)).filter(
      (r) => r.metadata.split === 'test',
    );
    const captions = (
      await readRecords<CaptionMetadata>(join(dir, MODEL_FILES.captions), D)
    ).filter((r) => r.metadata.split === 'test');
    const imageSession = await ortNode.InferenceSession.create(
      join(dir, MODEL_FILES.imageProjection),
    );
    const features = new ortNode.Tensor('float32', test.features, [test.imageIds.length, test.dim]);
    const projected = (await imageSession.run({ image_features: features })).image_vector
      ?.data as Float32Array;
    expect(maxDiff(projected, rowsOf(images))).toBeLessThan(1e-4);

    const vocab = Vocabulary.fromJSON(
      JSON.parse(await readFile(join(dir, MODEL_FILES.vocabulary), 'utf8')),
    );
    const sentenceSession = await ortNode.InferenceSession.create(
      join(dir, MODEL_FILES.sentenceEncoder),
    );
    const encoded = encodeCaptions(test.tokens, test.captionImage, vocab, manifest.model.maxTokens);
    let worst = 0;
    for (const [j, ids] of encoded.ids.entries()) {
      const input = new ortNode.Tensor(
        'int64',
        BigInt64Array.from(ids, (x) => BigInt(x)),
        [1, ids.length],
      );
      const got = (await sentenceSession.run({ token_ids: input })).sentence_vector
        ?.data as Float32Array;
      worst = Math.max(worst, maxDiff(got, Float32Array.from(captions[j]?.values ?? [])));
    }
    expect(worst).toBeLessThan(1e-4);
    await imageSession.release();
    await sentenceSession.release();
  });

  it("loads and runs in onnxruntime-web, the worker's runtime", async () => {
    const { dir, manifest } = await exported('bow');
    ortWeb.env.wasm.numThreads = 1;
    const session = await ortWeb.InferenceSession.create(
      await readFile(join(dir, MODEL_FILES.sentenceEncoder)),
    );
    const vocab = Vocabulary.fromJSON(
      JSON.parse(await readFile(join(dir, MODEL_FILES.vocabulary), 'utf8')),
    );
    const [first] = await readRecords<CaptionMetadata>(
      join(dir, MODEL_FILES.captions),
      manifest.model.dimension,
    );
    const ids = vocab.encode(first?.metadata.text ?? '').ids;
    const input = new ortWeb.Tensor(
      'int64',
      BigInt64Array.from(ids, (x) => BigInt(x)),
      [1, ids.length],
    );
    const got = (await session.run({ token_ids: input })).sentence_vector?.data as Float32Array;
    expect(maxDiff(got, Float32Array.from(first?.values ?? []))).toBeLessThan(1e-4);
    await session.release();
  });

  it("scores the exported vectors exactly as the trainer's evaluate does", async () => {
    for (const encoder of ['lstm', 'bow'] as const) {
      const { dir, manifest } = await exported(encoder);
      const D = manifest.model.dimension;
      const images = (await readRecords<ImageMetadata>(join(dir, MODEL_FILES.images), D)).filter(
        (r) => r.metadata.split === 'test',
      );
      const captions = (
        await readRecords<CaptionMetadata>(join(dir, MODEL_FILES.captions), D)
      ).filter((r) => r.metadata.split === 'test');
      const fromFiles = metricsOf(
        { images: rowsOf(images), captions: rowsOf(captions) },
        split('test'),
        D,
      );

      const checkpoint = checkpoints[encoder] as Checkpoint;
      const model = new JointModel(checkpoint.header.model, checkpoint.weights);
      const vocab = Vocabulary.fromJSON(checkpoint.header.vocabulary);
      const fromTrainer = await evaluateSplit(
        model,
        split('test'),
        vocab,
        checkpoint.header.train.maxLength,
      );
      model.dispose();
      expect(fromFiles).toEqual(fromTrainer);
      expect(manifest.evaluation).toMatchObject({
        rsum: fromTrainer.rsum,
        annotation: {
          r1: fromTrainer.annotation.r1,
          medianRank: fromTrainer.annotation.medianRank,
        },
        search: { r10: fromTrainer.search.r10, meanRank: fromTrainer.search.meanRank },
      });
    }
  });

  it('with float16 or int8 weights keeps every recall within 0.5 points of float32', async () => {
    for (const encoder of ['lstm', 'bow'] as const) {
      const base = (await exported(encoder, 'float32')).manifest;
      for (const precision of ['float16', 'int8'] as const) {
        const smaller = (await exported(encoder, precision)).manifest;
        expect(smaller.version).not.toBe(base.version);
        expect(smaller.files[MODEL_FILES.sentenceEncoder]?.bytes).toBeLessThan(
          (base.files[MODEL_FILES.sentenceEncoder]?.bytes ?? 0) * 0.55,
        );
        for (const direction of ['annotation', 'search'] as const) {
          for (const k of ['r1', 'r5', 'r10'] as const) {
            const a = base.evaluation?.[direction][k] ?? Number.NaN;
            const b = smaller.evaluation?.[direction][k] ?? Number.NaN;
            expect(
              Math.abs(a - b),
              `${encoder} ${precision} ${direction} ${k}: ${a} vs ${b}`,
            ).toBeLessThanOrEqual(0.5);
          }
        }
      }
    }
  });

  it('gives the same version and ids when run again, and keeps the folder already there', async () => {
    const first = await exported('bow');
    const again = await exportModel(request('bow'));
    expect(again.written).toBe(false);
    expect(again.dir).toBe(first.dir);
    expect(again.manifest.files).toEqual(first.manifest.files);
    const elsewhere = await exportModel(
      request('bow', { outRoot: join(root, 'elsewhere'), splits: ['val'] }),
    );
    expect(elsewhere.manifest.version).not.toBe(first.manifest.version);
    const all = await readRecords<ImageMetadata>(join(first.dir, MODEL_FILES.images), 48);
    const onlyVal = await readRecords<ImageMetadata>(join(elsewhere.dir, MODEL_FILES.images), 48);
    expect(onlyVal).toEqual(all.filter((r) => r.metadata.split === 'val'));
  });

  it('refuses to replace a different model under an existing name unless forced', async () => {
    const cheap = { splits: ['val'], evalSplit: null } satisfies Partial<ExportRequest>;
    const named = await exportModel(request('bow', { ...cheap, version: 'my-model' }));
    expect(named.dir).toBe(join(root, 'artifacts', 'my-model'));
    await expect(
      exportModel(request('bow', { ...cheap, precision: 'int8', version: 'my-model' })),
    ).rejects.toThrow(/already exists and holds different files.*--force/);
    const forced = await exportModel(
      request('bow', { ...cheap, precision: 'int8', version: 'my-model', force: true }),
    );
    expect(forced.written).toBe(true);
    expect((await readModelVersion(forced.dir)).model.weights).toBe('int8');
    await expect(exportModel(request('bow', { version: 'My Model!' }))).rejects.toThrow(
      /lowercase letters, digits and dashes/,
    );
  });

  it('leaves nothing behind when it fails part way', async () => {
    const outRoot = join(root, 'failing');
    const test = split('test');
    // Two images with one name: found only while writing the vectors, after the ONNX files.
    const clash: Dataset = {
      ...dataset,
      splits: {
        test: {
          ...test,
          imageIds: test.imageIds.map((id, i) => (i === 1 ? (test.imageIds[0] as string) : id)),
        },
      },
    };
    await expect(
      exportModel(request('bow', { dataset: clash, outRoot, splits: ['test'], evalSplit: null })),
    ).rejects.toThrow(/two images would share the vector id/);
    expect(await readdir(outRoot)).toEqual([]);
  });
});

/**
 * The image encoder: a tiny model on 1792-d features (a hand-made checkpoint: nothing to train)
 * whose features come from the default extractor, by the dataset's record or by the flag, or
 * from nowhere known. Where the shared Flickr8k photos are reachable, the dataset names four of
 * them and the check uses three.
 */
describe('export: the image encoder', () => {
  const photoIds = HAVE_FLICKR8K_PHOTOS
    ? [
        '1022454332_6af2c1449a.jpg',
        '103106960_e8a41d64f8.jpg',
        '1032122270_ea6f0beedb.jpg',
        '1034276567_49bb87c51c.jpg',
      ]
    : ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg'];
  const photos = HAVE_FLICKR8K_PHOTOS ? 3 : 0;

  function pictureRequest(
    extractor: string | null,
    overrides: Partial<ExportRequest> = {},
  ): ExportRequest {
    const words = ['a', 'dog', 'cat', 'runs', 'sits', 'on', 'grass', 'snow'];
    const rng = new Random(17);
    const captions = photoIds.flatMap((_, i) => [
      `a ${words[1 + (i % 2)]} ${words[3 + (i % 2)]}`,
      `a ${words[1 + (i % 2)]} on ${words[6 + (i % 2)]}`,
    ]);
    const test: SplitData = {
      name: 'test',
      imageIds: photoIds,
      features: rng.gaussians(photoIds.length * 1792).map(Math.abs),
      dim: 1792,
      captions,
      tokens: captions.map((c) => tokenize(c)),
      captionImage: Int32Array.from(captions, (_, k) => Math.floor(k / 2)),
    };
    const vocabulary = Vocabulary.build(test.tokens, { minCount: 1 });
    const config = {
      encoder: 'bow' as const,
      vocabSize: vocabulary.size,
      wordDim: 16,
      jointDim: 16,
      featureDim: 1792,
    };
    const checkpoint: Checkpoint = {
      header: {
        model: config,
        train: { ...DEFAULT_TRAIN_CONFIG },
        vocabulary: vocabulary.toJSON(),
        progress: {
          epoch: 1,
          batchInEpoch: 0,
          update: 10,
          bestRsum: 100,
          bestUpdate: 10,
          seconds: 1,
        },
        dataset: { name: 'pictures', format: 'karpathy', source: FLICKR8K.json },
        backend: 'wasm',
        createdAt: '2026-01-02T03:04:05.000Z',
      },
      weights: tinyWeights(config, 4, 0.05),
      optimizer: {},
      shapes: {},
    };
    return {
      checkpoint,
      dataset: {
        name: 'pictures',
        format: 'karpathy',
        source: FLICKR8K.json,
        extractor,
        splits: { test },
      },
      outRoot: join(root, 'pictures'),
      precision: 'float32',
      splits: ['test'],
      evalSplit: 'test',
      space: 'retrieval',
      progressStream: { write: () => true },
      ...overrides,
    };
  }

  /** An export and the lines it logged. */
  async function exportLogged(request: ExportRequest) {
    const lines: string[] = [];
    const result = await exportModel({ ...request, log: (line) => lines.push(line) });
    return { ...result, lines };
  }

  /** The float32 export from recorded features, made once and shared. */
  let recorded: ReturnType<typeof exportLogged> | undefined;
  const withEncoder = () => {
    recorded ??= exportLogged(pictureRequest(DEFAULT_EXTRACTOR.id));
    return recorded;
  };

  it('writes image_encoder.onnx when the features record the default extractor', async () => {
    const { dir, manifest, lines } = await withEncoder();
    expect(await readModelVersion(dir)).toEqual(manifest);
    const bytes = await readFile(join(dir, MODEL_FILES.imageEncoder));
    expect(manifest.files[MODEL_FILES.imageEncoder]).toEqual(fileEntryOf(bytes));
    expect(manifest.model.extractor).toBe(DEFAULT_EXTRACTOR.id);
    expect(manifest.onnx.imageEncoder).toMatchObject({
      file: MODEL_FILES.imageEncoder,
      input: 'pixels',
      output: 'image_vector',
      extractor: DEFAULT_EXTRACTOR.id,
      height: 224,
      width: 224,
      resize: PICTURE_RESIZE,
      weights: 'float32',
      parity: { pictures: 3 + photos },
    });
    const parity = manifest.onnx.imageEncoder?.parity;
    expect(parity?.maxAbsDifference).toBeLessThan(1e-5);
    expect(parity?.minCosine).toBeGreaterThan(0.99999);
    expect(lines.join('\n')).toMatch(
      new RegExp(
        `wrote image_encoder\\.onnx \\([\\d.]+ MiB, ${DEFAULT_EXTRACTOR.id} CNN, float32 weights\\); checked in onnxruntime-web against the trainer's extractor on ${3 + photos} pictures \\(${photos} of the dataset's photos\\): max \\|difference\\| `,
      ),
    );
  });

  it('writes none for features of unknown origin, and says why; the version name differs', async () => {
    const { dir, manifest, lines } = await exportLogged(pictureRequest(null));
    expect(existsSync(join(dir, MODEL_FILES.imageEncoder))).toBe(false);
    expect(manifest.onnx.imageEncoder).toBeNull();
    expect(manifest.model.extractor).toBeNull();
    expect(manifest.files[MODEL_FILES.imageEncoder]).toBeUndefined();
    expect(lines).toContain(
      `no image encoder: the features came from another extractor (none is recorded with them; if ${DEFAULT_EXTRACTOR.id} made them, say so with --extractor ${DEFAULT_EXTRACTOR.id})`,
    );
    // The content hash in the name covers the image encoder.
    expect(manifest.version).not.toBe((await withEncoder()).manifest.version);
  });

  it('writes one, with int8 weights, when the flag vouches for unrecorded features', async () => {
    const float32 = await withEncoder();
    const { manifest } = await exportModel(
      pictureRequest(null, { extractor: DEFAULT_EXTRACTOR.id, precision: 'int8' }),
    );
    expect(manifest.onnx.imageEncoder).toMatchObject({ weights: 'int8' });
    expect(manifest.onnx.imageEncoder?.parity.maxAbsDifference).toBeLessThan(1e-5);
    const size = (m: ModelManifest) => m.files[MODEL_FILES.imageEncoder]?.bytes as number;
    expect(size(manifest)).toBeLessThan(size(float32.manifest) / 3.5);
  });

  it('refuses a wrong extractor before anything is written', async () => {
    const outRoot = join(root, 'pictures-refused');
    await expect(
      exportModel(pictureRequest(null, { outRoot, extractor: 'vgg19' })),
    ).rejects.toThrow(ExtractorChoiceError);
    await expect(
      exportModel(pictureRequest('resnet152', { outRoot, extractor: DEFAULT_EXTRACTOR.id })),
    ).rejects.toThrow(/came from resnet152 \(their sidecar says so\)/);
    expect(existsSync(outRoot)).toBe(false);
  });
});

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}
