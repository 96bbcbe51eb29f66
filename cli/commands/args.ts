/** A mistake in how the command was called: printed with the usage hint, no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses an optional whole-number flag, naming the flag in the error. */
export function wholeNumber(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${flag} expects a whole number, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Parses an optional finite number flag, naming the flag in the error. */
export function number(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new UsageError(`${flag} expects a number, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Parses an optional flag that must be one of `choices`. */
export function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(
      `${flag} must be one of ${choices.join(', ')}; got ${JSON.stringify(value)}`,
    );
  }
  return value as T;
}

/** A whole number flag that must be at least `min`. */
export function atLeast(
  flag: string,
  value: string | undefined,
  fallback: number,
  min: number,
): number {
  const n = wholeNumber(flag, value, fallback);
  if (n < min) throw new UsageError(`${flag} must be at least ${min}, got ${n}`);
  return n;
}

/** A number flag that must be > 0. */
export function positive(flag: string, value: string | undefined, fallback: number): number {
  const n = number(flag, value, fallback);
  if (!(n > 0)) throw new UsageError(`${flag} must be greater than 0, got ${n}`);
  return n;
}
