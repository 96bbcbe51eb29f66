import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readJsonl } from './jsonl-log.ts';
import { formatValue } from './progress.ts';
import {
  latestRun,
  type TrainingRecord,
  type TrainRecord,
  toTrainingRecords,
  type ValRecord,
} from './records.ts';

/**
 * Training curves as one self-contained SVG (no scripts, no external fonts or files): two panels
 * stacked, sharing the update axis.
 *
 * (a) training loss per update: every point light, a centred moving average dark;
 * (b) validation: rsum (left axis) as the main line, R@1/5/10 for annotation and search (right
 *     axis, percent) as thinner lines, and the best rsum marked with a dot and its value.
 *
 * Non-finite losses are left out and counted; more than MAX_POINTS loss points are thinned to the
 * lowest and highest of each of MAX_POINTS / 2 slices, which keeps the visible spread and keeps
 * the file small (about 100 KB however long the run).
 */

export type PlotOptions = { title?: string };

/** Raw loss points drawn at most (and points on the moving-average line). */
export const MAX_POINTS = 2000;

// Layout, in SVG user units (pixels at 100 %).
const WIDTH = 1000;
const PLOT_LEFT = 84;
const PLOT_RIGHT = 730;
const LEGEND_X = 800;
const PANEL_HEIGHT = 240;
const PANEL_A_TOP = 112;
const PANEL_B_TOP = PANEL_A_TOP + PANEL_HEIGHT + 96;
const HEIGHT = PANEL_B_TOP + PANEL_HEIGHT + 58;
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

const COLOURS = {
  text: '#222',
  muted: '#666',
  grid: '#e4e4e4',
  axis: '#888',
  raw: '#9ecae1',
  rawFew: '#6baed6',
  average: '#08519c',
  rsum: '#222',
  annotation: '#1f77b4',
  search: '#d95f02',
  best: '#c62828',
};

/** R@1 dotted, R@5 dashed, R@10 solid: one colour per direction, one dash per K. */
const RECALLS = [
  { key: 'r1', label: 'R@1', dash: '2 3' },
  { key: 'r5', label: 'R@5', dash: '7 4' },
  { key: 'r10', label: 'R@10', dash: '' },
] as const;

