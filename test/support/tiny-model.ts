import * as tf from '@tensorflow/tfjs-core';
import type { EncoderKind, ModelConfig } from '../../trainer/model/config.ts';
import { paramShapes, type TokenBatch } from '../../trainer/model/model.ts';
import { Random } from '../../trainer/random.ts';

/**
 * A tiny model and batch for gradient checks, and the model's forward pass written again with
 * stock TensorFlow.js ops, one caption at a time over its own tokens only (no padding, no
 * masks), straight from DESIGN.md and the gate layouts documented in model.ts. Anything the
 * model does differently (a transposed gate, a padding step that leaks, a wrong bias) shows up
 * as a difference in value or gradient.
 */

export const TINY = { vocabSize: 12, wordDim: 4, jointDim: 5, featureDim: 6 } as const;

export function tinyConfig(encoder: EncoderKind): ModelConfig {
  return { encoder, ...TINY };
}

/** Four captions of mixed lengths, one with an <unk> (id 1), one a single word. */
export const TINY_CAPTIONS: readonly number[][] = [[2, 5, 7], [3, 1, 4, 9, 2], [6], [8, 10, 11, 1]];
/** Pairs 1 and 3 show the same picture: not contrastive for each other. */
export const TINY_IMAGE_OF = Int32Array.from([0, 1, 2, 1]);

/** The captions in the encoder's time-major layout, padded with 0. */
export function tinyBatch(captions: readonly number[][] = TINY_CAPTIONS): TokenBatch {
  const size = captions.length;
  const steps = Math.max(...captions.map((c) => c.length));
  const ids = new Int32Array(steps * size);
  captions.forEach((c, b) => {
    c.forEach((id, t) => {
      ids[t * size + b] = id;
    });
  });
  return { ids, steps, size, lengths: Int32Array.from(captions, (c) => c.length) };
}

/** One feature row per pair (rows of the same picture are equal). */
export function tinyFeatures(seed = 7): Float32Array {
  const rng = new Random(seed);
  const pictures = Array.from({ length: 3 }, () => rng.gaussians(TINY.featureDim));
  const out = new Float32Array(TINY_IMAGE_OF.length * TINY.featureDim);
  TINY_IMAGE_OF.forEach((p, i) => {
    out.set(pictures[p] as Float32Array, i * TINY.featureDim);
  });
  return out;
}

/** Weights of a usable size for a gradient check: every parameter (biases too) N(0, std^2). */
export function tinyWeights(
  config: ModelConfig,
  seed = 3,
  std = 0.5,
): Record<string, Float32Array> {
  const rng = new Random(seed);
  const out: Record<string, Float32Array> = {};
  for (const [name, shape] of Object.entries(paramShapes(config))) {
    out[name] = rng.gaussians(
      shape.reduce((a, b) => a * b, 1),
      std,
    );
  }
  return out;
}

type Params = Record<string, tf.Tensor>;

function param(p: Params, name: string): tf.Tensor2D {
  const t = p[name];
  if (!t) throw new Error(`no parameter ${name}`);
  return t as tf.Tensor2D;
}

/** Rows scaled to unit length, with the same eps as the model (1e-8 under the root). */
function normalise(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), 1, true), 1e-8)));
}

function word(p: Params, id: number): tf.Tensor2D {
  return tf.gather(param(p, 'embedding'), tf.tensor1d([id], 'int32'));
}

function lstmCaption(p: Params, ids: readonly number[], H: number): tf.Tensor2D {
  let h: tf.Tensor2D = tf.zeros([1, H]);
  let c: tf.Tensor2D = tf.zeros([1, H]);
  for (const id of ids) {
    const z = tf.add(
      tf.add(tf.matMul(word(p, id), param(p, 'lstm.Wx')), tf.matMul(h, param(p, 'lstm.Wh'))),
      param(p, 'lstm.b'),
    );
    const gate = (k: number) => tf.slice(z, [0, k * H], [1, H]);
    const [i, f, g, o] = [
      tf.sigmoid(gate(0)),
      tf.sigmoid(gate(1)),
      tf.tanh(gate(2)),
      tf.sigmoid(gate(3)),
    ];
    c = tf.add(tf.mul(f, c), tf.mul(i, g));
    h = tf.mul(o, tf.tanh(c));
  }
  return h;
}

