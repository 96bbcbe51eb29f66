import { describe, expect, it } from 'vitest';
import { PAD_ID, UNK_ID, Vocabulary } from '../../../core/vocabulary.ts';
import { chunks, encodeCaptions, packBatch } from '../../../trainer/model/token-batch.ts';

describe('packBatch', () => {
  const captions = [Int32Array.from([5, 6, 7]), Int32Array.from([8]), Int32Array.from([9, 10])];

  it('lays captions out time-major, padded with PAD_ID, with their lengths', () => {
    const batch = packBatch(captions, [0, 1, 2]);
    expect(batch.steps).toBe(3);
    expect(batch.size).toBe(3);
    expect(Array.from(batch.lengths)).toEqual([3, 1, 2]);
    // Row t holds step t of every caption.
    // biome-ignore format: a matrix
    expect(Array.from(batch.ids)).toEqual([
      5, 8, 9,
      6, PAD_ID, 10,
      7, PAD_ID, PAD_ID,
    ]);
  });

  it('packs the captions it is given, in that order', () => {
    const batch = packBatch(captions, [2, 1]);
    expect(batch.steps).toBe(2);
    expect(batch.size).toBe(2);
    expect(Array.from(batch.lengths)).toEqual([2, 1]);
    expect(Array.from(batch.ids)).toEqual([9, 8, 10, PAD_ID]);
  });
});

describe('encodeCaptions', () => {
  const vocab = Vocabulary.build([
    ['a', 'dog', 'runs'],
    ['a', 'cat', 'sits'],
  ]);

  it('maps words to ids, unknown ones to UNK_ID, and cuts to maxLength', () => {
    const image = Int32Array.from([4, 9]);
    const encoded = encodeCaptions(
      [
        ['a', 'dog', 'flies', 'over', 'a', 'cat'],
        ['zebra', 'sits'],
      ],
      image,
      vocab,
      4,
    );
    expect(encoded.image).toBe(image);
    expect(encoded.ids).toHaveLength(2);
    expect(Array.from(encoded.ids[0]!)).toEqual([
      vocab.idOf('a'),
      vocab.idOf('dog'),
      UNK_ID,
      UNK_ID,
    ]);
    expect(Array.from(encoded.ids[1]!)).toEqual([UNK_ID, vocab.idOf('sits')]);
    expect(vocab.idOf('a')).toBeGreaterThan(UNK_ID);
  });
});

describe('chunks', () => {
  it('covers [0, count) in ranges of at most size', () => {
    expect(chunks(7, 3)).toEqual([
      [0, 3],
      [3, 6],
      [6, 7],
    ]);
    expect(chunks(0, 3)).toEqual([]);
  });
});