export function plotTrainingCurves(records: TrainingRecord[], options: PlotOptions = {}): string {
  const kept = latestRun(records);
  const train = kept.filter((r): r is TrainRecord => r.kind === 'train');
  const val = kept.filter((r): r is ValRecord => r.kind === 'val');
  const updates = kept.map((r) => r.update).filter(Number.isFinite);

  const x = niceScale(
    Math.min(0, minOf(updates)),
    updates.length > 0 ? maxOf(updates) : 1,
    PLOT_LEFT,
    PLOT_RIGHT,
    { maxTicks: 8, minStep: 1, padEnd: 0.03 },
  );
  const best = bestVal(val);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" ` +
      `viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="${FONT}" font-size="12" fill="${COLOURS.text}">`,
  );
  out.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`);
  out.push(
    text(PLOT_LEFT, 32, shorten(options.title ?? 'Training curves', 80), {
      size: 18,
      weight: 'bold',
    }),
  );
  summary(train, val, best).forEach((line, i) => {
    out.push(text(PLOT_LEFT, 54 + i * 17, line, { fill: COLOURS.muted }));
  });
  out.push(...lossPanel(train, x));
  out.push(...valPanel(val, best, x));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Reads a JSONL training log and writes its plot; the SVG appears whole or not at all. */
export async function writeTrainingPlot(
  jsonlPath: string,
  svgPath: string,
  options: PlotOptions = {},
): Promise<void> {
  const { records } = toTrainingRecords(await readJsonl(jsonlPath));
  const title = options.title ?? join(basename(dirname(jsonlPath)), basename(jsonlPath));
  const svg = plotTrainingCurves(records, { ...options, title });
  const temporary = join(
    dirname(svgPath),
    `.${basename(svgPath)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await writeFile(temporary, svg, 'utf8');
    await rename(temporary, svgPath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Panels

function lossPanel(train: TrainRecord[], x: Scale): string[] {
  const top = PANEL_A_TOP;
  const bottom = top + PANEL_HEIGHT;
  const out: string[] = [];
  out.push(text(PLOT_LEFT, top - 14, '(a) Training loss per update', { size: 14, weight: 'bold' }));

  const points = train.filter((r) => Number.isFinite(r.loss) && Number.isFinite(r.update));
  const nonFinite = train.length - points.length;
  if (points.length === 0) {
    const message =
      train.length === 0 ? 'No training records yet' : 'No finite loss values to plot';
    out.push(...emptyPanel(top, bottom, x, message));
    if (nonFinite > 0)
      out.push(
        ...notes(top, [
          `skipped: ${plural(nonFinite, 'NaN/Infinity loss', 'NaN/Infinity losses')}`,
        ]),
      );
    return out;
  }

  const losses = points.map((p) => p.loss);
  const window = averageWindow(points.length);
  const average = movingAverage(losses, window);
  const sorted = [...losses].sort((a, b) => a - b);
  const lowest = sorted[0] as number;
  const highest = sorted[sorted.length - 1] as number;
  // A few huge losses (a spike, the first updates) would flatten the rest of the curve: when the
  // top 0.5 % stretch the axis by more than half again, it stops at the 99.5th percentile and the
  // points above are counted (the average line may leave the top too).
  const q995 = quantile(sorted, 0.995);
  const shownTop = highest - lowest > 1.5 * (q995 - lowest) ? q995 : highest;
  const span = shownTop - lowest;
  const pad = span > 0 ? span * 0.04 : 0;
  const y = niceScale(lowest - pad, shownTop + pad, bottom, top, { maxTicks: 6 });
  const above = highest > y.hi ? losses.filter((l) => l > y.hi).length : 0;

  out.push(...axes(x, y, top, bottom, { left: 'loss', bottom: 'update' }));
  out.push(clip('clip-a', top, bottom));

  const shown = thin(points.length, (i) => losses[i] as number);
  // Few points: larger and darker, so that one point alone is still seen.
  const radius = points.length <= 200 ? 3 : 1.8;
  const rawColour = points.length <= 200 ? COLOURS.rawFew : COLOURS.raw;
  const dots = shown
    .map((i) => {
      const p = points[i] as TrainRecord;
      return `<circle cx="${f(x.map(p.update))}" cy="${f(y.map(p.loss))}" r="${radius}"/>`;
    })
    .join('');
  out.push(
    `<g clip-path="url(#clip-a)" fill="${rawColour}" fill-opacity="0.8">${dots}</g>`,
    `<g clip-path="url(#clip-a)">`,
  );
  if (points.length > 1) {
    const step = Math.ceil(points.length / MAX_POINTS);
    const line: [number, number][] = [];
    for (let i = 0; i < points.length; i += step) line.push(xy(points, average, i, x, y));
    if ((points.length - 1) % step !== 0) line.push(xy(points, average, points.length - 1, x, y));
    out.push(polyline(line, COLOURS.average, 2.2));
  }
  out.push('</g>');

  const legend: LegendEntry[] = [
    { label: `loss, ${plural(points.length, 'update')}`, dot: rawColour, radius: 3 },
  ];
  if (window > 1) {
    legend.push({ label: `moving average (${window})`, line: COLOURS.average, width: 2.2 });
  }
  out.push(...drawLegend(top, legend));
  const lines: string[] = [];
  if (shown.length < points.length) {
    lines.push(`drawn: ${count(shown.length)} of ${count(points.length)}`);
    lines.push('points (a sample + the extremes)');
  }
  if (nonFinite > 0)
    lines.push(`skipped: ${plural(nonFinite, 'NaN/Infinity loss', 'NaN/Infinity losses')}`);
  if (above > 0)
    lines.push(`not shown: ${plural(above, 'point')} above ${formatTick(y.hi, y.step)}`);
  out.push(...notes(top + legend.length * 20 + 10, lines));
  return out;
}

function valPanel(val: ValRecord[], best: ValRecord | undefined, x: Scale): string[] {
  const top = PANEL_B_TOP;
  const bottom = top + PANEL_HEIGHT;
  const out: string[] = [];
  out.push(
    text(PLOT_LEFT, top - 14, '(b) Validation: rsum and recall at K', { size: 14, weight: 'bold' }),
  );
  const points = val.filter((r) => Number.isFinite(r.rsum) && Number.isFinite(r.update));
  if (points.length === 0 || best === undefined) {
    out.push(...emptyPanel(top, bottom, x, 'No validation records yet'));
    return out;
  }

  const rsums = points.map((p) => p.rsum);
  const lo = minOf(rsums);
  const hi = maxOf(rsums);
  const span = hi - lo;
  // Headroom above the best value for its label; a single value sits mid-panel.
  const pad = span > 0 ? span * 0.05 : Math.max(1, Math.abs(hi) * 0.05);
  const y = niceScale(lo - pad, hi + Math.max(pad, span * 0.18), bottom, top, { maxTicks: 6 });
  const recalls = points
    .flatMap((p) => [p.annotation, p.search])
    .flatMap((s) => [s.r1, s.r5, s.r10])
    .filter(Number.isFinite);
  const r = niceScale(0, Math.max(1, maxOf(recalls)), bottom, top, { maxTicks: 6 });

  out.push(...axes(x, y, top, bottom, { left: 'rsum', bottom: 'update' }));
  out.push(...rightAxis(r, top, bottom, 'recall (%)'));
  out.push(clip('clip-b', top, bottom), '<g clip-path="url(#clip-b)">');
  const markers = points.length <= 60;
  for (const direction of ['annotation', 'search'] as const) {
    for (const k of RECALLS) {
      const line = points
        .filter((p) => Number.isFinite(p[direction][k.key]))
        .map((p): [number, number] => [x.map(p.update), r.map(p[direction][k.key])]);
      out.push(polyline(line, COLOURS[direction], 1.3, k.dash, 0.9));
      if (markers) out.push(circles(line, COLOURS[direction], 2));
    }
  }
  const main = points.map((p): [number, number] => [x.map(p.update), y.map(p.rsum)]);
  out.push(polyline(main, COLOURS.rsum, 2.6));
  if (markers) out.push(circles(main, COLOURS.rsum, 2.8));
  out.push('</g>');

  // The best rsum: a dot, its value above it (kept inside the plot), and where it was.
  const bx = x.map(best.update);
  const by = y.map(best.rsum);
  out.push(
    `<circle cx="${f(bx)}" cy="${f(by)}" r="5.5" fill="${COLOURS.best}" stroke="#fff" stroke-width="1.5"/>`,
  );
  const anchor = bx > PLOT_RIGHT - 90 ? 'end' : bx < PLOT_LEFT + 90 ? 'start' : 'middle';
  const dx = anchor === 'end' ? 4 : anchor === 'start' ? -4 : 0;
  out.push(
    text(bx + dx, Math.max(top + 14, by - 11), `best ${formatValue(best.rsum)}`, {
      anchor,
      weight: 'bold',
      size: 13,
      fill: COLOURS.best,
      halo: true,
    }),
  );

  const legend: LegendEntry[] = [
    { label: 'rsum (left axis)', line: COLOURS.rsum, width: 2.6 },
    { heading: 'recall %, right axis' },
  ];
  for (const direction of ['annotation', 'search'] as const) {
    for (const k of RECALLS) {
      legend.push({
        label: `${direction} ${k.label}`,
        line: COLOURS[direction],
        width: 1.3,
        dash: k.dash,
      });
    }
  }
  legend.push({ label: 'best rsum', dot: COLOURS.best, radius: 5 });
  out.push(...drawLegend(top, legend));
  return out;
}

/** The lines under the title: how far the run got, and its best validation. */
function summary(train: TrainRecord[], val: ValRecord[], best: ValRecord | undefined): string[] {
  const all = [...train, ...val];
  if (all.length === 0) return ['No records yet'];
  const epochs = all.map((r) => r.epoch).filter(Number.isFinite);
  const parts = [plural(maxOf(all.map((r) => r.update)), 'update')];
  if (epochs.length > 0) parts.push(`epoch ${maxOf(epochs)}`);
  parts.push(plural(val.length, 'validation'));
  const lines = [parts.join(' \u00b7 ')];
  if (best !== undefined) {
    lines.push(
      `best rsum ${formatValue(best.rsum)} at update ${count(best.update)} (epoch ${best.epoch}): ` +
        `annotation R@1/5/10 ${recallText(best.annotation)}, search ${recallText(best.search)}`,
    );
  }
  return lines;
}

function recallText(s: ValRecord['annotation']): string {
  return [s.r1, s.r5, s.r10].map((v) => formatValue(v, 3)).join('/');
}

/** The highest rsum; the earliest of equals (the checkpoint model selection would keep). */
function bestVal(val: ValRecord[]): ValRecord | undefined {
  let best: ValRecord | undefined;
  for (const v of val) {
    if (Number.isFinite(v.rsum) && (best === undefined || v.rsum > best.rsum)) best = v;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Scales and data shaping

type Scale = {
  lo: number;
  hi: number;
  step: number;
  ticks: number[];
  map: (v: number) => number;
};

/** The tick step for a span: 1, 2 or 5 times a power of ten, giving at most maxTicks steps. */
export function niceStep(span: number, maxTicks: number): number {
  const raw = span / Math.max(1, maxTicks);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * magnitude >= raw * (1 - 1e-9)) return m * magnitude;
  return 10 * magnitude;
}

/**
 * Extends [lo, hi] to whole steps and maps it onto [pxLo, pxHi]. With `padEnd` the top is not
 * rounded up to a step but left that fraction of the span past hi, so that the last points are
 * not drawn on the frame.
 */
function niceScale(
  lo: number,
  hi: number,
  pxLo: number,
  pxHi: number,
  options: { maxTicks: number; minStep?: number; padEnd?: number },
): Scale {
  let a = Number.isFinite(lo) ? lo : 0;
  let b = Number.isFinite(hi) ? hi : 1;
  if (b < a) [a, b] = [b, a];
  if (b === a) {
    const pad = Math.max(Math.abs(a) * 0.1, options.minStep ?? 0, 1e-9);
    if (a === 0 && (options.minStep ?? 0) > 0) b = a + pad;
    else [a, b] = [a - pad, b + pad];
  }
  const step = Math.max(niceStep(b - a, options.maxTicks), options.minStep ?? 0);
  const first = Math.floor(a / step + 1e-9);
  const last = Math.ceil(b / step - 1e-9);
  const start = first * step;
  const end = options.padEnd === undefined ? last * step : b + (b - start) * options.padEnd;
  const ticks: number[] = [];
  for (let i = first; i * step <= end + step * 1e-9; i++) ticks.push(roundTo(i * step, step));
  return {
    lo: start,
    hi: end,
    step,
    ticks,
    map: (v) => pxLo + ((v - start) / (end - start)) * (pxHi - pxLo),
  };
}

function roundTo(v: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(Math.min(20, decimals)));
}

/** A tick label with as many decimals as the step needs; with steps of thousands, '20k'. */
export function formatTick(v: number, step: number): string {
  if (step >= 1000 && v !== 0 && v % 1000 === 0) return `${v / 1000}k`;
  const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
  return v.toFixed(Math.min(20, decimals));
}

/** The moving-average window: about 2 % of the points, at least 5 once there are 10. */
function averageWindow(n: number): number {
  if (n < 10) return 1;
  return Math.min(n, Math.max(5, Math.round(n / 50)));
}

/** Centred moving average (shorter windows at the ends), from prefix sums. */
function movingAverage(values: number[], window: number): number[] {
  const prefix = [0];
  for (const v of values) prefix.push((prefix[prefix.length - 1] as number) + v);
  const half = Math.floor(window / 2);
  return values.map((_, i) => {
    const from = Math.max(0, i - half);
    const to = Math.min(values.length, i - half + window);
    return ((prefix[to] as number) - (prefix[from] as number)) / (to - from);
  });
}

/** Math.min/max of a long array without spreading it into arguments (that overflows the stack). */
function minOf(values: readonly number[]): number {
  let m = Number.POSITIVE_INFINITY;
  for (const v of values) if (v < m) m = v;
  return m;
}

function maxOf(values: readonly number[]): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > m) m = v;
  return m;
}

