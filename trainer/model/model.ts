import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../random.ts';
import { l2NormalizeRows, matMul } from '../tf/ops.ts';
import type { ModelConfig } from './config.ts';
import { normal, orthogonal, sideBySide, xavierUniform } from './init.ts';
import { lstmSequence } from './lstm-sequence.ts';
import { blend, stepMasks } from './step-masks.ts';

/**
 * The joint embedding model of DESIGN.md, built from TensorFlow.js core ops (tf.layers'
 * recurrent layers are far slower on wasm):
 *   sentence: ids -> embedding -> LSTM | GRU -> hidden state after the last real token,
 *             or ids -> sum (bow) / mean + linear map (mean) of the known words' vectors;
 *   image:    x = W_I q, no bias;
 * both L2-normalised, so that a dot product is a cosine.
 *
 * Gate layouts (columns of the recurrent weights), which the ONNX export must reorder:
 *   LSTM: [input, forget, cell candidate, output]; GRU: [update z, reset r | candidate n].
 */

/** Captions as the encoder takes them: ids time-major (row t holds step t of every caption). */
export interface TokenBatch {
  /** steps x size, ids[t * size + b] = token t of caption b; PAD_ID past a caption's end. */
  ids: Int32Array;
  steps: number;
  size: number;
  /** Real tokens per caption, each in [1, steps]. */
  lengths: Int32Array;
}

export type ParamShapes = Record<string, number[]>;

/** Every trainable tensor's name and shape, in a fixed order (checkpoints and export use it). */
export function paramShapes(c: ModelConfig): ParamShapes {
  const { vocabSize: V, wordDim: E, jointDim: H, featureDim: F } = c;
  const image = { 'image.W': [F, H] };
  switch (c.encoder) {
    case 'lstm':
      return {
        embedding: [V, E],
        'lstm.Wx': [E, 4 * H],
        'lstm.Wh': [H, 4 * H],
        'lstm.b': [4 * H],
        ...image,
      };
    case 'gru':
      return {
        embedding: [V, E],
        'gru.Wx': [E, 3 * H],
        'gru.Whzr': [H, 2 * H],
        'gru.Whn': [H, H],
        'gru.b': [3 * H],
        ...image,
      };
    case 'bow':
      return { embedding: [V, H], ...image };
    case 'mean':
      return { embedding: [V, E], 'mean.W': [E, H], ...image };
  }
}

/** Initial values: as the authors' code (small normal words and inputs, orthogonal recurrent, Xavier image). */
export function initialWeights(c: ModelConfig, rng: Random): Record<string, Float32Array> {
  const shapes = paramShapes(c);
  const H = c.jointDim;
  const out: Record<string, Float32Array> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (name === 'image.W') out[name] = xavierUniform(rng, shape[0] as number, shape[1] as number);
    else if (name === 'lstm.Wh')
      out[name] = sideBySide(
        [0, 1, 2, 3].map(() => orthogonal(rng, H)),
        H,
      );
    else if (name === 'gru.Whzr')
      out[name] = sideBySide(
        [0, 1].map(() => orthogonal(rng, H)),
        H,
      );
    else if (name === 'gru.Whn') out[name] = orthogonal(rng, H);
    else if (name === 'lstm.b') {
      // Forget gate bias 1: remember by default early in training (Jozefowicz et al. 2015).
      out[name] = new Float32Array(size).fill(0, 0);
      out[name].fill(1, H, 2 * H);
    } else if (name.endsWith('.b')) out[name] = new Float32Array(size);
    else out[name] = normal(rng, size, 0.1);
  }
  return out;
}

/** tfjs variable names are global to the process; each model gets its own prefix. */
let modelCount = 0;

export class JointModel {
  /** By parameter name (as in paramShapes), in paramShapes' order. */
  readonly variables: Map<string, tf.Variable>;
  /** Prefix of this model's tfjs variable names: `${prefix}/${parameter name}`. */
  readonly prefix = `jointspace${modelCount++}`;

  constructor(
    readonly config: ModelConfig,
    weights: Record<string, Float32Array>,
  ) {
    this.variables = new Map();
    // Check every weight before creating any variable, so a rejected model leaves nothing behind.
    for (const [name, shape] of Object.entries(paramShapes(config))) {
      const values = weights[name];
      const size = shape.reduce((a, b) => a * b, 1);
      if (!values || values.length !== size) {
        throw new Error(
          `weights for ${name}: expected ${size} values (${shape.join(' x ')}), got ${values?.length ?? 'none'}`,
        );
      }
    }
    for (const [name, shape] of Object.entries(paramShapes(config))) {
      const values = weights[name] as Float32Array;
      this.variables.set(
        name,
        // The variable keeps the values; tidy frees the tensor they came in.
        tf.tidy(() =>
          tf.variable(tf.tensor(values, shape, 'float32'), true, `${this.prefix}/${name}`),
        ),
      );
    }
  }

  static create(config: ModelConfig, rng: Random): JointModel {
    return new JointModel(config, initialWeights(config, rng));
  }

