import { describe, expect, it } from 'vitest';
import {
  captionTokens,
  checkSplitNames,
  chooseSplits,
  gatherRows,
  matrixShape,
} from '../../../trainer/data/checks.ts';
import { DatasetError } from '../../../trainer/data/karpathy.ts';
import { rampFeatures, row } from '../../support/datasets.ts';

describe('checkSplitNames', () => {
  it('leaves undefined (all splits) as it is', () => {
    expect(checkSplitNames(undefined)).toBeUndefined();
  });

  it('returns the names de-duplicated in train, val, test order', () => {
    expect(checkSplitNames(['test', 'train', 'test'])).toEqual(['train', 'test']);
    expect(checkSplitNames(['val'])).toEqual(['val']);
  });

  it.each([
    [
      'dev',
      `unknown split "dev" (precomp's 'dev' is loaded as 'val'); the splits are train, val, test`,
    ],
    [
      'restval',
      `unknown split "restval" (Karpathy's 'restval' images are part of 'train'); the splits are train, val, test`,
    ],
    [
      'testall',
      `unknown split "testall" (precomp's 'testall' is loaded as 'test' when there is no 'test'); the splits are train, val, test`,
    ],
    ['training', 'unknown split "training"; the splits are train, val, test'],
  ])('refuses %s, with a hint where one helps', (name, message) => {
    expect(() => checkSplitNames(['train', name])).toThrow(message);
    expect(() => checkSplitNames([name])).toThrow(DatasetError);
  });

  it('refuses an empty list', () => {
    expect(() => checkSplitNames([])).toThrow(new DatasetError('no splits asked for'));
  });
});

describe('chooseSplits', () => {
  it('takes every split present, in train, val, test order, when none is asked for', () => {
    expect(chooseSplits(undefined, ['test', 'train'], 'data.json')).toEqual(['train', 'test']);
  });

  it('takes the splits asked for, in canonical order', () => {
    expect(chooseSplits(['test', 'train'], ['train', 'val', 'test'], 'data.json')).toEqual([
      'train',
      'test',
    ]);
  });

  it('refuses a split the files lack, listing the ones present', () => {
    expect(() => chooseSplits(['train', 'test'], ['val', 'train'], 'data.json')).toThrow(
      "data.json has no 'test' split; the splits present are train, val",
    );
    expect(() => chooseSplits(['val'], [], 'data.json')).toThrow(
      "data.json has no 'val' split; the splits present are none",
    );
  });

  it('refuses files that hold no split at all', () => {
    expect(() => chooseSplits(undefined, [], 'caps/')).toThrow(
      new DatasetError('caps/: holds no train, val or test split'),
    );
  });

  it('checks the names before looking at what is present', () => {
    expect(() => chooseSplits(['dev'], ['train'], 'data.json')).toThrow(/unknown split "dev"/);
  });
});

describe('captionTokens', () => {
  it('is core tokenize() for a caption with words', () => {
    expect(captionTokens("A red Dog's ball!", 'x')).toEqual(['a', 'red', 'dog', 's', 'ball']);
  });

  it.each(['?! ...', '', '—'])('refuses %j, naming the caption', (raw) => {
    expect(() => captionTokens(raw, 'f.json: images[4] sentences[0]')).toThrow(
      new DatasetError(
        `f.json: images[4] sentences[0] ${JSON.stringify(raw)} has no words after tokenising (only punctuation or symbols)`,
      ),
    );
  });
});

describe('matrixShape', () => {
  it('returns [rows, dim] of a 2-D shape', () => {
    expect(matrixShape([3, 4], 'f.npy')).toEqual([3, 4]);
  });

  it('refuses any other number of dimensions, giving the layout expected', () => {
    expect(() => matrixShape([5], 'f.npy')).toThrow(
      'f.npy: features must be a 2-D array (images x dim); this one has shape (5)',
    );
    expect(() => matrixShape([2, 5, 2], 'f.mat', 'dim x images')).toThrow(
      'f.mat: features must be a 2-D array (dim x images); this one has shape (2, 5, 2)',
    );
    expect(() => matrixShape([], 'f.npy')).toThrow('this one has shape ()');
  });

  it('refuses a matrix with no columns', () => {
    expect(() => matrixShape([3, 0], 'f.npy')).toThrow(
      new DatasetError('f.npy: features have 0 columns'),
    );
  });
});

describe('gatherRows', () => {
  const DIM = 3;
  const data = rampFeatures(4, DIM);

  it('copies the given rows in the given order, repeats included', () => {
    const out = gatherRows(data, DIM, [2, 0, 2], 'f.npy');
    expect(out).toHaveLength(3 * DIM);
    expect(row(out, DIM, 0)).toEqual(row(data, DIM, 2));
    expect(row(out, DIM, 1)).toEqual(row(data, DIM, 0));
    expect(row(out, DIM, 2)).toEqual(row(data, DIM, 2));
    expect(gatherRows(data, DIM, Int32Array.from([3]), 'f.npy')).toEqual(data.subarray(3 * DIM));
    expect(gatherRows(data, DIM, [], 'f.npy')).toEqual(new Float32Array(0));
  });

  it('returns a copy, not a view of the input', () => {
    const source = rampFeatures(2, DIM);
    const out = gatherRows(source, DIM, [1], 'f.npy');
    out[0] = -1;
    expect(source[DIM]).toBe(1);
  });

  it.each([
    [Number.NaN, 'NaN'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
  ])('refuses %s in a gathered row, naming its row, column and image', (bad, text) => {
    const damaged = rampFeatures(4, DIM);
    damaged[1 * DIM + 2] = bad;
    expect(() =>
      gatherRows(damaged, DIM, [0, 1], 'f.npy', (r) => ` (images[${r}], b.jpg)`),
    ).toThrow(
      new DatasetError(
        `f.npy: row 1 column 2 is ${text} (images[1], b.jpg); features must be finite numbers`,
      ),
    );
    // Without a description the message still names the row and column.
    expect(() => gatherRows(damaged, DIM, [1], 'f.npy')).toThrow(
      `f.npy: row 1 column 2 is ${text}; features must be finite numbers`,
    );
  });

  it('only checks the rows it copies', () => {
    // Another split's bad row is that split's error, not this one's.
    const damaged = rampFeatures(4, DIM);
    damaged[3 * DIM] = Number.NaN;
    expect(row(gatherRows(damaged, DIM, [0], 'f.npy'), DIM, 0)).toEqual(row(data, DIM, 0));
  });
});
