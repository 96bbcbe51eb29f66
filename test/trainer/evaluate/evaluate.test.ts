import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenize } from '../../../core/tokenizer.ts';
import { Vocabulary } from '../../../core/vocabulary.ts';
import type { SplitData } from '../../../trainer/data/dataset.ts';
import {
  directionRow,
  embedSplit,
  evaluateSplit,
  metricsOf,
  scoreMatrix,
} from '../../../trainer/evaluate/evaluate.ts';
import type { ModelConfig } from '../../../trainer/model/config.ts';
import { JointModel } from '../../../trainer/model/model.ts';
import { selectBackend } from '../../../trainer/tf/backend.ts';

/**
 * A world small enough to score by hand: three pictures whose features are the axes of a 3-d
 * space, and a bag-of-words model that maps each picture to its own axis and each colour word
 * to its picture's axis. Every caption but the last names its own picture's colour; the last
 * ("green", of picture 2) names picture 1's.
 */
const CAPTIONS = ['red', 'green', 'blue', 'green'];
const AXES = [1, 0, 0, 0, 1, 0, 0, 0, 1];
/** The vectors the hand model gives the split, exactly. */
const HAND = { images: Float32Array.from(AXES), captions: Float32Array.from([...AXES, 0, 1, 0]) };
const SPLIT: SplitData = {
  name: 'test',
  imageIds: ['a.svg', 'b.svg', 'c.svg'],
  features: Float32Array.from(AXES),
  dim: 3,
  captions: CAPTIONS,
  tokens: CAPTIONS.map(tokenize),
  captionImage: Int32Array.from([0, 1, 2, 2]),
};
const vocab = Vocabulary.build(SPLIT.tokens);
const AXIS: Record<string, number> = { red: 0, green: 1, blue: 2 };

/** Ranks by hand (0-based, ties to the smaller index): see core/metrics.ts. */
const EXPECTED = {
  // Every picture's best caption is its own colour, ranked first.
  annotation: { r1: 100, r5: 100, r10: 100, medianRank: 1, meanRank: 1 },
  // The last caption scores 1 with picture 1 and 0 with pictures 0 and 2: its own picture ranks
  // behind picture 1 and, tied at 0, behind picture 0 too: rank 2.
  search: { r1: 75, r5: 100, r10: 100, medianRank: 1, meanRank: 1.5 },
  rsum: 575,
};

function handModel(): JointModel {
  const config: ModelConfig = {
    encoder: 'bow',
    vocabSize: vocab.size,
    wordDim: 3,
    jointDim: 3,
    featureDim: 3,
  };
  const embedding = new Float32Array(vocab.size * 3);
  for (const [word, axis] of Object.entries(AXIS)) embedding[vocab.idOf(word) * 3 + axis] = 1;
  return new JointModel(config, {
    embedding,
    'image.W': Float32Array.from(AXES),
  });
}

let model: JointModel;
beforeAll(async () => {
  await selectBackend('cpu');
  model = handModel();
});
afterAll(() => {
  model.dispose();
});

describe('scoreMatrix', () => {
  it('is the plain images x captions product of the rows', () => {
    const images = Float32Array.from([1, 0, 0, 1, 1, 1]);
    const captions = Float32Array.from([1, 2, 3, 4]);
    expect(scoreMatrix(images, captions, 2)).toEqual(Float32Array.from([1, 3, 2, 4, 3, 7]));
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    scoreMatrix(Float32Array.from([1, 2]), Float32Array.from([3, 4]), 2);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('embedSplit', () => {
  it('embeds every image and caption of the split in order', async () => {
    const e = await embedSplit(model, SPLIT, vocab, 10);
    expect(Array.from(e.images)).toEqual(Array.from(HAND.images, (v) => expect.closeTo(v, 6)));
    expect(Array.from(e.captions)).toEqual(Array.from(HAND.captions, (v) => expect.closeTo(v, 6)));
  });

  it('cuts captions to maxLength tokens, as the model was trained', async () => {
    const split: SplitData = {
      ...SPLIT,
      imageIds: ['a.svg'],
      features: Float32Array.from([1, 0, 0]),
      captions: ['red green'],
      tokens: [['red', 'green']],
      captionImage: Int32Array.from([0]),
    };
    const one = await embedSplit(model, split, vocab, 1);
    expect(Array.from(one.captions)).toEqual([1, 0, 0].map((v) => expect.closeTo(v, 6)));
    const two = await embedSplit(model, split, vocab, 2);
    expect(Array.from(two.captions)).toEqual(
      [Math.SQRT1_2, Math.SQRT1_2, 0].map((v) => expect.closeTo(v, 6)),
    );
  });
});

describe('metricsOf', () => {
  it("scores given embeddings with the split's caption owners", () => {
    // No model involved: the hand world's vectors as given.
    const m = metricsOf(HAND, SPLIT, 3);
    expect(m).toMatchObject(EXPECTED);
    expect(Array.from(m.annotation.ranks)).toEqual([0, 0, 0]);
    expect(Array.from(m.search.ranks)).toEqual([0, 0, 0, 2]);
  });
});

describe('evaluateSplit', () => {
  it("gives the paper's metrics of a model on a split", async () => {
    const m = await evaluateSplit(model, SPLIT, vocab, 10);
    expect(m).toMatchObject(EXPECTED);
    expect(Array.from(m.search.ranks)).toEqual([0, 0, 0, 2]);
  });

  it('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    await evaluateSplit(model, SPLIT, vocab, 10);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('directionRow', () => {
  it("is one direction's metrics without the per-query ranks", () => {
    const row = directionRow(metricsOf(HAND, SPLIT, 3).search);
    expect(row).toEqual(EXPECTED.search);
    expect(Object.keys(row)).toEqual(['r1', 'r5', 'r10', 'medianRank', 'meanRank']);
  });
});
