/**
 * Ranking metrics for image-sentence retrieval, exactly as the paper's evaluation (see
 * REFERENCE.md, "Evaluation, exactly"): Recall@K, median and mean rank, for annotation
 * (image -> text) and search (text -> image). Model selection during training uses their sum,
 * so this must agree with the authors' numbers to the last tie.
 *
 * Ranks are 0-based positions in a stable sort by descending score: an item with an equal score
 * and a smaller index ranks ahead. They are counted, not sorted: the position of item t is
 * #{u : s_u > s_t} + #{u < t : s_u == s_t}.
 */

import { JointspaceInputError, requirePositiveInteger } from './errors.ts';

/** Metrics of one direction. `ranks` holds each query's 0-based rank, in query order. */
export interface DirectionMetrics {
  readonly r1: number;
  readonly r5: number;
  readonly r10: number;
  readonly medianRank: number;
  readonly meanRank: number;
  readonly ranks: Int32Array;
}

export interface RankingMetrics {
  /** Image -> text: one query per image. */
  readonly annotation: DirectionMetrics;
  /** Text -> image: one query per caption. */
  readonly search: DirectionMetrics;
  /** Sum of the six recalls: the number model selection maximises. */
  readonly rsum: number;
}

/**
 * Which image owns each caption: an array (owner[j] = image of caption j, any number of captions
 * per image) or a fixed count per image (caption j belongs to image floor(j / count)).
 */
export type CaptionOwnership = ArrayLike<number> | { readonly captionsPerImage: number };

function requireRanks(ranks: ArrayLike<number>, what: string): void {
  if (ranks.length === 0) throw new JointspaceInputError(`${what}: no ranks`);
}

/** 100 x the fraction of ranks below k (ranks are 0-based, so rank 0 counts for R@1). */
export function recallAtK(ranks: ArrayLike<number>, k: number): number {
  requireRanks(ranks, 'recallAtK');
  requirePositiveInteger(k, 'recallAtK: k');
  let hits = 0;
  for (let i = 0; i < ranks.length; i++) if (ranks[i]! < k) hits++;
  return (100 * hits) / ranks.length;
}

/** floor(median of the 0-based ranks) + 1; an even count takes the mean of the middle two. */
export function medianRank(ranks: ArrayLike<number>): number {
  requireRanks(ranks, 'medianRank');
  const sorted = Float64Array.from(ranks).sort();
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.floor(median) + 1;
}

/** mean of the 0-based ranks + 1. */
export function meanRank(ranks: ArrayLike<number>): number {
  requireRanks(ranks, 'meanRank');
  let sum = 0;
  for (let i = 0; i < ranks.length; i++) sum += ranks[i]!;
  return sum / ranks.length + 1;
}

function directionMetrics(ranks: Int32Array): DirectionMetrics {
  return {
    r1: recallAtK(ranks, 1),
    r5: recallAtK(ranks, 5),
    r10: recallAtK(ranks, 10),
    medianRank: medianRank(ranks),
    meanRank: meanRank(ranks),
    ranks,
  };
}

/** Resolves the ownership argument to owner[j] for every caption, checking it covers all. */
function resolveOwners(nImages: number, nCaptions: number, owner: CaptionOwnership): Int32Array {
  const owners = new Int32Array(nCaptions);
  if ('captionsPerImage' in owner) {
    const perImage = owner.captionsPerImage;
    requirePositiveInteger(perImage, 'rankingMetrics: captionsPerImage');
    if (nCaptions !== nImages * perImage) {
      throw new JointspaceInputError(
        `rankingMetrics: ${nImages} images x ${perImage} captions each needs ` +
          `${nImages * perImage} captions, got ${nCaptions}`,
      );
    }
    for (let j = 0; j < nCaptions; j++) owners[j] = Math.floor(j / perImage);
    return owners;
  }
  if (owner.length !== nCaptions) {
    throw new JointspaceInputError(
      `rankingMetrics: owner has ${owner.length} entries, expected one per caption (${nCaptions})`,
    );
  }
  const owned = new Uint8Array(nImages);
  for (let j = 0; j < nCaptions; j++) {
    const image = owner[j]!;
    if (!Number.isInteger(image) || image < 0 || image >= nImages) {
      throw new JointspaceInputError(
        `rankingMetrics: owner[${j}] = ${String(image)} is not an image index in [0, ${nImages})`,
      );
    }
    owners[j] = image;
    owned[image] = 1;
  }
  const orphan = owned.indexOf(0);
  if (orphan !== -1) {
    throw new JointspaceInputError(`rankingMetrics: image ${orphan} owns no caption`);
  }
  return owners;
}

/**
 * Annotation and search metrics of a row-major nImages x nCaptions score matrix. By default
 * caption j belongs to image floor(j / 5). Annotation rank of image i: the best rank among its
 * captions when all captions are ranked by its row. Search rank of caption j: the rank of its
 * image when all images are ranked by its column. A NaN score throws, naming its cell.
 */
export function rankingMetrics(
  scores: ArrayLike<number>,
  nImages: number,
  nCaptions: number,
  owner: CaptionOwnership = { captionsPerImage: 5 },
): RankingMetrics {
  requirePositiveInteger(nImages, 'rankingMetrics: nImages');
  requirePositiveInteger(nCaptions, 'rankingMetrics: nCaptions');
  if (scores.length !== nImages * nCaptions) {
    throw new JointspaceInputError(
      `rankingMetrics: scores has ${scores.length} values, expected ${nImages} x ${nCaptions}`,
    );
  }
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) {
      const row = Math.floor(i / nCaptions);
      throw new JointspaceInputError(
        `rankingMetrics: score of image ${row}, caption ${i - row * nCaptions} is NaN`,
      );
    }
  }
  const owners = resolveOwners(nImages, nCaptions, owner);

  // Annotation. Only the own caption that sorts first matters: the highest score, the smallest
  // index among equals. Its position in row i is the image's rank.
  const best = new Int32Array(nImages).fill(-1);
  for (let j = 0; j < nCaptions; j++) {
    const i = owners[j]!;
    const b = best[i]!;
    if (b === -1 || scores[i * nCaptions + j]! > scores[i * nCaptions + b]!) best[i] = j;
  }
  const annotationRanks = new Int32Array(nImages);
  for (let i = 0; i < nImages; i++) {
    const row = i * nCaptions;
    const t = best[i]!;
    const own = scores[row + t]!;
    let rank = 0;
    for (let u = 0; u < nCaptions; u++) {
      const s = scores[row + u]!;
      if (s > own || (s === own && u < t)) rank++;
    }
    annotationRanks[i] = rank;
  }

  // Search. Walk the matrix row by row (memory order) and count, for every caption at once,
  // the images that rank ahead of its owner.
  const ownScore = new Float64Array(nCaptions);
  for (let j = 0; j < nCaptions; j++) ownScore[j] = scores[owners[j]! * nCaptions + j]!;
  const searchRanks = new Int32Array(nCaptions);
  for (let i = 0; i < nImages; i++) {
    const row = i * nCaptions;
    for (let j = 0; j < nCaptions; j++) {
      const s = scores[row + j]!;
      const own = ownScore[j]!;
      if (s > own || (s === own && i < owners[j]!)) searchRanks[j]!++;
    }
  }

  const annotation = directionMetrics(annotationRanks);
  const search = directionMetrics(searchRanks);
  const rsum = annotation.r1 + annotation.r5 + annotation.r10 + search.r1 + search.r5 + search.r10;
  return { annotation, search, rsum };
}
