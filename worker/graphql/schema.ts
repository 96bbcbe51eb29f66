/**
 * The executable schema: schema/schema.graphql (imported as text through wrangler's Text module
 * rule, so the SDL stays the one source of truth) with the resolvers typed from it.
 */
import type { GraphQLSchema } from 'graphql';
import { createSchema } from 'graphql-yoga';
import typeDefs from '../../schema/schema.graphql';
import type { GraphQLContext } from './context.ts';
import { withFileScalar } from './file-scalar.ts';
import { resolvers } from './resolvers/index.ts';

// Typed as a plain GraphQLSchema so that yoga can add its server context (env, ctx) on top.
// The File scalar's rules are set on the built schema (file-scalar.ts says why).
export const schema: GraphQLSchema = withFileScalar(
  createSchema<GraphQLContext>({ typeDefs, resolvers }),
);
