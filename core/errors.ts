/**
 * Errors thrown by core/. Callers (the trainer's CLI, the worker's GraphQL resolvers) tell a
 * caller's mistake from a bug by class, not by parsing messages, so each kind has its own class.
 */

/** An argument that core/ cannot work with: a wrong shape, a bad count, a NaN score. */
export class JointspaceInputError extends Error {
  override readonly name: string = 'JointspaceInputError';
}

/** Serialised data (a vocabulary file) that does not have the shape its format promises. */
export class JointspaceFormatError extends JointspaceInputError {
  override readonly name: string = 'JointspaceFormatError';
}

/** Serialised data whose content does not match its own recorded hash: edited or corrupted. */
export class JointspaceIntegrityError extends JointspaceInputError {
  override readonly name: string = 'JointspaceIntegrityError';
}

/**
 * Throws unless `value` is an integer >= 1. Counts such as k, dimensions and sizes share this
 * check so that every function words the error the same way.
 */
export function requirePositiveInteger(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new JointspaceInputError(`${what} must be a positive integer, got ${String(value)}`);
  }
}
