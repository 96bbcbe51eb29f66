import { describe, expect, it } from 'vitest';
import { JointspaceFormatError } from '../../core/errors.ts';
import { type ModelManifest, parseManifest } from '../../core/manifest.ts';
import { MODEL_FILES } from '../../core/model-files.ts';

const sha = (c: string) => c.repeat(64);

function valid(): ModelManifest {
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

function broken(edit: (m: Record<string, unknown> & ModelManifest) => void): unknown {
  const m = structuredClone(valid()) as Record<string, unknown> & ModelManifest;
  edit(m);
  return m;
}

describe('parseManifest', () => {
  it('accepts a well-formed manifest, and extra fields from newer exporters', () => {
    expect(parseManifest(valid())).toEqual(valid());
    expect(() => parseManifest({ ...valid(), future: true })).not.toThrow();
  });

  it('names what is wrong', () => {
    const cases: [unknown, RegExp][] = [
      [null, /the manifest must be an object/],
      [broken((m) => Object.assign(m, { format: 'other' })), /format must be "jointspace-model"/],
      [broken((m) => Object.assign(m, { formatVersion: 2 })), /formatVersion 2 is not supported/],
      [broken((m) => Object.assign(m, { version: 'Bad Name' })), /version "Bad Name" must match/],
      [
        broken((m) => Object.assign(m, { space: 'both' })),
        /space must be one of retrieval, regularities/,
      ],
      [
        broken((m) => Object.assign(m.model, { encoder: 'cnn' })),
        /model.encoder must be one of lstm, gru, bow, mean/,
      ],
      [
        broken((m) => Object.assign(m.model, { dimension: 0 })),
        /model.dimension must be a positive integer/,
      ],
      [
        broken((m) => Object.assign(m.vocabulary, { hash: 'abc' })),
        /vocabulary.hash must be a SHA-256/,
      ],
      [
        broken((m) => Object.assign(m.vocabulary, { size: 178 })),
        /vocabulary.size 178 differs from model.vocabSize 177/,
      ],
      [
        broken((m) => Object.assign(m.vectors.images, { count: -1 })),
        /vectors.images.count must be a count/,
      ],
      [
        broken((m) => delete m.files[MODEL_FILES.captions]),
        /"captions.ndjson" is named but not listed in files/,
      ],
      [
        broken((m) => Object.assign(m.files, { 'x.bin': { bytes: 1, sha256: 'no' } })),
        /files\["x.bin"\].sha256 must be a SHA-256/,
      ],
    ];
    for (const [input, message] of cases) {
      expect(() => parseManifest(input)).toThrow(JointspaceFormatError);
      expect(() => parseManifest(input)).toThrow(message);
    }
  });
});
