/**
 * A progress line for a training run. On a terminal it is one line redrawn in place:
 *
 *   epoch 3/15 [#######.......]  45% 1234/2700  loss 12.34  38.2 captions/s  eta 3m12s
 *
 * Anywhere else (CI, a pipe, a log file) it writes a plain line every so often and one at the
 * end, never a carriage return, so a log stays readable. The clock is injectable for tests.
 */

/** What Progress writes to: process.stderr, or anything with write() (tests use a fake). */
export interface ProgressStream {
  write(chunk: string): unknown;
  /** True for a terminal: redraw in place. */
  isTTY?: boolean;
  /** Terminal width; the line is cut to fit so that it never wraps (a wrapped line can't be redrawn). */
  columns?: number;
}

export type ProgressFields = Record<string, number | string>;

export type ProgressOptions = {
  /** Items in this run of the bar (captions in an epoch, say). */
  total: number;
  /** Shown first, e.g. 'epoch 3/15'. */
  label: string;
  stream?: ProgressStream;
  /** Milliseconds, any origin (default performance.now). */
  now?: () => number;
  /** What is counted, for the rate: '38.2 captions/s' (default 'items'). */
  unit?: string;
  /** Not a terminal: seconds between lines (default 10). */
  intervalSeconds?: number;
  /** Where counting starts, when a run resumes part way (default 0); the rate counts from here. */
  start?: number;
  /** Characters inside the bar's brackets (default 24). */
  barWidth?: number;
};

/** Seconds as '45s', '3m12s', '1h02m' or '2d03h'; '?' when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad2(s % 60)}s`;
  const minutes = Math.round(s / 60);
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)}h${pad2(minutes % 60)}m`;
  const hours = Math.round(s / 3600);
  return `${Math.floor(hours / 24)}d${pad2(hours % 24)}h`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** '[#######.......]' with `width` characters inside the brackets; full only at fraction 1. */
export function formatBar(fraction: number, width: number): string {
  const w = Math.max(0, Math.floor(width));
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.floor(f * w + 1e-9);
  return `[${'#'.repeat(filled)}${'.'.repeat(w - filled)}]`;
}

/**
 * A number in a few characters: integers as they are (up to 99999), others to `digits`
 * significant digits without trailing zeros, very large or small ones as '1.23e6' / '2e-4'.
 */
export function formatValue(value: number | string, digits = 4): string {
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const a = Math.abs(value);
  if (Number.isInteger(value) && a < 1e5) return String(value);
  if (a >= 1e5 || a < 1e-3) {
    const [mantissa = '', exponent = ''] = value.toExponential(Math.max(0, digits - 2)).split('e');
    return `${stripZeros(mantissa)}e${exponent.replace('+', '')}`;
  }
  if (a >= 10 ** (digits - 1)) return String(Math.round(value));
  return stripZeros(value.toPrecision(digits));
}

function stripZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

const CLEAR_LINE = '\r\x1b[2K';
const TTY_MIN_INTERVAL_MS = 100;

export class Progress {
  private readonly total: number;
  private readonly label: string;
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly unit: string;
  private readonly intervalMs: number;
  private readonly start: number;
  private readonly barWidth: number;
  private readonly tty: boolean;
  private readonly startedAt: number;
  private lastWriteAt: number;
  private drawn = false;
  private done: number;
  private fields: ProgressFields = {};
  private finished = false;

  constructor(options: ProgressOptions) {
    this.total = options.total;
    this.label = options.label;
    this.stream = options.stream ?? process.stderr;
    this.now = options.now ?? (() => performance.now());
    this.unit = options.unit ?? 'items';
    this.intervalMs = (options.intervalSeconds ?? 10) * 1000;
    this.start = options.start ?? 0;
    this.barWidth = options.barWidth ?? 24;
    this.tty = this.stream.isTTY === true;
    this.startedAt = this.now();
    this.lastWriteAt = this.startedAt;
    this.done = this.start;
  }

  /** Records progress; draws only when the throttle allows. */
  update(done: number, fields: ProgressFields = {}): void {
    if (this.finished) return;
    this.done = done;
    this.fields = fields;
    const t = this.now();
    if (this.tty) {
      if (this.drawn && t - this.lastWriteAt < TTY_MIN_INTERVAL_MS) return;
      this.redraw(t);
    } else {
      if (t - this.lastWriteAt < this.intervalMs) return;
      this.stream.write(`${this.line(t, false)}\n`);
    }
    this.lastWriteAt = t;
  }

  /**
   * Writes a message on its own line (a validation result, a warning) without garbling the bar:
   * on a terminal the bar is cleared, the message written, and the bar drawn again below it.
   */
  note(message: string): void {
    if (this.tty && this.drawn && !this.finished) {
      this.stream.write(`${CLEAR_LINE}${message}\n`);
      this.redraw(this.now());
    } else {
      this.stream.write(`${message}\n`);
    }
  }

  /** The final line, with the time taken instead of the ETA; later calls do nothing. */
  finish(message?: string): void {
    if (this.finished) return;
    this.finished = true;
    const t = this.now();
    const text = this.line(t, true) + (message ? `  ${message}` : '');
    this.stream.write(this.tty ? `${CLEAR_LINE}${this.fit(text)}\n` : `${text}\n`);
  }

  private redraw(t: number): void {
    this.stream.write(CLEAR_LINE + this.fit(this.line(t, false)));
    this.drawn = true;
  }

  /** Cuts a terminal line to the terminal's width, so it never wraps. */
  private fit(text: string): string {
    const columns = this.stream.columns;
    if (columns === undefined || columns < 2 || text.length < columns) return text;
    return text.slice(0, columns - 1);
  }

  private line(t: number, final: boolean): string {
    const fraction = this.total > 0 ? this.done / this.total : 1;
    const parts: string[] = [];
    parts.push(this.tty ? `${this.label} ${formatBar(fraction, this.barWidth)}` : this.label);
    const percent = `${Math.floor(Math.min(1, Math.max(0, fraction)) * 100)}%`.padStart(4);
    parts.push(`${percent} ${this.done}/${this.total}`);
    for (const [key, value] of Object.entries(this.fields)) {
      parts.push(`${key} ${formatValue(value)}`);
    }
    const seconds = (t - this.startedAt) / 1000;
    const counted = this.done - this.start;
    const rate = seconds > 0 && counted > 0 ? counted / seconds : undefined;
    if (rate !== undefined) parts.push(`${formatValue(rate, 3)} ${this.unit}/s`);
    if (final) parts.push(`took ${formatDuration(seconds)}`);
    else if (rate !== undefined)
      parts.push(`eta ${formatDuration((this.total - this.done) / rate)}`);
    return parts.join('  ');
  }
}
