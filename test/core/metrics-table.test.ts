import { describe, expect, it } from 'vitest';
import { type RankingMetrics, rankingMetrics } from '../../core/metrics.ts';
import { formatMetricsTable } from '../../core/metrics-table.ts';

// The paper's Flickr8k row (REFERENCE.md), with made-up mean ranks.
const PAPER: RankingMetrics = {
  annotation: {
    r1: 18,
    r5: 40.9,
    r10: 55,
    medianRank: 8,
    meanRank: 21.3,
    ranks: new Int32Array(0),
  },
  search: { r1: 12.5, r5: 37, r10: 51.5, medianRank: 10, meanRank: 30.2, ranks: new Int32Array(0) },
  rsum: 214.9,
};

describe('formatMetricsTable', () => {
  it('prints the paper-style table', () => {
    expect(formatMetricsTable(PAPER)).toBe(
      [
        '                               R@1   R@5  R@10  Med r  Mean r',
        'Annotation (image -> text)    18.0  40.9  55.0      8    21.3',
        'Search (text -> image)        12.5  37.0  51.5     10    30.2',
        'Sum of recalls (rsum): 214.9',
      ].join('\n'),
    );
  });

  it('puts the title first, and keeps columns aligned for 100.0 and large ranks', () => {
    const m = rankingMetrics(Float32Array.from([1, 0, 0, 1]), 2, 2, { captionsPerImage: 1 });
    const wide: RankingMetrics = {
      ...m,
      search: { ...m.search, r1: 2.25, medianRank: 4321, meanRank: 4321.25 },
    };
    expect(formatMetricsTable(wide, 'Flickr8k dev, epoch 3')).toBe(
      [
        'Flickr8k dev, epoch 3',
        '                               R@1   R@5  R@10  Med r  Mean r',
        'Annotation (image -> text)   100.0 100.0 100.0      1     1.0',
        'Search (text -> image)         2.3 100.0 100.0   4321  4321.3',
        'Sum of recalls (rsum): 600.0',
      ].join('\n'),
    );
  });
});
