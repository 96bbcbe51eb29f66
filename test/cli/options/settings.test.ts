import { describe, expect, expectTypeOf, it } from 'vitest';
import { UsageError } from '../../../cli/options/kinds.ts';
import { optionsHelp, parseOptions } from '../../../cli/options/option-table.ts';
import { kebabCase, pickSettings, settingOptions } from '../../../cli/options/settings.ts';
import {
  DEFAULT_TRAIN_CONFIG,
  type EncoderKind,
  MODEL_SETTINGS,
  type SettingTable,
  TRAIN_SETTINGS,
  type TrainConfig,
} from '../../../trainer/model/config.ts';

const TRAINING = settingOptions(TRAIN_SETTINGS, 'Training', {
  learningRate: 'lr',
  gradClip: 'clip',
  validateEvery: 'val-every',
});

function parse(argv: string[]) {
  const parsed = parseOptions(TRAINING, argv);
  if (parsed.help) throw new Error('help');
  return parsed.values;
}

describe('kebabCase', () => {
  it('turns a field into a flag', () => {
    expect(kebabCase('batchSize')).toBe('batch-size');
    expect(kebabCase('maxViolation')).toBe('max-violation');
    expect(kebabCase('seed')).toBe('seed');
  });
});

describe('settingOptions', () => {
  it('names each flag after its field, unless renamed', () => {
    expect(Object.fromEntries(Object.entries(TRAINING).map(([f, o]) => [f, o.flag]))).toEqual({
      epochs: 'epochs',
      batchSize: 'batch-size',
      learningRate: 'lr',
      gradClip: 'clip',
      margin: 'margin',
      maxViolation: 'max-violation',
      validateEvery: 'val-every',
      maxLength: 'max-length',
      minCount: 'min-count',
      seed: 'seed',
      maxUpdates: 'max-updates',
    });
  });

  it("reads the settings' defaults when no flag is given", () => {
    expect(parse([])).toEqual(DEFAULT_TRAIN_CONFIG);
  });

  it('reads each kind of setting, typed as the config', () => {
    const values = parse(['--epochs', '3', '--lr', '0.01', '--max-violation', '--margin=-0.1']);
    expect(values).toMatchObject({
      epochs: 3,
      learningRate: 0.01,
      maxViolation: true,
      margin: -0.1,
    });
    expectTypeOf(values).toEqualTypeOf<TrainConfig>();
    const model = parseOptions(settingOptions(MODEL_SETTINGS, 'Model'), ['--encoder', 'bow']);
    if (model.help) throw new Error('help');
    expect(model.values).toEqual({ encoder: 'bow', jointDim: 1024, wordDim: 300 });
    expectTypeOf(model.values.encoder).toEqualTypeOf<EncoderKind>();
  });

  it("checks the settings' ranges, naming the flag", () => {
    const message = (argv: string[]) => {
      try {
        parse(argv);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(message(['--epochs', '0'])).toBe('--epochs must be at least 1, got 0');
    expect(message(['--batch-size', '1'])).toBe('--batch-size must be at least 2, got 1');
    expect(message(['--lr=-1'])).toBe('--lr must be greater than 0, got -1');
    expect(message(['--clip', '0'])).toBe('--clip must be greater than 0, got 0');
    expect(message(['--seed=-1'])).toBe('--seed must be at least 0, got -1');
    expect(message(['--max-updates', '0'])).toBe('accepted');
    expect(message(['--val-every', '2.5'])).toBe('--val-every expects a whole number, got "2.5"');
    const model = settingOptions(MODEL_SETTINGS, 'Model');
    expect(() => parseOptions(model, ['--encoder', 'lstmx'])).toThrow(
      '--encoder must be one of lstm, gru, bow, mean; got "lstmx"',
    );
  });

  it("shows the settings' help lines and defaults", () => {
    const help = optionsHelp(TRAINING);
    expect(help).toMatch(/^Training:\n/);
    expect(help).toMatch(/ {2}--epochs N +passes over the training captions \(default 15\)/);
    expect(help).toMatch(/ {2}--lr X +Adam learning rate \(default 0\.0002\)/);
    expect(help).toMatch(/ {2}--max-updates N +stop after N updates \(default: no limit\)/);
    expect(help).toMatch(/ {2}--max-violation +VSE\+\+ hardest-negative loss/);
    expect(optionsHelp(settingOptions(MODEL_SETTINGS, 'Model'))).toMatch(
      / {2}--encoder E +lstm \| gru \| bow \| mean: the sentence encoder \(default lstm\)/,
    );
  });

  it('makes each kind of setting the matching option', () => {
    const table = {
      count: { kind: 'integer', min: 3, default: 4, help: 'h' },
      rate: { kind: 'number', default: 0.5, help: 'h' },
      on: { kind: 'boolean', default: false, help: 'h' },
      pick: { kind: 'choice', choices: ['a', 'b'], default: 'b', help: 'h' },
    } as const satisfies SettingTable;
    const options = settingOptions(table, 'G');
    expect(options.count.read('3')).toBe(3);
    expect(() => options.count.read('2')).toThrow('--count must be at least 3, got 2');
    expect(options.rate.read(undefined)).toBe(0.5);
    expect(options.on.takesValue).toBe(false);
    expect(options.on.read(undefined)).toBe(false);
    expect(options.pick.describe).toBe('a | b');
    expect(options.pick.read(undefined)).toBe('b');
  });
});

describe('pickSettings', () => {
  it("keeps only the settings' fields", () => {
    const config = pickSettings(TRAIN_SETTINGS, {
      ...DEFAULT_TRAIN_CONFIG,
      epochs: 2,
      ...{ data: 'd', resume: true },
    });
    expect(config).toEqual({ ...DEFAULT_TRAIN_CONFIG, epochs: 2 });
    expect(Object.keys(config)).toEqual(Object.keys(TRAIN_SETTINGS));
  });
});
