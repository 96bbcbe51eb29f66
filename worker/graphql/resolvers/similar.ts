/**
 * The image a `similar` list started from, looked up only when a query selects it (the list
 * itself needs only its id); none for a list that started from an uploaded picture.
 */

import { QueryError } from '../../query-error.ts';
import type { Resolvers } from '../generated/resolvers-types.ts';

export const similarResolvers: Pick<Resolvers, 'SimilarConnection'> = {
  SimilarConnection: {
    image: async (connection, _args, { services }) => {
      if (connection.imageId === null) return null;
      const image = await services.image(connection.imageId);
      // The list was found from this image's vector, so it existed a moment ago; a null here
      // is an image removed in between, refused as the query itself would now refuse it.
      if (image === null) {
        throw new QueryError(
          'UNKNOWN_IMAGE',
          `no image has the id ${JSON.stringify(connection.imageId)}`,
          { imageId: connection.imageId },
        );
      }
      return image;
    },
  },
};
