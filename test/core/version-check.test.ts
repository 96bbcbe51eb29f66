import { describe, expect, it } from 'vitest';
import { JointspaceFormatError } from '../../core/errors.ts';
import { MODEL_FILES } from '../../core/model-files.ts';
import { fileProblem, flatFileOf, indexProblem, servedFiles } from '../../core/version-check.ts';
import { exampleManifest, exampleManifestWithFlat, sha } from '../support/manifests.ts';

describe('fileProblem', () => {
  const manifest = exampleManifest();
  const listed = manifest.files[MODEL_FILES.vocabulary]!;

  it('accepts a file of the listed size and SHA-256', () => {
    expect(fileProblem(manifest, MODEL_FILES.vocabulary, { ...listed })).toBeNull();
  });

  it('says what is wrong: not listed, missing, another size, another hash', () => {
    expect(fileProblem(manifest, 'extra.bin', listed)).toBe(
      'extra.bin is not listed in the manifest',
    );
    expect(fileProblem(manifest, MODEL_FILES.vocabulary, null)).toBe(
      'vocab.json is listed in the manifest but missing',
    );
    expect(fileProblem(manifest, MODEL_FILES.vocabulary, { ...listed, bytes: 9 })).toBe(
      'vocab.json does not match the manifest: 9 bytes, not 10 (changed, truncated, or a file of another version)',
    );
    expect(fileProblem(manifest, MODEL_FILES.vocabulary, { ...listed, sha256: sha('f') })).toBe(
      'vocab.json does not match the manifest: its SHA-256 differs (changed, or a file of another version)',
    );
  });
});

describe('indexProblem', () => {
  const manifest = exampleManifest(); // 256-d, 4 images, 20 captions

  it('accepts an index of the model dimension holding every exported vector', () => {
    expect(indexProblem(manifest, 'images', { dimension: 256, count: 4 })).toBeNull();
    expect(indexProblem(manifest, 'captions', { dimension: 256, count: 20 })).toBeNull();
  });

  it('names another dimension first, then another count', () => {
    expect(indexProblem(manifest, 'images', { dimension: 128, count: 5 })).toBe(
      'its images index holds 128-d vectors; the model makes 256-d',
    );
    expect(indexProblem(manifest, 'captions', { dimension: 256, count: 19 })).toBe(
      'its captions index holds 19 vectors; the export wrote 20',
    );
  });
});

describe('servedFiles', () => {
  it('lists what a retrieval server reads, manifest first, with the flat files of its encoding', () => {
    expect(servedFiles(exampleManifestWithFlat(), 'int8')).toEqual([
      'manifest.json',
      'vocab.json',
      'sentence_encoder.onnx',
      'image_projection.onnx',
      'flat/images.int8.bin',
      'flat/captions.int8.bin',
    ]);
  });

  it('leaves out the vector files when the vectors are in Vectorize', () => {
    expect(servedFiles(exampleManifest(), null)).toEqual([
      'manifest.json',
      'vocab.json',
      'sentence_encoder.onnx',
      'image_projection.onnx',
    ]);
  });

  it('gives the analogy space only its images and no image projection', () => {
    const regularities = { ...exampleManifestWithFlat(), space: 'regularities' as const };
    expect(servedFiles(regularities, 'float32')).toEqual([
      'manifest.json',
      'vocab.json',
      'sentence_encoder.onnx',
      'flat/images.float32.bin',
    ]);
  });

  it('adds the image encoder of a retrieval version that has one, and only there', () => {
    const m = exampleManifestWithFlat();
    m.onnx.imageEncoder = {
      file: 'image_encoder.onnx',
      input: 'pixels',
      output: 'image_vector',
      extractor: 'nsfwjs-mobilenetv2-mid',
      height: 224,
      width: 224,
      resize: 'exif-orient+centre-square+area-average@224',
      weights: 'int8',
      parity: { pictures: 6, maxAbsDifference: 1e-6, minCosine: 1 },
    };
    expect(servedFiles(m, null)).toContain('image_encoder.onnx');
    expect(servedFiles({ ...m, space: 'regularities' }, null)).not.toContain('image_encoder.onnx');
    m.onnx.imageEncoder = null;
    expect(servedFiles(m, null)).not.toContain('image_encoder.onnx');
  });

  it('takes the names the manifest records, not fixed ones', () => {
    const m = exampleManifestWithFlat();
    m.vocabulary.file = 'words.json';
    expect(servedFiles(m, null)[1]).toBe('words.json');
  });
});

describe('flatFileOf', () => {
  it('names the file of a kind and encoding', () => {
    expect(flatFileOf(exampleManifestWithFlat(), 'captions', 'float32')).toBe(
      'flat/captions.float32.bin',
    );
  });

  it('refuses a version exported before flat index files, saying what to do', () => {
    expect(() => flatFileOf(exampleManifest(), 'images', 'float32')).toThrow(JointspaceFormatError);
    expect(() => servedFiles(exampleManifest(), 'float32')).toThrow(
      /lstm256-jointspace-demo-f32-0123abcd has no flat index files .*export it again, or serve it from Vectorize/,
    );
  });
});
