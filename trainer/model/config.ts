/**
 * What a model is and how it is trained: a plain object with the authors' defaults (DESIGN.md,
 * REFERENCE.md), overridable from the command line. Saved in every checkpoint.
 *
 * Each setting is declared once, in a table (its kind, range, default and a help line): the
 * config types and the defaults are derived from the tables, and the command line derives its
 * flags, their checks and its help from them (cli/commands/train.ts).
 */

import { SENTENCE_ENCODERS, type SentenceEncoderKind } from '../../core/manifest.ts';

/** The encoders, as core/ names them for the model manifest. */
export const ENCODERS = SENTENCE_ENCODERS;
export type EncoderKind = SentenceEncoderKind;

/** One setting: its kind and range, its default, and a line for a command's help. */
export type Setting =
  | {
      /** A whole number, at least `min`. */
      readonly kind: 'integer';
      readonly min: number;
      readonly default: number;
      readonly help: string;
      /** How the default reads in help when the number itself says little (0: 'no limit'). */
      readonly defaultText?: string;
    }
  | {
      /** A finite number; greater than 0 when `positive`. */
      readonly kind: 'number';
      readonly positive?: boolean;
      readonly default: number;
      readonly help: string;
    }
  | {
      /** Off unless asked for. */
      readonly kind: 'boolean';
      readonly default: false;
      readonly help: string;
    }
  | {
      /** One of `choices`. */
      readonly kind: 'choice';
      readonly choices: readonly string[];
      readonly default: string;
      readonly help: string;
    };

export type SettingTable = Readonly<Record<string, Setting>>;

/** The value a setting holds. */
export type SettingValue<S extends Setting> = S extends { kind: 'integer' | 'number' }
  ? number
  : S extends { kind: 'boolean' }
    ? boolean
    : S extends { kind: 'choice'; choices: readonly (infer C)[] }
      ? C
      : never;

/** The values of a table of settings, one field per setting. */
export type SettingValues<T extends SettingTable> = {
  -readonly [K in keyof T]: SettingValue<T[K]>;
};

/** Every setting at its default. */
export function defaultsOf<T extends SettingTable>(table: T): SettingValues<T> {
  return Object.fromEntries(
    Object.entries(table).map(([field, setting]) => [field, setting.default]),
  ) as SettingValues<T>;
}

/** The settings of a model that are chosen rather than read from the data. */
export const MODEL_SETTINGS = {
  /** lstm / gru: word embedding -> recurrent net -> last hidden state; bow: sum of word vectors; mean: mean of word vectors -> linear map. */
  encoder: {
    kind: 'choice',
    choices: ENCODERS,
    default: 'lstm',
    help: 'the sentence encoder',
  },
  /** The joint space's dimension, and the recurrent state's. */
  jointDim: {
    kind: 'integer',
    min: 1,
    default: 1024,
    help: 'joint space and recurrent state',
  },
  /** Word embedding width (lstm, gru, mean). bow's word vectors live in the joint space. */
  wordDim: { kind: 'integer', min: 1, default: 300, help: 'word embedding' },
} as const satisfies SettingTable;

export interface ModelConfig extends SettingValues<typeof MODEL_SETTINGS> {
  vocabSize: number;
  /** CNN feature width of the images. */
  featureDim: number;
}

/** How a model is trained; the defaults are the authors'. */
export const TRAIN_SETTINGS = {
  epochs: { kind: 'integer', min: 1, default: 15, help: 'passes over the training captions' },
  batchSize: { kind: 'integer', min: 2, default: 128, help: 'matching pairs per update' },
  learningRate: { kind: 'number', positive: true, default: 2e-4, help: 'Adam learning rate' },
  /** Global gradient norm is clipped to this. */
  gradClip: { kind: 'number', positive: true, default: 2, help: 'global gradient norm clip' },
  margin: { kind: 'number', default: 0.2, help: 'hinge margin' },
  /** VSE++'s hardest-negative loss instead of the sum over all contrastive terms. */
  maxViolation: {
    kind: 'boolean',
    default: false,
    help: 'VSE++ hardest-negative loss instead of the sum',
  },
  /** Score the val split (and keep the best model) every this many updates. */
  validateEvery: {
    kind: 'integer',
    min: 1,
    default: 100,
    help: 'score val and keep the best model every N updates',
  },
  /** Captions longer than this many tokens are cut (keeps a batch's cost bounded). */
  maxLength: { kind: 'integer', min: 1, default: 50, help: 'cut captions to N tokens' },
  /** Words seen fewer times in the training captions map to <unk>. */
  minCount: { kind: 'integer', min: 1, default: 1, help: 'rarer training words become <unk>' },
  seed: { kind: 'integer', min: 0, default: 1, help: 'repeatable on one backend' },
  /** Stop after this many updates in all (for quick runs and tests); 0: no limit. */
  maxUpdates: {
    kind: 'integer',
    min: 0,
    default: 0,
    help: 'stop after N updates',
    defaultText: 'no limit',
  },
} as const satisfies SettingTable;

export type TrainConfig = SettingValues<typeof TRAIN_SETTINGS>;

export const DEFAULT_TRAIN_CONFIG: TrainConfig = defaultsOf(TRAIN_SETTINGS);

export const DEFAULT_WORD_DIM = MODEL_SETTINGS.wordDim.default;
export const DEFAULT_JOINT_DIM = MODEL_SETTINGS.jointDim.default;
