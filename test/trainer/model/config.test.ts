import { describe, expect, expectTypeOf, it } from 'vitest';
import { SENTENCE_ENCODERS } from '../../../core/manifest.ts';
import {
  DEFAULT_JOINT_DIM,
  DEFAULT_TRAIN_CONFIG,
  DEFAULT_WORD_DIM,
  defaultsOf,
  ENCODERS,
  type EncoderKind,
  MODEL_SETTINGS,
  type ModelConfig,
  type Setting,
  type SettingTable,
  TRAIN_SETTINGS,
  type TrainConfig,
} from '../../../trainer/model/config.ts';

/** Whether a value is one the setting allows. */
function allowed(setting: Setting, value: unknown): boolean {
  switch (setting.kind) {
    case 'integer':
      return Number.isSafeInteger(value) && (value as number) >= setting.min;
    case 'number':
      return Number.isFinite(value) && (!setting.positive || (value as number) > 0);
    case 'boolean':
      return typeof value === 'boolean';
    case 'choice':
      return setting.choices.includes(value as string);
  }
}

describe('the training settings', () => {
  it("default to the authors' values", () => {
    expect(DEFAULT_TRAIN_CONFIG).toEqual({
      epochs: 15,
      batchSize: 128,
      learningRate: 2e-4,
      gradClip: 2,
      margin: 0.2,
      maxViolation: false,
      validateEvery: 100,
      maxLength: 50,
      minCount: 1,
      seed: 1,
      maxUpdates: 0,
    });
  });

  it('are derived, fields and defaults, from the one table', () => {
    expect(Object.keys(DEFAULT_TRAIN_CONFIG)).toEqual(Object.keys(TRAIN_SETTINGS));
    for (const [field, setting] of Object.entries(TRAIN_SETTINGS)) {
      expect(DEFAULT_TRAIN_CONFIG[field as keyof TrainConfig], field).toBe(setting.default);
    }
    expectTypeOf<TrainConfig>().toEqualTypeOf<{
      epochs: number;
      batchSize: number;
      learningRate: number;
      gradClip: number;
      margin: number;
      maxViolation: boolean;
      validateEvery: number;
      maxLength: number;
      minCount: number;
      seed: number;
      maxUpdates: number;
    }>();
  });

  it('allow their own defaults, and say what each is for', () => {
    const tables: SettingTable[] = [TRAIN_SETTINGS, MODEL_SETTINGS];
    for (const table of tables) {
      for (const [field, setting] of Object.entries(table)) {
        expect(allowed(setting, setting.default), field).toBe(true);
        expect(setting.help.length, field).toBeGreaterThan(5);
      }
    }
  });

  it('keep the ranges the command line checks', () => {
    expect(allowed(TRAIN_SETTINGS.batchSize, 1)).toBe(false);
    expect(allowed(TRAIN_SETTINGS.batchSize, 2)).toBe(true);
    expect(allowed(TRAIN_SETTINGS.epochs, 0)).toBe(false);
    expect(allowed(TRAIN_SETTINGS.learningRate, 0)).toBe(false);
    expect(allowed(TRAIN_SETTINGS.gradClip, -1)).toBe(false);
    expect(allowed(TRAIN_SETTINGS.margin, -1)).toBe(true);
    expect(allowed(TRAIN_SETTINGS.maxUpdates, 0)).toBe(true);
    expect(allowed(TRAIN_SETTINGS.seed, -1)).toBe(false);
  });
});

describe('the model settings', () => {
  it('choose among the encoders core/ names, with lstm, 1024-d and 300-d words by default', () => {
    expect(ENCODERS).toBe(SENTENCE_ENCODERS);
    expect(MODEL_SETTINGS.encoder.choices).toEqual(ENCODERS);
    expect(defaultsOf(MODEL_SETTINGS)).toEqual({ encoder: 'lstm', jointDim: 1024, wordDim: 300 });
    expect(DEFAULT_JOINT_DIM).toBe(1024);
    expect(DEFAULT_WORD_DIM).toBe(300);
    expectTypeOf<ModelConfig['encoder']>().toEqualTypeOf<EncoderKind>();
    expectTypeOf<ModelConfig['wordDim']>().toEqualTypeOf<number>();
    expectTypeOf<ModelConfig['featureDim']>().toEqualTypeOf<number>();
  });
});

describe('defaultsOf', () => {
  it('gives every setting of a table its default', () => {
    const table = {
      a: { kind: 'integer', min: 0, default: 3, help: 'a thing' },
      b: { kind: 'choice', choices: ['x', 'y'], default: 'y', help: 'b thing' },
      c: { kind: 'boolean', default: false, help: 'c thing' },
    } as const satisfies SettingTable;
    const defaults = defaultsOf(table);
    expect(defaults).toEqual({ a: 3, b: 'y', c: false });
    expectTypeOf(defaults).toEqualTypeOf<{ a: number; b: 'x' | 'y'; c: boolean }>();
  });
});
