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
