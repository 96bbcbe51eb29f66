import { describe, expect, it } from 'vitest';
import { SPLIT_NAMES } from '../../../trainer/data/dataset.ts';
import { describeDataset } from '../../../trainer/data/load.ts';

describe('SPLIT_NAMES', () => {
  it('are the three splits, in the order listings follow (train before val before test)', () => {
    expect(SPLIT_NAMES).toEqual(['train', 'val', 'test']);
    const split = (name: 'train' | 'val' | 'test') => ({
      name,
      imageIds: ['a'],
      features: new Float32Array(2),
      dim: 2,
      captions: ['x'],
      tokens: [['x']],
      captionImage: Int32Array.of(0),
    });
    // Inserted out of order, listed in order.
    const text = describeDataset({
      name: 'd',
      format: 'karpathy',
      source: 'd',
      splits: { test: split('test'), train: split('train') },
    });
    expect(text.split('\n').map((line) => line.split(':')[0])).toEqual(['train', 'test']);
  });
});