/** Linear-interpolated quantile of ascending values. */
function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const i = Math.floor(at);
  const a = sorted[i] as number;
  const b = sorted[Math.min(sorted.length - 1, i + 1)] as number;
  return a + (b - a) * (at - i);
}

/**
 * Indices of the points to draw: all of them up to MAX_POINTS, else from each of MAX_POINTS / 4
 * consecutive slices its lowest and highest point (the spread, spikes included) and two evenly
 * spaced ones (the body of the cloud), in order.
 */
function thin(n: number, value: (i: number) => number): number[] {
  if (n <= MAX_POINTS) return Array.from({ length: n }, (_, i) => i);
  const slices = MAX_POINTS / 4;
  const out: number[] = [];
  for (let s = 0; s < slices; s++) {
    const from = Math.floor((s * n) / slices);
    const to = Math.floor(((s + 1) * n) / slices);
    let low = from;
    let high = from;
    for (let i = from + 1; i < to; i++) {
      if (value(i) < value(low)) low = i;
      if (value(i) > value(high)) high = i;
    }
    const third = (to - from) / 3;
    const picked = new Set([low, high, from + Math.floor(third), from + Math.floor(2 * third)]);
    out.push(...[...picked].sort((a, b) => a - b));
  }
  return out;
}

function xy(
  points: TrainRecord[],
  average: number[],
  i: number,
  x: Scale,
  y: Scale,
): [number, number] {
  return [x.map((points[i] as TrainRecord).update), y.map(average[i] as number)];
}

