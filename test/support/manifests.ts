import type { ModelManifest } from '../../core/manifest.ts';
import {
  FLAT_INDEX_ENCODINGS,
  flatIndexFile,
  MODEL_FILES,
  VECTOR_KINDS,
} from '../../core/model-files.ts';

/** A well-formed manifest of a retrieval version, for the tests of what reads manifests. */
export const sha = (c: string) => c.repeat(64);

export function exampleManifest(): ModelManifest {
  const file = { bytes: 10, sha256: sha('a') };
  return {
    format: 'jointspace-model',
    formatVersion: 1,
    version: 'lstm256-jointspace-demo-f32-0123abcd',
    space: 'retrieval',
    createdAt: '2026-11-28T00:00:00.000Z',
    model: {
      encoder: 'lstm',
      dimension: 256,
      wordDim: 300,
      featureDim: 512,
      vocabSize: 177,
      maxTokens: 50,
      weights: 'float32',
    },
    onnx: {
      opset: 17,
      irVersion: 8,
      sentenceEncoder: {
        file: MODEL_FILES.sentenceEncoder,
        input: 'token_ids',
        output: 'sentence_vector',
      },
      imageProjection: {
        file: MODEL_FILES.imageProjection,
        input: 'image_features',
        output: 'image_vector',
      },
    },
    vocabulary: {
      file: MODEL_FILES.vocabulary,
      hash: sha('b'),
      tokenizer: 'unicode-words-v1',
      size: 177,
      minCount: 1,
    },
    vectors: {
      images: { file: MODEL_FILES.images, count: 4 },
      captions: { file: MODEL_FILES.captions, count: 20 },
      splits: ['test'],
    },
    data: { name: 'jointspace-demo', format: 'demo', source: 'demo' },
    training: { update: 10, bestDevRsum: 300, seconds: 5, config: { epochs: 1 } },
    evaluation: null,
    files: {
      [MODEL_FILES.sentenceEncoder]: file,
      [MODEL_FILES.imageProjection]: file,
      [MODEL_FILES.vocabulary]: file,
      [MODEL_FILES.images]: file,
      [MODEL_FILES.captions]: file,
    },
  };
}

/** exampleManifest with flat index files of both encodings listed (as export writes them). */
export function exampleManifestWithFlat(): ModelManifest {
  const m = exampleManifest();
  const file = { bytes: 30, sha256: sha('c') };
  for (const kind of VECTOR_KINDS) {
    const names = { float32: flatIndexFile(kind, 'float32'), int8: flatIndexFile(kind, 'int8') };
    m.vectors[kind].flat = names;
    for (const encoding of FLAT_INDEX_ENCODINGS) m.files[names[encoding]] = file;
  }
  return m;
}