function gruCaption(p: Params, ids: readonly number[], H: number): tf.Tensor2D {
  let h: tf.Tensor2D = tf.zeros([1, H]);
  const wx = param(p, 'gru.Wx');
  const b = param(p, 'gru.b');
  const whzr = param(p, 'gru.Whzr');
  for (const id of ids) {
    const x = tf.add(tf.matMul(word(p, id), wx), b);
    const hzr = tf.matMul(h, whzr);
    const z = tf.sigmoid(tf.add(tf.slice(x, [0, 0], [1, H]), tf.slice(hzr, [0, 0], [1, H])));
    const r = tf.sigmoid(tf.add(tf.slice(x, [0, H], [1, H]), tf.slice(hzr, [0, H], [1, H])));
    const n = tf.tanh(
      tf.add(tf.slice(x, [0, 2 * H], [1, H]), tf.matMul(tf.mul(r, h), param(p, 'gru.Whn'))),
    );
    h = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
  }
  return h;
}

function knownWordSum(p: Params, ids: readonly number[], width: number): tf.Tensor2D {
  const known = ids.filter((id) => id > 1);
  if (known.length === 0) return tf.zeros([1, width]);
  return tf.addN(known.map((id) => word(p, id)));
}

/** Unit sentence vectors, one caption at a time. */
export function referenceSentences(
  config: ModelConfig,
  p: Params,
  captions: readonly number[][],
): tf.Tensor2D {
  const H = config.jointDim;
  const rows = captions.map((ids) => {
    switch (config.encoder) {
      case 'lstm':
        return lstmCaption(p, ids, H);
      case 'gru':
        return gruCaption(p, ids, H);
      case 'bow':
        return knownWordSum(p, ids, H);
      case 'mean': {
        const count = Math.max(1, ids.filter((id) => id > 1).length);
        return tf.matMul(tf.div(knownWordSum(p, ids, config.wordDim), count), param(p, 'mean.W'));
      }
      default:
        throw new Error(`unknown encoder ${config.encoder}`);
    }
  });
  return normalise(tf.concat(rows, 0) as tf.Tensor2D);
}

export function referenceImages(p: Params, features: tf.Tensor2D): tf.Tensor2D {
  return normalise(tf.matMul(features, param(p, 'image.W')));
}

/** The loss of DESIGN.md term by term: pairs (i, k) of different pictures, both directions. */
export function referenceLoss(
  images: tf.Tensor2D,
  sentences: tf.Tensor2D,
  imageOf: Int32Array,
  margin: number,
  maxViolation: boolean,
): tf.Scalar {
  const n = imageOf.length;
  const s = tf.matMul(images, sentences, false, true);
  const at = (i: number, k: number) => tf.reshape(tf.slice(s, [i, k], [1, 1]), []);
  const terms: tf.Tensor[] = [];
  for (let i = 0; i < n; i++) {
    const caption: tf.Tensor[] = [];
    const image: tf.Tensor[] = [];
    for (let k = 0; k < n; k++) {
      if (imageOf[i] === imageOf[k]) continue;
      // image i against wrong caption k; caption i against wrong image k
      caption.push(tf.relu(tf.add(tf.sub(margin, at(i, i)), at(i, k))));
      image.push(tf.relu(tf.add(tf.sub(margin, at(i, i)), at(k, i))));
    }
    if (caption.length === 0) continue;
    if (maxViolation) terms.push(tf.max(tf.stack(caption)), tf.max(tf.stack(image)));
    else terms.push(...caption, ...image);
  }
  return (terms.length === 0 ? tf.scalar(0) : tf.addN(terms)) as tf.Scalar;
}
