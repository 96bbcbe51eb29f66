import { describe, expect, it } from 'vitest';
import {
  formatBar,
  formatDuration,
  formatValue,
  Progress,
  type ProgressStream,
} from '../../../trainer/report/progress.ts';

/** A stream that records writes; `isTTY` picks the mode. */
function fakeStream(isTTY: boolean, columns?: number): ProgressStream & { chunks: string[] } {
  const chunks: string[] = [];
  return {
    chunks,
    isTTY,
    ...(columns === undefined ? {} : { columns }),
    write(chunk: string) {
      chunks.push(chunk);
      return true;
    },
  };
}

/** A clock the test moves by hand, in milliseconds. */
function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [0.4, '0s'],
    [45, '45s'],
    [59.4, '59s'],
    [59.6, '1m00s'],
    [60, '1m00s'],
    [192, '3m12s'],
    [3599, '59m59s'],
    [3600, '1h00m'],
    [3720, '1h02m'],
    [36000 + 59 * 60 + 40, '11h00m'],
    [47 * 3600, '47h00m'],
    [2 * 86400 + 3 * 3600, '2d03h'],
    [-5, '0s'],
    [Number.NaN, '?'],
    [Number.POSITIVE_INFINITY, '?'],
  ])('%s s is %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('formatBar', () => {
  it.each([
    [0, 10, '[..........]'],
    [0.5, 10, '[#####.....]'],
    [0.45, 14, '[######........]'],
    [0.999, 10, '[#########.]'],
    [1, 10, '[##########]'],
    [1.5, 4, '[####]'],
    [-1, 4, '[....]'],
    [Number.NaN, 4, '[....]'],
    [0.5, 0, '[]'],
  ])('%s of %s is %s', (fraction, width, text) => {
    expect(formatBar(fraction, width)).toBe(text);
  });

  it('is always width + 2 characters', () => {
    for (let i = 0; i <= 100; i++) expect(formatBar(i / 100, 17)).toHaveLength(19);
  });
});

describe('formatValue', () => {
  it.each([
    [12.3456, '12.35'],
    [12.3, '12.3'],
    [0.1, '0.1'],
    [1234.56, '1235'],
    [54321.9, '54322'],
    [2700, '2700'],
    [123456, '1.23e5'],
    [0.0002, '2e-4'],
    [0, '0'],
    [-1.23456, '-1.235'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'inf'],
    [Number.NEGATIVE_INFINITY, '-inf'],
    ['gru', 'gru'],
  ])('%s as %s', (value, text) => {
    expect(formatValue(value)).toBe(text);
  });

  it('takes the number of significant digits', () => {
    expect(formatValue(38.2345, 3)).toBe('38.2');
  });
});

describe('Progress, not a terminal', () => {
  it('writes a plain line only every interval and at finish, never a carriage return', () => {
    const stream = fakeStream(false);
    const clock = fakeClock();
    const p = new Progress({
      total: 2700,
      label: 'epoch 3/15',
      stream,
      now: clock.now,
      unit: 'captions',
    });
    for (let done = 100; done <= 2700; done += 100) {
      clock.advance(2500); // 40 captions/s; a line is due every fourth update
      p.update(done, { loss: 12.3456 });
    }
    p.finish('saved checkpoint');
    const text = stream.chunks.join('');
    expect(text).not.toContain('\r');
    expect(text).not.toContain('\x1b');
    const lines = text.split('\n').filter((l) => l !== '');
    // 27 updates 2.5 s apart over 67.5 s: lines at 10, 20, ..., 60 s, then the final one.
    expect(lines).toHaveLength(7);
    expect(stream.chunks.every((c) => c.endsWith('\n'))).toBe(true);
    expect(lines[0]).toBe('epoch 3/15   14% 400/2700  loss 12.35  40 captions/s  eta 58s');
    expect(lines[6]).toBe(
      'epoch 3/15  100% 2700/2700  loss 12.35  40 captions/s  took 1m08s  saved checkpoint',
    );
  });

  it('writes nothing before the interval, then the finish line once', () => {
    const stream = fakeStream(false);
    const clock = fakeClock();
    const p = new Progress({
      total: 10,
      label: 'eval',
      stream,
      now: clock.now,
      intervalSeconds: 5,
    });
    clock.advance(4999);
    p.update(5, {});
    expect(stream.chunks).toEqual([]);
    clock.advance(1);
    p.update(6, {});
    expect(stream.chunks).toHaveLength(1);
    p.finish();
    p.finish();
    p.update(10, {});
    expect(stream.chunks).toHaveLength(2);
    expect(stream.chunks[1]).toBe('eval   60% 6/10  1.2 items/s  took 5s\n');
  });

  it('writes log messages as lines of their own', () => {
    const stream = fakeStream(false);
    const p = new Progress({ total: 10, label: 'x', stream, now: fakeClock().now });
    p.note('val rsum 401.2');
    expect(stream.chunks).toEqual(['val rsum 401.2\n']);
  });
});

describe('Progress on a terminal', () => {
  it('redraws one line in place, at most ten times a second', () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    const p = new Progress({
      total: 1000,
      label: 'epoch 1/2',
      stream,
      now: clock.now,
      barWidth: 10,
      unit: 'captions',
    });
    // 1000 updates 1 ms apart: one second, so about ten redraws.
    for (let done = 1; done <= 1000; done++) {
      clock.advance(1);
      p.update(done, { loss: 3 });
    }
    expect(stream.chunks.length).toBeGreaterThanOrEqual(9);
    expect(stream.chunks.length).toBeLessThanOrEqual(11);
    for (const chunk of stream.chunks) {
      expect(chunk.startsWith('\r\x1b[2K')).toBe(true);
      expect(chunk).not.toContain('\n');
    }
    expect(stream.chunks[0]).toBe(
      '\r\x1b[2Kepoch 1/2 [..........]    0% 1/1000  loss 3  1000 captions/s  eta 1s',
    );
    p.finish();
    const last = stream.chunks[stream.chunks.length - 1];
    expect(last).toBe(
      '\r\x1b[2Kepoch 1/2 [##########]  100% 1000/1000  loss 3  1000 captions/s  took 1s\n',
    );
  });

  it('draws the first update at once and keeps the line within the terminal width', () => {
    const stream = fakeStream(true, 30);
    const clock = fakeClock();
    const p = new Progress({ total: 10, label: 'epoch 1/1', stream, now: clock.now });
    p.update(1, { loss: 1.5, lr: 0.0002 });
    expect(stream.chunks).toHaveLength(1);
    expect(stream.chunks[0]?.replace('\r\x1b[2K', '')).toHaveLength(29);
  });

  it('prints a message above the bar and redraws the bar', () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    const p = new Progress({ total: 10, label: 'e', stream, now: clock.now, barWidth: 4 });
    p.update(5, {});
    p.note('val rsum 401.2');
    expect(stream.chunks.slice(1)).toEqual([
      '\r\x1b[2Kval rsum 401.2\n',
      '\r\x1b[2Ke [##..]   50% 5/10',
    ]);
  });

  it('resumes part way: the rate counts from the start option', () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    const p = new Progress({ total: 100, label: 'e', stream, now: clock.now, start: 50 });
    clock.advance(10_000);
    p.update(60, {});
    expect(stream.chunks[0]).toContain('1 items/s  eta 40s');
  });
});
