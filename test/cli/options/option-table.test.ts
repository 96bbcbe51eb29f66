import { describe, expect, expectTypeOf, it } from 'vitest';
import { number, oneOf, text, UsageError, wholeNumber } from '../../../cli/options/kinds.ts';
import {
  HELP_OPTION,
  helpText,
  option,
  optionsHelp,
  parseOptions,
  toggle,
} from '../../../cli/options/option-table.ts';

const TABLE = {
  data: option({
    flag: 'data',
    kind: text('PATH'),
    required: '(e.g. --data data/demo)',
    help: 'the dataset',
    group: 'Data',
  }),
  epochs: option({
    flag: 'epochs',
    kind: wholeNumber({ min: 1 }),
    default: 15,
    help: 'passes over the data',
    group: 'Training',
  }),
  learningRate: option({
    flag: 'lr',
    kind: number({ positive: true }),
    default: 2e-4,
    help: 'Adam learning rate',
    group: 'Training',
  }),
  encoder: option({
    flag: 'encoder',
    value: 'E',
    kind: oneOf(['lstm', 'bow'] as const),
    default: 'lstm',
    help: 'the sentence encoder',
    group: 'Model',
  }),
  out: option({
    flag: 'out',
    kind: text('DIR'),
    defaultText: 'runs/<dataset>',
    help: 'run folder',
    group: 'Data',
  }),
  maxUpdates: option({
    flag: 'max-updates',
    kind: wholeNumber({ min: 0 }),
    default: 0,
    defaultText: 'no limit',
    help: 'stop after N updates',
    group: 'Training',
  }),
  resume: toggle({ flag: 'resume', help: 'continue the run', group: 'Training' }),
};

function values(argv: string[]) {
  const parsed = parseOptions(TABLE, argv);
  if (parsed.help) throw new Error('help was asked for');
  return parsed;
}

