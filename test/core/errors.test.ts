import { describe, expect, it } from 'vitest';
import {
  JointspaceFormatError,
  JointspaceInputError,
  JointspaceIntegrityError,
  requirePositiveInteger,
} from '../../core/errors.ts';

describe('error classes', () => {
  it('are Errors with their own names, the file errors being input errors too', () => {
    const format = new JointspaceFormatError('bad file');
    const integrity = new JointspaceIntegrityError('bad hash');
    expect(format).toBeInstanceOf(Error);
    expect(format).toBeInstanceOf(JointspaceInputError);
    expect(integrity).toBeInstanceOf(JointspaceInputError);
    expect(integrity).not.toBeInstanceOf(JointspaceFormatError);
    expect(new JointspaceInputError('x').name).toBe('JointspaceInputError');
    expect(format.name).toBe('JointspaceFormatError');
    expect(integrity.name).toBe('JointspaceIntegrityError');
    expect(integrity.message).toBe('bad hash');
  });
});

describe('requirePositiveInteger', () => {
  it('accepts 1 and larger integers', () => {
    expect(() => requirePositiveInteger(1, 'k')).not.toThrow();
    expect(() => requirePositiveInteger(2 ** 40, 'k')).not.toThrow();
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects %s', (value) => {
    expect(() => requirePositiveInteger(value, 'k')).toThrow(JointspaceInputError);
    expect(() => requirePositiveInteger(value, 'k')).toThrow(
      `k must be a positive integer, got ${String(value)}`,
    );
  });
});