  private v(name: string): tf.Variable {
    const v = this.variables.get(name);
    if (!v) throw new Error(`model has no parameter ${name}`);
    return v;
  }

  /** Unit-length image vectors for CNN features (n x featureDim). */
  encodeImages(features: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => l2NormalizeRows(matMul(features, this.v('image.W') as tf.Tensor2D)));
  }

  /** Unit-length sentence vectors for a batch of captions. */
  encodeSentences(batch: TokenBatch): tf.Tensor2D {
    return tf.tidy(() => {
      const ids = tf.tensor1d(batch.ids, 'int32');
      switch (this.config.encoder) {
        case 'lstm':
          return l2NormalizeRows(this.lstm(batch));
        case 'gru':
          return l2NormalizeRows(this.gru(batch));
        case 'bow':
          return l2NormalizeRows(this.knownWordSum(ids, batch, this.v('embedding') as tf.Tensor2D));
        case 'mean': {
          const sum = this.knownWordSum(ids, batch, this.v('embedding') as tf.Tensor2D);
          const known = tf.maximum(tf.sum(knownMask(batch), 0), 1); // [size, 1]
          return l2NormalizeRows(matMul(tf.div(sum, known), this.v('mean.W') as tf.Tensor2D));
        }
      }
    });
  }

  /** Sum over time of the vectors of known words (not padding, not <unk>): [size, width]. */
  private knownWordSum(ids: tf.Tensor1D, batch: TokenBatch, table: tf.Tensor2D): tf.Tensor2D {
    const width = table.shape[1];
    const vectors = tf.reshape(tf.gather(table, ids), [batch.steps, batch.size, width]);
    return tf.sum(tf.mul(vectors, knownMask(batch)), 0) as tf.Tensor2D;
  }

  /** Inputs for every step at once: one large product instead of one per step. */
  /**
   * x W + b for every token of the batch. Captions share most of their words ("a", "the",
   * "in"), so each distinct word is projected once and the rows are then gathered: about half
   * the multiply-adds of projecting all T*B tokens, in both passes.
   */
  private inputProjection(batch: TokenBatch, wx: string, b: string): tf.Tensor2D {
    const { distinct, position } = distinctIds(batch.ids);
    const x = tf.gather(this.v('embedding') as tf.Tensor2D, tf.tensor1d(distinct, 'int32'));
    const projected = tf.add(matMul(x, this.v(wx) as tf.Tensor2D), this.v(b)) as tf.Tensor2D;
    return tf.gather(projected, tf.tensor1d(position, 'int32'));
  }

  private lstm(batch: TokenBatch): tf.Tensor2D {
    const xp = this.inputProjection(batch, 'lstm.Wx', 'lstm.b');
    return lstmSequence(xp, this.v('lstm.Wh') as tf.Tensor2D, batch.steps, batch.lengths);
  }

  private gru(batch: TokenBatch): tf.Tensor2D {
    const { size: B, steps: T } = batch;
    const H = this.config.jointDim;
    const xp = this.inputProjection(batch, 'gru.Wx', 'gru.b');
    const whzr = this.v('gru.Whzr') as tf.Tensor2D;
    const whn = this.v('gru.Whn') as tf.Tensor2D;
    const masks = stepMasks(batch.lengths, T);
    let h: tf.Tensor2D = tf.zeros([B, H]);
    for (let t = 0; t < T; t++) {
      const x = tf.slice(xp, [t * B, 0], [B, 3 * H]);
      const [xzr, xn] = tf.split(x, [2 * H, H], 1) as [tf.Tensor2D, tf.Tensor2D];
      const zr = tf.sigmoid(tf.add(xzr, matMul(h, whzr)));
      const [z, r] = tf.split(zr, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      const n = tf.tanh(tf.add(xn, matMul(tf.mul(r, h) as tf.Tensor2D, whn)));
      // h' = (1 - z) * n + z * h  =  n + z * (h - n)
      const h2 = tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D;
      h = blend(masks[t], h2, h);
    }
    return h;
  }

  /** Values of every parameter, by name (for checkpoints and export). */
  async weights(): Promise<Record<string, Float32Array>> {
    const out: Record<string, Float32Array> = {};
    for (const [name, v] of this.variables) out[name] = (await v.data()) as Float32Array;
    return out;
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
  }
}

/** The distinct ids of a batch, and where each token's id sits among them. */
export function distinctIds(ids: Int32Array): { distinct: Int32Array; position: Int32Array } {
  const index = new Map<number, number>();
  const position = new Int32Array(ids.length);
  ids.forEach((id, i) => {
    let p = index.get(id);
    if (p === undefined) {
      p = index.size;
      index.set(id, p);
    }
    position[i] = p;
  });
  return { distinct: Int32Array.from(index.keys()), position };
}

/** [steps, size, 1]: 1 where the token is a known word, 0 for padding and <unk>. */
function knownMask(batch: TokenBatch): tf.Tensor3D {
  const m = new Float32Array(batch.ids.length);
  for (let i = 0; i < m.length; i++) m[i] = (batch.ids[i] as number) > 1 ? 1 : 0;
  return tf.tensor3d(m, [batch.steps, batch.size, 1]);
}
