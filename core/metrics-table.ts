/**
 * The ranking metrics as the paper's tables print them, so that a training log can be read
 * side by side with the published numbers (REFERENCE.md lists them).
 */

import type { DirectionMetrics, RankingMetrics } from './metrics.ts';

const LABEL_WIDTH = 28;
const COLUMNS = [
  { header: 'R@1', width: 6, cell: (d: DirectionMetrics) => d.r1.toFixed(1) },
  { header: 'R@5', width: 6, cell: (d: DirectionMetrics) => d.r5.toFixed(1) },
  { header: 'R@10', width: 6, cell: (d: DirectionMetrics) => d.r10.toFixed(1) },
  { header: 'Med r', width: 7, cell: (d: DirectionMetrics) => String(d.medianRank) },
  { header: 'Mean r', width: 8, cell: (d: DirectionMetrics) => d.meanRank.toFixed(1) },
];

const HEADERS = COLUMNS.map((c) => c.header);

function line(label: string, cells: string[]): string {
  return label.padEnd(LABEL_WIDTH) + cells.map((c, i) => c.padStart(COLUMNS[i]!.width)).join('');
}

/**
 * A plain-text table: a header, one row per direction, then the sum of recalls. Recalls and
 * mean rank have one decimal, median rank is a whole number. No trailing newline.
 *
 *                                  R@1   R@5  R@10  Med r  Mean r
 *   Annotation (image -> text)    18.0  40.9  55.0      8    21.3
 *   Search (text -> image)        12.5  37.0  51.5     10    30.2
 *   Sum of recalls (rsum): 214.9
 */
export function formatMetricsTable(m: RankingMetrics, title?: string): string {
  const cells = (d: DirectionMetrics) => COLUMNS.map((c) => c.cell(d));
  const lines = [
    line('', HEADERS),
    line('Annotation (image -> text)', cells(m.annotation)),
    line('Search (text -> image)', cells(m.search)),
    `Sum of recalls (rsum): ${m.rsum.toFixed(1)}`,
  ];
  if (title !== undefined) lines.unshift(title);
  return lines.join('\n');
}
