import * as tf from '@tensorflow/tfjs-core';
import type { ManifestDirection } from '../../core/manifest.ts';
import { type DirectionMetrics, type RankingMetrics, rankingMetrics } from '../../core/metrics.ts';
import type { Vocabulary } from '../../core/vocabulary.ts';
import type { SplitData } from '../data/dataset.ts';
import type { JointModel } from '../model/model.ts';
import { encodeCaptions } from '../model/token-batch.ts';
import { embedCaptions, embedImages } from './embed.ts';

/**
 * Scores a split as the paper does (REFERENCE.md, "Evaluation, exactly"): every image against
 * every caption, Recall@1/5/10 and median and mean rank for annotation and search.
 */

/** Row-major images x captions cosine scores, computed on the backend (a plain product). */
export function scoreMatrix(
  images: Float32Array,
  captions: Float32Array,
  dim: number,
): Float32Array {
  const scores = tf.tidy(() => {
    const im = tf.tensor2d(images, [images.length / dim, dim]);
    const capT = tf.transpose(tf.tensor2d(captions, [captions.length / dim, dim]));
    return tf.matMul(im, capT);
  });
  // Read the values outside tidy: tidy walks whatever its function returns looking for
  // tensors, and walking a 5-million-element typed array took 4 s (1,000 x 5,000 scores).
  const values = scores.dataSync() as Float32Array;
  scores.dispose();
  return values;
}

export interface SplitEmbeddings {
  images: Float32Array;
  captions: Float32Array;
}

export async function embedSplit(
  model: JointModel,
  split: SplitData,
  vocab: Vocabulary,
  maxLength: number,
): Promise<SplitEmbeddings> {
  const encoded = encodeCaptions(split.tokens, split.captionImage, vocab, maxLength);
  return {
    images: await embedImages(model, split.features, split.dim),
    captions: await embedCaptions(model, encoded.ids),
  };
}

export function metricsOf(
  embeddings: SplitEmbeddings,
  split: SplitData,
  dim: number,
): RankingMetrics {
  const nImages = split.imageIds.length;
  const scores = scoreMatrix(embeddings.images, embeddings.captions, dim);
  return rankingMetrics(scores, nImages, split.captions.length, split.captionImage);
}

export async function evaluateSplit(
  model: JointModel,
  split: SplitData,
  vocab: Vocabulary,
  maxLength: number,
): Promise<RankingMetrics> {
  return metricsOf(await embedSplit(model, split, vocab, maxLength), split, model.config.jointDim);
}

/** One direction's row of the paper's table, without the per-query ranks (for JSON reports). */
export function directionRow(d: DirectionMetrics): ManifestDirection {
  return { r1: d.r1, r5: d.r5, r10: d.r10, medianRank: d.medianRank, meanRank: d.meanRank };
}
