import type { ManifestFile } from '../../core/manifest.ts';
import {
  FLAT_INDEX_ENCODINGS,
  flatIndexFile,
  MODEL_FILES,
  VECTOR_KINDS,
} from '../../core/model-files.ts';
import { tokenize } from '../../core/tokenizer.ts';
import { Vocabulary } from '../../core/vocabulary.ts';
import type { ManifestFacts } from '../../trainer/export/manifest-of.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../trainer/model/config.ts';

/**
 * What an export knows once its files are written (trainer/export/manifest-of.ts), for a small
 * LSTM model: the checkpoint header, the data, the counts and the files. The values are all
 * different from each other, so a field copied from the wrong place shows.
 */

export const SAMPLE_VOCABULARY = Vocabulary.build(
  ['a red car in the snow', 'two dogs on a beach', 'a blue boat on a lake'].map((c) => tokenize(c)),
  { minCount: 1 },
);

/** Every file a model version lists in its manifest (manifest.json itself is not listed). */
export const LISTED_FILES: readonly string[] = [
  MODEL_FILES.vocabulary,
  MODEL_FILES.sentenceEncoder,
  MODEL_FILES.imageProjection,
  MODEL_FILES.images,
  MODEL_FILES.captions,
  ...VECTOR_KINDS.flatMap((kind) => FLAT_INDEX_ENCODINGS.map((e) => flatIndexFile(kind, e))),
];

/** Distinct small contents for every listed file. */
export function sampleFileContents(): Record<string, Uint8Array> {
  return Object.fromEntries(
    LISTED_FILES.map((name, i) => [name, new TextEncoder().encode(`${name}: ${'x'.repeat(i)}\n`)]),
  );
}

export function sampleManifestFacts(files: Record<string, ManifestFile>): ManifestFacts {
  return {
    version: 'lstm20-jointspace-demo-f16-0123abcd',
    space: 'retrieval',
    precision: 'float16',
    header: {
      model: {
        encoder: 'lstm',
        vocabSize: SAMPLE_VOCABULARY.size,
        wordDim: 12,
        jointDim: 20,
        featureDim: 9,
      },
      train: { ...DEFAULT_TRAIN_CONFIG, maxLength: 40, epochs: 3 },
      vocabulary: SAMPLE_VOCABULARY.toJSON(),
      progress: {
        epoch: 2,
        batchInEpoch: 5,
        update: 120,
        bestRsum: 345.5,
        bestUpdate: 100,
        seconds: 61.25,
      },
      dataset: { name: 'jointspace-demo', format: 'demo', source: '/data/jointspace-demo' },
      backend: 'cpu',
      createdAt: '2026-01-02T03:04:05.000Z',
    },
    dataset: {
      name: 'jointspace-demo',
      format: 'demo',
      source: '/home/someone/data/jointspace-demo-v2',
      splits: {},
    },
    splits: ['val', 'test'],
    counts: { images: 7, captions: 35 },
    flat: {
      images: {
        float32: flatIndexFile('images', 'float32'),
        int8: flatIndexFile('images', 'int8'),
      },
      captions: {
        float32: flatIndexFile('captions', 'float32'),
        int8: flatIndexFile('captions', 'int8'),
      },
    },
    evaluation: null,
    extractor: null,
    imageEncoder: null,
    files,
  };
}
