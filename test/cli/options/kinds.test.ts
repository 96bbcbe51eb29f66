import { describe, expect, it } from 'vitest';
import {
  Interrupted,
  listOrAll,
  number,
  oneOf,
  text,
  UsageError,
  wholeNumber,
} from '../../../cli/options/kinds.ts';

/** The UsageError message `parse` throws, or the value it returns. */
function outcome<T>(parse: () => T): T | string {
  try {
    return parse();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
}

describe('wholeNumber', () => {
  it('reads whole numbers, negative ones too', () => {
    const kind = wholeNumber();
    expect(kind.parse('--n', '42')).toBe(42);
    expect(kind.parse('--n', ' -7 ')).toBe(-7);
    expect(kind.placeholder).toBe('N');
    expect(kind.show(15)).toBe('15');
  });

  it('refuses fractions, exponents, words and unsafe integers, naming the flag', () => {
    const kind = wholeNumber();
    for (const raw of ['2.5', '1e3', 'many', '', '0x10', '9007199254740993']) {
      expect(outcome(() => kind.parse('--epochs', raw))).toBe(
        `--epochs expects a whole number, got ${JSON.stringify(raw)}`,
      );
    }
  });

  it('checks the range, and says why there is a maximum', () => {
    const kind = wholeNumber({ min: 1, max: 5000, maxReason: "Vectorize's HTTP limit" });
    expect(kind.parse('--batch-size', '1')).toBe(1);
    expect(kind.parse('--batch-size', '5000')).toBe(5000);
    expect(outcome(() => kind.parse('--batch-size', '0'))).toBe(
      '--batch-size must be at least 1, got 0',
    );
    expect(outcome(() => kind.parse('--batch-size', '6000'))).toBe(
      "--batch-size must be at most 5000 (Vectorize's HTTP limit), got 6000",
    );
    expect(outcome(() => wholeNumber({ max: 9 }).parse('--n', '10'))).toBe(
      '--n must be at most 9, got 10',
    );
  });
});

describe('number', () => {
  it('reads finite numbers in any notation', () => {
    const kind = number();
    expect(kind.parse('--lr', '2e-4')).toBe(2e-4);
    expect(kind.parse('--margin', '-0.5')).toBe(-0.5);
    expect(kind.placeholder).toBe('X');
    expect(kind.show(2e-4)).toBe('0.0002');
  });

  it('refuses what is not a finite number', () => {
    for (const raw of ['abc', '', ' ', 'Infinity', 'NaN']) {
      expect(outcome(() => number().parse('--lr', raw))).toBe(
        `--lr expects a number, got ${JSON.stringify(raw)}`,
      );
    }
  });

  it('checks positive and a minimum', () => {
    expect(outcome(() => number({ positive: true }).parse('--lr', '0'))).toBe(
      '--lr must be greater than 0, got 0',
    );
    expect(outcome(() => number({ positive: true }).parse('--lr', '-1'))).toBe(
      '--lr must be greater than 0, got -1',
    );
    expect(number({ positive: true }).parse('--lr', '0.01')).toBe(0.01);
    expect(outcome(() => number({ min: 0 }).parse('--noise', '-0.1'))).toBe(
      '--noise must be at least 0, got -0.1',
    );
    expect(number({ min: 0 }).parse('--noise', '0')).toBe(0);
  });
});

describe('oneOf', () => {
  const kind = oneOf(['lstm', 'gru', 'bow'] as const);

  it('takes one of the choices and lists them for help', () => {
    expect(kind.parse('--encoder', 'gru')).toBe('gru');
    expect(kind.describe).toBe('lstm | gru | bow');
    expect(kind.placeholder).toBeUndefined();
  });

  it('names the choices when given another', () => {
    expect(outcome(() => kind.parse('--encoder', 'lstmx'))).toBe(
      '--encoder must be one of lstm, gru, bow; got "lstmx"',
    );
    expect(outcome(() => kind.parse('--encoder', 'LSTM'))).toBe(
      '--encoder must be one of lstm, gru, bow; got "LSTM"',
    );
  });
});

describe('listOrAll', () => {
  const kind = listOrAll(['train', 'val', 'test'] as const);

  it('reads a comma-separated list in the order of the choices, each once', () => {
    expect(kind.parse('--splits', 'test, train,test')).toEqual(['train', 'test']);
    expect(kind.parse('--splits', 'val')).toEqual(['val']);
    expect(kind.parse('--splits', 'all')).toBe('all');
    expect(kind.show(['val', 'test'])).toBe('val,test');
    expect(kind.show('all')).toBe('all');
  });

  it('names the choices when an item is not one', () => {
    expect(outcome(() => kind.parse('--splits', 'train,dev'))).toBe(
      '--splits must be one of train, val, test; got "dev"',
    );
  });
});

describe('text', () => {
  it('takes any text but the empty one', () => {
    expect(text('DIR').parse('--out', 'runs/a b')).toBe('runs/a b');
    expect(text('DIR').placeholder).toBe('DIR');
    expect(outcome(() => text().parse('--out', ''))).toBe('--out expects a value, got ""');
  });
});

describe('Interrupted', () => {
  it('is its own kind of error, apart from a usage error (cli/main.ts exits 130 on it)', () => {
    const e = new Interrupted('stopped after 10 of 50 pictures');
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(UsageError);
    expect([e.name, e.message]).toEqual(['Interrupted', 'stopped after 10 of 50 pictures']);
  });
});
