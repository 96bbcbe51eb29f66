/**
 * The entry points: validate what the API bounds, ask the services, shape the answer. Everything
 * that touches a model is behind `services`; expected failures are QueryErrors thrown by either.
 */

import { QUERY_LIMITS } from '../../../core/limits.ts';
import { requireExactlyOne, requireInRange, requireTextLength } from '../arguments.ts';
import type { QueryResolvers } from '../generated/resolvers-types.ts';
import { pageWindow, toConnection } from '../paging.ts';

/** A nullable GraphQL argument as the services take it: absent and null both mean none. */
const optional = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

export const queryResolvers: QueryResolvers = {
  async search(_root, { text, first, after, split }, { services }) {
    const window = pageWindow(first, after);
    requireTextLength('text', text);
    const { query, results } = await services.search(text, window.topK, optional(split));
    return { query, ...toConnection(results, window) };
  },

  async annotate(_root, { image, first, after, split }, { services }) {
    const window = pageWindow(first, after);
    // ImageInput is @oneOf: GraphQL validation guarantees exactly one of the three is set.
    if (image.id !== undefined) {
      const results = await services.annotateImage(image.id, window.topK, optional(split));
      return { imageId: image.id, ...toConnection(results, window) };
    }
    const results =
      image.picture !== undefined
        ? await services.annotatePicture(image.picture, window.topK, optional(split))
        : await services.annotateFeatures(image.features, window.topK, optional(split));
    return { imageId: null, ...toConnection(results, window) };
  },

  async similar(_root, { imageId, picture, first, after, split }, { services }) {
    const from = requireExactlyOne('similar', { imageId, picture });
    const window = pageWindow(first, after);
    if (from.picture !== undefined) {
      const results = await services.similarToPicture(from.picture, window.topK, optional(split));
      return { imageId: null, ...toConnection(results, window) };
    }
    const results = await services.similar(from.imageId, window.topK, optional(split));
    return { imageId: from.imageId, ...toConnection(results, window) };
  },

  async analogy(_root, { imageId, minus, plus, pool, k }, { services }) {
    requireInRange('pool', pool, 1, QUERY_LIMITS.maxResults);
    requireInRange('k', k, 1, pool);
    requireTextLength('minus', minus.join(' '));
    requireTextLength('plus', plus.join(' '));
    const answer = await services.analogy(imageId, minus, plus, pool, k);
    return {
      imageId,
      minus: answer.minus,
      plus: answer.plus,
      // The services re-rank; the API numbers the order they chose, and keeps k at most.
      matches: answer.results.slice(0, k).map((result, i) => ({
        rank: i + 1,
        score: result.score,
        node: result.item,
      })),
    };
  },

  image: (_root, { id }, { services }) => services.image(id),

  models: () => ({}),
};