function usageError(argv: string[]): string {
  try {
    parseOptions(TABLE, argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('parseOptions', () => {
  it('fills every field: the value given, else the default, else undefined', () => {
    const { values: v, given } = values(['--data', 'd', '--lr=0.01', '--resume']);
    expect(v).toEqual({
      data: 'd',
      epochs: 15,
      learningRate: 0.01,
      encoder: 'lstm',
      out: undefined,
      maxUpdates: 0,
      resume: true,
    });
    expect([...given].sort()).toEqual(['data', 'learningRate', 'resume']);
    expect(values(['--data', 'd']).values.resume).toBe(false);
  });

  it('types the values from the table', () => {
    const { values: v } = values(['--data', 'd']);
    expectTypeOf(v.data).toEqualTypeOf<string>();
    expectTypeOf(v.epochs).toEqualTypeOf<number>();
    expectTypeOf(v.encoder).toEqualTypeOf<'lstm' | 'bow'>();
    expectTypeOf(v.out).toEqualTypeOf<string | undefined>();
    expectTypeOf(v.resume).toEqualTypeOf<boolean>();
  });

  it('tells a default from the same value given', () => {
    expect(values(['--data', 'd', '--epochs', '15']).given.has('epochs')).toBe(true);
    expect(values(['--data', 'd']).given.has('epochs')).toBe(false);
  });

  it('names the flag at fault', () => {
    expect(usageError(['--data', 'd', '--epochs', '0'])).toBe('--epochs must be at least 1, got 0');
    expect(usageError(['--data', 'd', '--lr', 'abc'])).toBe('--lr expects a number, got "abc"');
    expect(usageError(['--data', 'd', '--encoder', 'gru'])).toBe(
      '--encoder must be one of lstm, bow; got "gru"',
    );
    expect(usageError(['--epochs', '3'])).toBe('--data is required (e.g. --data data/demo)');
  });

  it('reports the first wrong value in the order of the table', () => {
    expect(usageError(['--lr', 'abc', '--epochs', '0', '--data', 'd'])).toBe(
      '--epochs must be at least 1, got 0',
    );
  });

  it("leaves unknown flags, missing values and positionals to parseArgs' strict mode", () => {
    const code = (argv: string[], positionals = false) => {
      try {
        parseOptions(TABLE, argv, { positionals });
      } catch (e) {
        return (e as { code?: string }).code;
      }
      return 'accepted';
    };
    expect(code(['--data', 'd', '--colour', 'red'])).toBe('ERR_PARSE_ARGS_UNKNOWN_OPTION');
    expect(code(['--data'])).toBe('ERR_PARSE_ARGS_INVALID_OPTION_VALUE');
    expect(code(['--data', 'd', '--lr', '-1'])).toBe('ERR_PARSE_ARGS_INVALID_OPTION_VALUE');
    expect(code(['--data', 'd', 'extra'])).toBe('ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL');
    expect(code(['--data', 'd', 'extra'], true)).toBe('accepted');
    expect(code(['--data', 'd', '--resume=yes'])).toBe('ERR_PARSE_ARGS_INVALID_OPTION_VALUE');
  });

  it('hands back the positionals when they are allowed', () => {
    const parsed = parseOptions(TABLE, ['a', '--data', 'd', 'b'], { positionals: true });
    expect(parsed.help === false && parsed.positionals).toEqual(['a', 'b']);
  });

  it('answers -h and --help before reading anything else', () => {
    expect(parseOptions(TABLE, ['--help'])).toEqual({ help: true });
    expect(parseOptions(TABLE, ['--epochs', '0', '-h'])).toEqual({ help: true });
    expect(values(['--data', 'd'])).toMatchObject({ help: false });
  });

  it('refuses a table that declares a flag twice, or -h/--help again', () => {
    const twice = {
      epochs: TABLE.epochs,
      passes: option({ flag: 'epochs', kind: number(), default: 1, help: '', group: 'G' }),
    };
    expect(() => parseOptions(twice, [])).toThrow('--epochs is declared twice');
    const help = { help: toggle({ flag: 'help', help: '', group: 'G' }) };
    expect(() => parseOptions(help, [])).toThrow('--help is declared twice');
    const short = { hidden: toggle({ flag: 'hidden', short: 'h', help: '', group: 'G' }) };
    expect(() => optionsHelp(short)).toThrow('-h is declared twice');
  });
});

describe('option', () => {
  it('says in help what happens without the flag', () => {
    expect(TABLE.epochs.note).toBe('(default 15)');
    expect(TABLE.learningRate.note).toBe('(default 0.0002)');
    expect(TABLE.maxUpdates.note).toBe('(default: no limit)');
    expect(TABLE.out.note).toBe('(default: runs/<dataset>)');
    expect(TABLE.data.note).toBe('(required)');
    expect(TABLE.resume.note).toBe('');
  });

  it("takes the kind's placeholder, or the one given, or the flag's first letter", () => {
    expect(TABLE.epochs.placeholder).toBe('N');
    expect(TABLE.data.placeholder).toBe('PATH');
    expect(TABLE.encoder.placeholder).toBe('E');
    const format = option({ flag: 'format', kind: oneOf(['a', 'b']), help: '', group: 'G' });
    expect(format.placeholder).toBe('F');
  });

  it('refuses to be both required and defaulted', () => {
    expect(() =>
      option({ flag: 'x', kind: number(), default: 1, required: true, help: '', group: 'G' }),
    ).toThrow('--x is declared both required and with a default');
  });
});

describe('helpText', () => {
  const help = helpText({
    title: 'jointspace train: learn',
    usage: ['jointspace train --data PATH [options]'],
    about: 'About it.',
    options: TABLE,
    epilogue: 'The end.',
  });
  const lines = help.split('\n');

  it('lays out title, usage, about, the groups in order of appearance, epilogue', () => {
    expect(
      help.startsWith(
        'jointspace train: learn\n\n  jointspace train --data PATH [options]\n\nAbout it.\n\nData:\n',
      ),
    ).toBe(true);
    expect(help.endsWith('\n\nThe end.')).toBe(true);
    const headings = lines.filter((l) => /^\S.*:$/.test(l));
    expect(headings).toEqual(['Data:', 'Training:', 'Model:']);
    // A group's options stay together, in table order, whatever their order in the table.
    const flags = lines.map((l) => l.match(/^ {2}(?:-h, )?(--[\w-]+)/)?.[1]).filter(Boolean);
    expect(flags).toEqual([
      '--data',
      '--out',
      '--epochs',
      '--lr',
      '--max-updates',
      '--resume',
      '--encoder',
      '--help',
    ]);
  });

  it('lists every flag with its placeholder, choices, help and default in aligned columns', () => {
    expect(lines).toContain('  --epochs N       passes over the data (default 15)');
    expect(lines).toContain('  --encoder E      lstm | bow: the sentence encoder (default lstm)');
    expect(lines).toContain('  --max-updates N  stop after N updates (default: no limit)');
    expect(lines).toContain('  --resume         continue the run');
    expect(lines).toContain('  --data PATH      the dataset (required)');
    expect(lines.at(-3)).toBe('  -h, --help       this text');
  });

  it('wraps long lines under the help column, never splitting the default', () => {
    const long = {
      weights: option({
        flag: 'weights',
        value: 'P',
        kind: oneOf(['float32', 'float16', 'int8']),
        default: 'float32',
        help: 'how the ONNX files store weight matrices; float16 halves them, int8 quarters them, and so on and on',
        group: 'Export',
      }),
    };
    const text = optionsHelp(long);
    const wrapped = text.split('\n');
    for (const line of wrapped) expect(line.length).toBeLessThanOrEqual(100);
    expect(wrapped[1]).toMatch(/^ {2}--weights P {2}float32 \| float16 \| int8: how/);
    expect(wrapped[2]).toMatch(/^ {15}\S/);
    expect(text).toContain('(default float32)');
    expect(text.replace(/\n\s+/g, ' ')).toContain(
      'float32 | float16 | int8: how the ONNX files store weight matrices; float16 halves them, int8 quarters them, and so on and on (default float32)',
    );
  });

  it('puts -h, --help under the only group, or Options when there is none', () => {
    expect(optionsHelp({})).toBe('Options:\n  -h, --help  this text');
    expect(HELP_OPTION.flag).toBe('help');
  });
});
