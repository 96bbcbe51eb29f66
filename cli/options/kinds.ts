/**
 * The kinds of value a flag takes: each reads the text given on the command line, checks it
 * and says what is wrong naming the flag ("--epochs must be at least 1, got 0"), and shows a
 * value (a default) for help. Option tables (option-table.ts) pair a flag with a kind.
 */

/** A mistake in how the command was called: printed with the usage hint, no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * A command stopped by Ctrl-C before its work was done, which running it again takes up: the
 * message says so, and the exit code is 130 (as for SIGINT), so that a script does not go on.
 */
export class Interrupted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Interrupted';
  }
}

export interface ValueKind<T> {
  /** The value's placeholder in help, 'N' in `--epochs N` (default: the flag's first letter). */
  readonly placeholder?: string;
  /** What the value may be, shown in help before the option's own line: 'lstm | gru'. */
  readonly describe?: string;
  /** The value of `raw`; throws a UsageError naming `flag` ('--epochs') when it is not one. */
  parse(flag: string, raw: string): T;
  /** A value as help shows it. */
  show(value: T): string;
}

export interface NumberRange {
  /** The least value allowed. */
  readonly min?: number;
  /** The greatest value allowed. */
  readonly max?: number;
  /** Why there is a maximum, told when a value is over it. */
  readonly maxReason?: string;
}

function checkRange(flag: string, n: number, range: NumberRange): number {
  if (range.min !== undefined && n < range.min) {
    throw new UsageError(`${flag} must be at least ${range.min}, got ${n}`);
  }
  if (range.max !== undefined && n > range.max) {
    const why = range.maxReason ? ` (${range.maxReason})` : '';
    throw new UsageError(`${flag} must be at most ${range.max}${why}, got ${n}`);
  }
  return n;
}

/** A whole number (no fraction, no exponent), within `range`. */
export function wholeNumber(range: NumberRange = {}): ValueKind<number> {
  return {
    placeholder: 'N',
    parse(flag, raw) {
      const n = Number(raw);
      if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) {
        throw new UsageError(`${flag} expects a whole number, got ${JSON.stringify(raw)}`);
      }
      return checkRange(flag, n, range);
    },
    show: String,
  };
}

/** A finite number, within `range`; greater than 0 when `positive`. */
export function number(
  range: NumberRange & { readonly positive?: boolean } = {},
): ValueKind<number> {
  return {
    placeholder: 'X',
    parse(flag, raw) {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) {
        throw new UsageError(`${flag} expects a number, got ${JSON.stringify(raw)}`);
      }
      if (range.positive && !(n > 0)) {
        throw new UsageError(`${flag} must be greater than 0, got ${n}`);
      }
      return checkRange(flag, n, range);
    },
    show: String,
  };
}

function choose<T extends string>(flag: string, raw: string, choices: readonly T[]): T {
  const found = choices.find((c) => c === raw);
  if (found === undefined) {
    throw new UsageError(
      `${flag} must be one of ${choices.join(', ')}; got ${JSON.stringify(raw)}`,
    );
  }
  return found;
}

/** One of `choices`. */
export function oneOf<T extends string>(choices: readonly T[]): ValueKind<T> {
  return {
    describe: choices.join(' | '),
    parse: (flag, raw) => choose(flag, raw, choices),
    show: String,
  };
}

/**
 * Some of `choices`, comma-separated, or the word 'all'. A list comes back in the order of
 * `choices`, each once.
 */
export function listOrAll<T extends string>(choices: readonly T[]): ValueKind<T[] | 'all'> {
  return {
    placeholder: 'LIST',
    describe: `${choices.join(' | ')}, comma-separated, or all`,
    parse(flag, raw) {
      if (raw === 'all') return 'all';
      const named = raw.split(',').map((name) => choose(flag, name.trim(), choices));
      return choices.filter((c) => named.includes(c));
    },
    show: (value) => (value === 'all' ? 'all' : value.join(',')),
  };
}

/** Any text but the empty one: a path, a name, a URL. */
export function text(placeholder = 'TEXT'): ValueKind<string> {
  return {
    placeholder,
    parse(flag, raw) {
      if (raw === '') throw new UsageError(`${flag} expects a value, got ""`);
      return raw;
    },
    show: String,
  };
}
