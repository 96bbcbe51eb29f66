import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlLog } from '../../../trainer/report/jsonl-log.ts';
import {
  formatTick,
  MAX_POINTS,
  niceStep,
  plotTrainingCurves,
  writeTrainingPlot,
} from '../../../trainer/report/plot.ts';
import type { TrainingRecord, ValRecord } from '../../../trainer/report/records.ts';

const RSVG = '/usr/bin/rsvg-convert';

/** Synthetic run: a decaying noisy loss every update, a validation every `valEvery`. */
function run(updates: number, valEvery: number): TrainingRecord[] {
  let seed = 7;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  const out: TrainingRecord[] = [];
  for (let u = 1; u <= updates; u++) {
    const epoch = Math.floor(u / 1000) + 1;
    out.push({ kind: 'train', update: u, epoch, loss: 20 + 80 * Math.exp(-u / 2000) + noise() });
    if (u % valEvery === 0) out.push(val(u, epoch, 1 - Math.exp(-u / 3000)));
  }
  return out;
}

function val(update: number, epoch: number, q: number): ValRecord {
  const annotation = { r1: 40 * q, r5: 70 * q, r10: 80 * q, medianRank: 2 };
  const search = { r1: 30 * q, r5: 60 * q, r10: 75 * q, medianRank: 3 };
  const rsum = 355 * q;
  return { kind: 'val', update, epoch, rsum, annotation, search };
}

/**
 * A small XML well-formedness check: one root, every tag closed in order, attributes quoted,
 * no stray '<' or '&' in text.
 */
