/**
 * What a model is and how it is trained: a plain object with the authors' defaults (DESIGN.md,
 * REFERENCE.md), overridable from the command line. Saved in every checkpoint.
 */

import { SENTENCE_ENCODERS, type SentenceEncoderKind } from '../../core/manifest.ts';

/** The encoders, as core/ names them for the model manifest. */
export const ENCODERS = SENTENCE_ENCODERS;
export type EncoderKind = SentenceEncoderKind;

export interface ModelConfig {
  /** lstm / gru: word embedding -> recurrent net -> last hidden state; bow: sum of word vectors; mean: mean of word vectors -> linear map. */
  encoder: EncoderKind;
  vocabSize: number;
  /** Word embedding width (lstm, gru, mean). bow's word vectors live in the joint space. */
  wordDim: number;
  /** The joint space's dimension, and the recurrent state's. */
  jointDim: number;
  /** CNN feature width of the images. */
  featureDim: number;
}

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Global gradient norm is clipped to this. */
  gradClip: number;
  margin: number;
  /** VSE++'s hardest-negative loss instead of the sum over all contrastive terms. */
  maxViolation: boolean;
  /** Score the val split (and keep the best model) every this many updates. */
  validateEvery: number;
  /** Captions longer than this many tokens are cut (keeps a batch's cost bounded). */
  maxLength: number;
  /** Words seen fewer times in the training captions map to <unk>. */
  minCount: number;
  seed: number;
  /** Stop after this many updates in all (for quick runs and tests); 0: no limit. */
  maxUpdates: number;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
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
};

export const DEFAULT_WORD_DIM = 300;
export const DEFAULT_JOINT_DIM = 1024;
