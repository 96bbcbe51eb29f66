import { describe, expect, it } from 'vitest';
import { JointspaceFormatError } from '../../core/errors.ts';
import {
  type ManifestImageEncoder,
  type ModelManifest,
  parseManifest,
} from '../../core/manifest.ts';
import { IMAGE_ENCODER_IO, MODEL_FILES } from '../../core/model-files.ts';
import { exampleManifest, exampleManifestWithFlat } from '../support/manifests.ts';

const valid = exampleManifest;

const IMAGE_ENCODER: ManifestImageEncoder = {
  file: MODEL_FILES.imageEncoder,
  ...IMAGE_ENCODER_IO,
  extractor: 'nsfwjs-mobilenetv2-mid',
  height: 224,
  width: 224,
  resize: 'exif-orient+centre-square+area-average@224',
  weights: 'int8',
  parity: { pictures: 8, maxAbsDifference: 1e-6, minCosine: 1 },
};

/** The example manifest with an image encoder and its file entry. */
function withImageEncoder(): ModelManifest {
  const m = structuredClone(valid());
  m.onnx.imageEncoder = { ...IMAGE_ENCODER };
  m.files[MODEL_FILES.imageEncoder] = { bytes: 4_400_000, sha256: 'a'.repeat(64) };
  return m;
}

function edited(edit: (e: Record<string, unknown>) => void): unknown {
  const m = withImageEncoder();
  edit(m.onnx.imageEncoder as unknown as Record<string, unknown>);
  return m;
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

  it('accepts the flat index files a version lists, and versions from before they existed', () => {
    expect(parseManifest(exampleManifestWithFlat()).vectors.images.flat).toEqual({
      float32: 'flat/images.float32.bin',
      int8: 'flat/images.int8.bin',
    });
    expect(parseManifest(valid()).vectors.images.flat).toBeUndefined();
  });

  it('accepts an image encoder named in files, and versions without one', () => {
    const m = withImageEncoder();
    expect(parseManifest(m).onnx.imageEncoder?.extractor).toBe('nsfwjs-mobilenetv2-mid');
    expect(
      parseManifest({ ...valid(), onnx: { ...valid().onnx, imageEncoder: null } }).onnx
        .imageEncoder,
    ).toBeNull();
    expect(parseManifest(valid()).onnx.imageEncoder).toBeUndefined();
  });

  it('names what is wrong with an image encoder', () => {
    const cases: [unknown, RegExp][] = [
      [
        edited((e) => Object.assign(e, { height: 0 })),
        /onnx.imageEncoder.height must be a positive integer/,
      ],
      [
        edited((e) => Object.assign(e, { weights: 'int4' })),
        /onnx.imageEncoder.weights must be one of/,
      ],
      [
        edited((e) => Object.assign(e, { extractor: 3 })),
        /onnx.imageEncoder.extractor must be a string/,
      ],
      [
        edited((e) => Object.assign(e, { file: 'other.onnx' })),
        /"other.onnx" is named but not listed in files/,
      ],
    ];
    for (const [input, message] of cases) expect(() => parseManifest(input)).toThrow(message);
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
        broken((m) => Object.assign(m.vectors.images, { flat: { float32: 'flat/a.bin' } })),
        /vectors.images.flat.int8 must be a file name/,
      ],
      [
        broken((m) =>
          Object.assign(m.vectors.captions, {
            flat: { float32: 'flat/c.bin', int8: 'flat/not-listed.bin' },
          }),
        ),
        /"flat\/c.bin" is named but not listed in files/,
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