function checkXml(xml: string): void {
  const stack: string[] = [];
  let roots = 0;
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (const m of xml.matchAll(tag)) {
    const between = xml.slice(last, m.index);
    expect(between, `text before ${m[0]}`).not.toMatch(/<|&(?!(#\d+|amp|lt|gt|quot|apos);)/);
    last = m.index + m[0].length;
    const [, closing, name, , selfClosing] = m;
    if (closing) {
      expect(stack.pop(), `closing ${name}`).toBe(name);
    } else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name as string);
    } else if (stack.length === 0) {
      roots++;
    }
  }
  expect(xml.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}

/** Renders with rsvg-convert when it is installed; returns false when it is not. */
function renders(svgPath: string, pngPath: string): boolean {
  if (!existsSync(RSVG)) return false;
  const result = spawnSync(RSVG, [svgPath, '-o', pngPath], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return true;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plot-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('niceStep and formatTick', () => {
  it.each([
    [10, 5, 2],
    [100, 5, 20],
    [30000, 8, 5000],
    [0.9, 6, 0.2],
    [600, 6, 100],
    [1, 1, 1],
    [0, 5, 1],
  ])('span %s in %s ticks steps by %s', (span, ticks, step) => {
    expect(niceStep(span, ticks)).toBeCloseTo(step, 12);
  });

  it.each([
    [0, 5000, '0'],
    [25000, 5000, '25k'],
    [5000, 5000, '5k'],
    [500, 100, '500'],
    [0.4, 0.2, '0.4'],
    [4.6, 0.2, '4.6'],
    [0.005, 0.005, '0.005'],
  ])('tick %s (step %s) reads %s', (value, step, text) => {
    expect(formatTick(value, step)).toBe(text);
  });
});

describe('plotTrainingCurves', () => {
  it('makes well-formed SVG that marks the best rsum with its value', async () => {
    const records = run(5000, 500);
    // The best is in the middle, not the last validation.
    records.push(val(5200, 6, 1.2), val(5400, 6, 0.9));
    const svg = plotTrainingCurves(records, { title: 'run <a> & "b"' });
    checkXml(svg);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('>best 426<'); // 355 * 1.2
    expect(svg).toContain('best rsum 426 at update 5,200 (epoch 6)');
    expect(svg).toContain('run &#60;a&#62; &#38; &#34;b&#34;');
    for (const label of ['annotation R@1', 'search R@10', 'rsum (left axis)', 'recall (%)']) {
      expect(svg).toContain(label);
    }
    const path = join(dir, 'plot.svg');
    await writeFile(path, svg);
    renders(path, join(dir, 'plot.png'));
  });

  it('says so when there is no validation yet', () => {
    const svg = plotTrainingCurves(run(300, 1000));
    checkXml(svg);
    expect(svg).toContain('No validation records yet');
    expect(svg).not.toContain('best rsum');
  });

  it('draws nothing but says so for no records at all', async () => {
    const svg = plotTrainingCurves([]);
    checkXml(svg);
    expect(svg).toContain('No training records yet');
    expect(svg).toContain('No validation records yet');
    const path = join(dir, 'empty.svg');
    await writeFile(path, svg);
    renders(path, join(dir, 'empty.png'));
  });

  it('plots a single point of each kind', () => {
    const svg = plotTrainingCurves([
      { kind: 'train', update: 0, epoch: 1, loss: 5 },
      val(0, 1, 0.5),
    ]);
    checkXml(svg);
    expect(svg).toContain('>best 177.5<');
    expect(svg).not.toContain('NaN');
    expect(svg).not.toContain('Infinity"');
  });

  it('skips NaN and Infinity losses and says how many', () => {
    const records = run(100, 50);
    records.push(
      { kind: 'train', update: 101, epoch: 1, loss: Number.NaN },
      { kind: 'train', update: 102, epoch: 1, loss: Number.POSITIVE_INFINITY },
      { kind: 'train', update: 103, epoch: 1, loss: Number.NEGATIVE_INFINITY },
    );
    const svg = plotTrainingCurves(records);
    checkXml(svg);
    expect(svg).toContain('skipped: 3 NaN/Infinity losses');
    expect(svg).not.toMatch(/"NaN"|"-?Infinity"/);
  });

  it('says so when every loss is non-finite', () => {
    const svg = plotTrainingCurves([{ kind: 'train', update: 1, epoch: 1, loss: Number.NaN }]);
    checkXml(svg);
    expect(svg).toContain('No finite loss values to plot');
    expect(svg).toContain('skipped: 1 NaN/Infinity loss<');
  });

  it('keeps the axis for the bulk of the losses when a few are huge', () => {
    const records = run(2000, 1000);
    records.unshift({ kind: 'train', update: 0, epoch: 1, loss: 1e6 });
    const svg = plotTrainingCurves(records);
    expect(svg).toMatch(/not shown: 1 point above \d+</);
  });

  it('thins 100k loss points so that the file stays small', () => {
    const svg = plotTrainingCurves(run(100_000, 2000));
    checkXml(svg);
    expect(svg.length).toBeLessThan(300_000);
    const lossPanel = svg.slice(svg.indexOf('clip-path="url(#clip-a)"'));
    const dots = lossPanel.slice(0, lossPanel.indexOf('</g>')).match(/<circle /g) ?? [];
    expect(dots.length).toBeGreaterThan(MAX_POINTS / 2);
    expect(dots.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(svg).toContain('of 100,000<');
  });

  it('keeps only the latest run after a resume from a checkpoint', () => {
    const first = run(300, 100);
    // Resumed from update 200: the first run's 201..300 are superseded.
    const resumed = run(300, 100)
      .filter((r) => r.update > 200)
      .map((r) => (r.kind === 'val' ? val(r.update, r.epoch, 2) : r));
    const svg = plotTrainingCurves([...first, ...resumed]);
    expect(svg).toContain('300 updates');
    expect(svg).toContain('3 validations');
    expect(svg).toContain('best rsum 710 at update 300');
  });
});

describe('writeTrainingPlot', () => {
  it('reads a log and writes the SVG without leaving a temporary file', async () => {
    const logPath = join(dir, 'train.jsonl');
    const log = await JsonlLog.open(logPath, { append: false });
    await log.write({ kind: 'config', model: 'order' });
    for (const r of run(500, 100)) await log.write(r);
    await log.write({ kind: 'train', update: 501, epoch: 1, loss: Number.NaN });
    await log.close();
    const svgPath = join(dir, 'curves.svg');
    await writeTrainingPlot(logPath, svgPath);
    expect(await readdir(dir)).toEqual(['curves.svg', 'train.jsonl']);
    const svg = await readFile(svgPath, 'utf8');
    checkXml(svg);
    expect(svg).toContain('train.jsonl</text>');
    expect(svg).toContain('5 validations');
    expect(svg).toContain('skipped: 1 NaN/Infinity loss<');
  });

  it('replaces an existing plot', async () => {
    const logPath = join(dir, 'train.jsonl');
    await writeFile(logPath, `${JSON.stringify(val(10, 1, 0.5))}\n`);
    const svgPath = join(dir, 'curves.svg');
    await writeFile(svgPath, 'old');
    await writeTrainingPlot(logPath, svgPath, { title: 'Run 7' });
    const svg = await readFile(svgPath, 'utf8');
    expect(svg).toContain('>Run 7</text>');
    expect(svg).toContain('No training records yet');
  });
});
