/** Every resolver of the schema, checked against the types generated from it (codegen.ts). */
import type { Resolvers } from '../generated/resolvers-types.ts';
import { imageResolvers } from './images.ts';
import { modelResolvers } from './models.ts';
import { queryResolvers } from './query.ts';
import { similarResolvers } from './similar.ts';

export const resolvers: Resolvers = {
  Query: queryResolvers,
  ...imageResolvers,
  ...modelResolvers,
  ...similarResolvers,
};
