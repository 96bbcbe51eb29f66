import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { JointspaceFormatError } from '../../../core/errors.ts';
import { encodeFlatIndex } from '../../../core/flat-index.ts';
import { FlatIndexNotFoundError, loadFlatIndex } from '../../../worker/vector-index/flat-index.ts';
import { randomUnitVectors } from '../../support/random-vectors.ts';

// The MODELS bucket is Miniflare's local R2 (wrangler.toml); each test file has its own storage.
const d = 8;
const records = randomUnitVectors(50, d, 5).map((values, i) => ({
  id: `img_${i}.jpg`,
  values,
  metadata: { file: `img_${i}.jpg`, split: i < 40 ? 'train' : 'test' },
}));

describe('loadFlatIndex (R2)', () => {
  it('reads a flat index object and searches it', async () => {
    for (const encoding of ['float32', 'int8'] as const) {
      const key = `lstm-demo-v1/images.${encoding}.flat`;
      await env.MODELS.put(
        key,
        encodeFlatIndex({ version: 'lstm-demo-v1', dimension: d, records }, encoding),
      );
      const index = await loadFlatIndex<{ file: string; split: string }>(env.MODELS, key, {
        version: 'lstm-demo-v1',
        dimension: d,
      });
      expect(index.version).toBe('lstm-demo-v1');
      expect(await index.describe()).toEqual({ dimension: d, count: 50 });
      const [best] = await index.query(records[17]!.values, 1);
      expect(best).toMatchObject({ id: 'img_17.jpg', metadata: { file: 'img_17.jpg' } });
      expect(best!.score).toBeCloseTo(1, 2);
    }
  });

  it('names the key when the object is missing', async () => {
    await expect(loadFlatIndex(env.MODELS, 'nope/images.flat')).rejects.toThrow(
      FlatIndexNotFoundError,
    );
    await expect(loadFlatIndex(env.MODELS, 'nope/images.flat')).rejects.toThrow(
      '"nope/images.flat" is not in the R2 bucket',
    );
  });

  it('names the key when the object is not a valid flat index', async () => {
    const bytes = encodeFlatIndex({ version: 'v1', dimension: d, records }, 'float32');
    await env.MODELS.put('cut.flat', bytes.subarray(0, bytes.length - 10));
    await env.MODELS.put('text.flat', '{"id":"x"}\n');
    await expect(loadFlatIndex(env.MODELS, 'cut.flat')).rejects.toThrow(JointspaceFormatError);
    await expect(loadFlatIndex(env.MODELS, 'cut.flat')).rejects.toThrow(
      /^"cut.flat": flat index: truncated/,
    );
    await expect(loadFlatIndex(env.MODELS, 'text.flat')).rejects.toThrow(/"text.flat".*bad magic/);
  });

  it('refuses a file of another model version or dimension than expected', async () => {
    await env.MODELS.put(
      'other.flat',
      encodeFlatIndex({ version: 'gru-v2', dimension: d, records }, 'int8'),
    );
    await expect(loadFlatIndex(env.MODELS, 'other.flat', { version: 'lstm-v1' })).rejects.toThrow(
      /holds vectors of model version gru-v2, expected lstm-v1/,
    );
    await expect(loadFlatIndex(env.MODELS, 'other.flat', { dimension: 16 })).rejects.toThrow(
      /holds vectors of dimension 8, expected 16/,
    );
  });
});
