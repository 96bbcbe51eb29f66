/**
 * Fields that look something up on demand, so that a query pays only for what it selects: an
 * image's own captions, its picture, and the image behind an annotation or an analogy.
 */

import { picturePath } from '../../../core/r2-layout.ts';
import { QueryError } from '../../query-error.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

/** An image that must exist: the query that named it has just succeeded. */
function requireImage<T>(image: T | null, imageId: string): T {
  if (image === null) {
    throw new QueryError('UNKNOWN_IMAGE', `no image has the id ${JSON.stringify(imageId)}`, {
      imageId,
    });
  }
  return image;
}

export const imageResolvers: Pick<Resolvers, 'Image' | 'AnnotationConnection' | 'AnalogyResult'> = {
  Image: {
    captions: (image, _args, { services }) => services.captionsOf(image.id),
    // The exported URL wins; else the picture route, only for a picture that was stored (looked
    // up by the dataset file name, which is what the pictures are stored under, not by id).
    url: async (image, _args, { pictures }) => {
      if (image.url) return image.url;
      if (pictures === null || !(await pictures.has(image.file))) return null;
      return picturePath(pictures.version, image.file);
    },
  },
  AnnotationConnection: {
    image: (connection, _args, { services }) =>
      connection.imageId === null ? null : services.image(connection.imageId),
  },
  AnalogyResult: {
    image: async (result, _args, { services }) =>
      requireImage(await services.image(result.imageId), result.imageId),
  },
};
