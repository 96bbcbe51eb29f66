import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../../core/manifest.ts';
import { MAX_SPLIT_BYTES, splitFilter } from '../../../worker/api/split-filter.ts';
import { QueryError } from '../../../worker/query-error.ts';
import { fakeManifest } from '../../support/fake-services.ts';

// The split argument: no filter, a filter on one of the model's splits, or UNKNOWN_SPLIT.

function withSplits(splits: string[]): ModelManifest {
  const manifest = fakeManifest('retrieval');
  return { ...manifest, vectors: { ...manifest.vectors, splits } };
}

const manifest = withSplits(['train', 'val', 'test']);

/** The QueryError that `split` is refused with (failing the test for anything else). */
function refusal(split: string, m: ModelManifest = manifest): QueryError {
  try {
    splitFilter(split, m);
  } catch (e) {
    expect(e).toBeInstanceOf(QueryError);
    return e as QueryError;
  }
  throw new Error(`split ${JSON.stringify(split)} was not refused`);
}

describe('splitFilter', () => {
  it('is no filter when no split is given', () => {
    expect(splitFilter(undefined, manifest)).toEqual({});
  });

  it("filters on a split the model's manifest lists", () => {
    for (const split of ['train', 'val', 'test']) {
      expect(splitFilter(split, manifest)).toEqual({ split });
    }
  });

  it('refuses any other split as UNKNOWN_SPLIT, naming the splits there are', () => {
    for (const split of ['dev', 'Train', 'val ', '']) {
      const e = refusal(split);
      expect(e.code).toBe('UNKNOWN_SPLIT');
      expect(e.details).toEqual({ split, splits: ['train', 'val', 'test'] });
      expect(e.message).toBe(
        `split ${JSON.stringify(split)} is not a split of this model (it has train, val, test)`,
      );
    }
    expect(refusal('val', withSplits([])).message).toBe(
      'split "val" is not a split of this model (it has none)',
    );
  });

  it(`refuses a split over ${MAX_SPLIT_BYTES} bytes unread, quoting only its first 64 characters`, () => {
    expect(MAX_SPLIT_BYTES).toBe(64);
    const long = 'v'.repeat(MAX_SPLIT_BYTES + 1);
    // Even a manifest that lists it: no index could filter on it exactly.
    expect(refusal(long, withSplits([long])).code).toBe('UNKNOWN_SPLIT');
    const huge = 'é'.repeat(100_000);
    const e = refusal(huge);
    expect(e.details.split).toBe(`${'é'.repeat(64)}...`);
    expect(e.message.length).toBeLessThan(200);
    const atLimit = 'v'.repeat(MAX_SPLIT_BYTES);
    expect(splitFilter(atLimit, withSplits([atLimit]))).toEqual({ split: atLimit });
  });
});
