import { describe, expect, it } from 'vitest';
import {
  FLAT_INDEX_ENCODINGS,
  flatIndexFile,
  MODEL_FILES,
  MODEL_VERSION_PATTERN,
  SPACE_SERVES,
  SPACES,
  VECTOR_KINDS,
} from '../../core/model-files.ts';

describe('the model version file names', () => {
  it('are distinct, and the flat index files sit in flat/ by kind and encoding', () => {
    const flat = VECTOR_KINDS.flatMap((kind) =>
      FLAT_INDEX_ENCODINGS.map((encoding) => flatIndexFile(kind, encoding)),
    );
    expect(flat).toEqual([
      'flat/images.float32.bin',
      'flat/images.int8.bin',
      'flat/captions.float32.bin',
      'flat/captions.int8.bin',
    ]);
    const all = [...Object.values(MODEL_FILES), ...flat];
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('SPACE_SERVES', () => {
  it('says what each space needs: analogy reads only images, retrieval everything', () => {
    expect(Object.keys(SPACE_SERVES).sort()).toEqual([...SPACES].sort());
    expect(SPACE_SERVES.retrieval).toEqual({
      kinds: ['images', 'captions'],
      imageProjection: true,
      imageEncoder: true,
    });
    expect(SPACE_SERVES.regularities).toEqual({
      kinds: ['images'],
      imageProjection: false,
      imageEncoder: false,
    });
  });
});

describe('MODEL_VERSION_PATTERN', () => {
  it('takes names usable as R2 keys and index names, up to 63 characters', () => {
    for (const ok of ['lstm256-jointspace-demo-f32-3fa2c1d9', 'a', 'v2', 'x'.repeat(63)])
      expect(MODEL_VERSION_PATTERN.test(ok), ok).toBe(true);
    for (const bad of ['', '-lead', 'Upper', 'has space', 'dot.ted', 'x'.repeat(64), 'a/b'])
      expect(MODEL_VERSION_PATTERN.test(bad), bad).toBe(false);
  });
});