// ---------------------------------------------------------------------------------------------
// SVG pieces

/** One decimal is plenty for coordinates and keeps the file small. */
function f(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function count(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : formatValue(n);
}

/** Keeps the end of a long text (of a path, the file name), marking the cut with '…'. */
function shorten(s: string, max: number): string {
  return s.length <= max ? s : `\u2026${s.slice(s.length - max + 1)}`;
}

function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${count(n)} ${n === 1 ? noun : nouns}`;
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

type TextStyle = {
  size?: number;
  weight?: 'bold';
  anchor?: 'start' | 'middle' | 'end';
  fill?: string;
  rotate?: boolean;
  halo?: boolean;
};

function text(x: number, y: number, content: string, style: TextStyle = {}): string {
  const attrs = [`x="${f(x)}"`, `y="${f(y)}"`];
  if (style.size !== undefined) attrs.push(`font-size="${style.size}"`);
  if (style.weight) attrs.push(`font-weight="${style.weight}"`);
  if (style.anchor && style.anchor !== 'start') attrs.push(`text-anchor="${style.anchor}"`);
  if (style.fill) attrs.push(`fill="${style.fill}"`);
  if (style.rotate) attrs.push(`transform="rotate(-90 ${f(x)} ${f(y)})"`);
  if (style.halo) {
    attrs.push('stroke="#fff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"');
  }
  return `<text ${attrs.join(' ')}>${escapeXml(content)}</text>`;
}

function polyline(
  points: [number, number][],
  colour: string,
  width: number,
  dash = '',
  opacity = 1,
): string {
  if (points.length < 2) return '';
  const d = points.map(([px, py]) => `${f(px)},${f(py)}`).join(' ');
  const extra =
    (dash ? ` stroke-dasharray="${dash}"` : '') +
    (opacity < 1 ? ` stroke-opacity="${opacity}"` : '');
  return (
    `<polyline points="${d}" fill="none" stroke="${colour}" stroke-width="${width}" ` +
    `stroke-linejoin="round" stroke-linecap="round"${extra}/>`
  );
}

function circles(points: [number, number][], colour: string, radius: number): string {
  const dots = points.map(([px, py]) => `<circle cx="${f(px)}" cy="${f(py)}" r="${radius}"/>`);
  return `<g fill="${colour}">${dots.join('')}</g>`;
}

/** The plot area, a little larger so that points on the edges are drawn whole. */
function clip(id: string, top: number, bottom: number): string {
  return (
    `<clipPath id="${id}"><rect x="${PLOT_LEFT - 4}" y="${top - 4}" ` +
    `width="${PLOT_RIGHT - PLOT_LEFT + 8}" height="${bottom - top + 8}"/></clipPath>`
  );
}

/** Grid, frame, ticks and labels for the bottom and left axes. */
function axes(
  x: Scale,
  y: Scale,
  top: number,
  bottom: number,
  titles: { left: string; bottom: string },
): string[] {
  const out: string[] = [];
  const grid: string[] = [];
  for (const t of x.ticks) grid.push(`M${f(x.map(t))} ${top}V${bottom}`);
  for (const t of y.ticks) grid.push(`M${PLOT_LEFT} ${f(y.map(t))}H${PLOT_RIGHT}`);
  out.push(`<path d="${grid.join('')}" stroke="${COLOURS.grid}" stroke-width="1"/>`);
  out.push(
    `<rect x="${PLOT_LEFT}" y="${top}" width="${PLOT_RIGHT - PLOT_LEFT}" ` +
      `height="${bottom - top}" fill="none" stroke="${COLOURS.axis}"/>`,
  );
  const marks: string[] = [];
  for (const t of x.ticks) marks.push(`M${f(x.map(t))} ${bottom}v5`);
  for (const t of y.ticks) marks.push(`M${PLOT_LEFT} ${f(y.map(t))}h-5`);
  out.push(`<path d="${marks.join('')}" stroke="${COLOURS.axis}"/>`);
  for (const t of x.ticks) {
    out.push(text(x.map(t), bottom + 19, formatTick(t, x.step), { anchor: 'middle' }));
  }
  for (const t of y.ticks) {
    out.push(text(PLOT_LEFT - 9, y.map(t) + 4, formatTick(t, y.step), { anchor: 'end' }));
  }
  out.push(
    text((PLOT_LEFT + PLOT_RIGHT) / 2, bottom + 40, titles.bottom, {
      anchor: 'middle',
      size: 13,
    }),
  );
  out.push(text(24, (top + bottom) / 2, titles.left, { anchor: 'middle', size: 13, rotate: true }));
  return out;
}

function rightAxis(r: Scale, top: number, bottom: number, title: string): string[] {
  const out: string[] = [];
  const marks = r.ticks.map((t) => `M${PLOT_RIGHT} ${f(r.map(t))}h5`).join('');
  out.push(`<path d="${marks}" stroke="${COLOURS.axis}"/>`);
  for (const t of r.ticks) {
    out.push(text(PLOT_RIGHT + 9, r.map(t) + 4, formatTick(t, r.step), { fill: COLOURS.muted }));
  }
  out.push(
    text(PLOT_RIGHT + 52, (top + bottom) / 2, title, {
      anchor: 'middle',
      size: 13,
      rotate: true,
      fill: COLOURS.muted,
    }),
  );
  return out;
}

function emptyPanel(top: number, bottom: number, x: Scale, message: string): string[] {
  const y = niceScale(0, 1, bottom, top, { maxTicks: 1 });
  const out = axes(x, { ...y, ticks: [] }, top, bottom, { left: '', bottom: 'update' });
  out.push(
    text((PLOT_LEFT + PLOT_RIGHT) / 2, (top + bottom) / 2 + 5, message, {
      anchor: 'middle',
      size: 15,
      fill: COLOURS.muted,
    }),
  );
  return out;
}

type LegendEntry = {
  label?: string;
  heading?: string;
  line?: string;
  width?: number;
  dash?: string;
  dot?: string;
  radius?: number;
};

function drawLegend(top: number, entries: LegendEntry[]): string[] {
  const out: string[] = [];
  entries.forEach((e, i) => {
    const y = top + 8 + i * 20;
    if (e.heading !== undefined) {
      out.push(text(LEGEND_X, y + 4, e.heading, { fill: COLOURS.muted, size: 11 }));
      return;
    }
    if (e.line !== undefined) {
      out.push(
        polyline(
          [
            [LEGEND_X, y],
            [LEGEND_X + 28, y],
          ],
          e.line,
          e.width ?? 1.5,
          e.dash ?? '',
        ),
      );
    }
    if (e.dot !== undefined) {
      out.push(`<circle cx="${LEGEND_X + 14}" cy="${y}" r="${e.radius ?? 3}" fill="${e.dot}"/>`);
    }
    out.push(text(LEGEND_X + 36, y + 4, e.label ?? ''));
  });
  return out;
}

function notes(top: number, lines: string[]): string[] {
  return lines.map((line, i) =>
    text(LEGEND_X, top + 8 + i * 16, line, { fill: COLOURS.muted, size: 11 }),
  );
}
