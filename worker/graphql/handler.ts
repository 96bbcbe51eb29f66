/**
 * The GraphQL endpoint as a fetch handler, built on graphql-yoga. The caller says where the
 * services come from; everything else (schema, errors, limits, GraphiQL) is decided here.
 */
import { createYoga } from 'graphql-yoga';
import type { JointspaceServices } from '../api/services.ts';
import type { GraphQLContext } from './context.ts';
import { graphqlLogger, maskError, UNEXPECTED_ERROR_MESSAGE } from './errors.ts';
import { GRAPHIQL_DEFAULT_QUERY, GRAPHIQL_TITLE } from './graphiql.ts';
import { modelQueryLimitPlugin } from './operation-limits.ts';
import { schema } from './schema.ts';

export const GRAPHQL_PATH = '/graphql';
/**
 * The largest request body read (yoga answers 413 above it). The biggest honest request is an
 * annotate with a raw feature vector: 4096 floats (VGG) written out in full take about 90 kB.
 */
export const MAX_REQUEST_BYTES = 256 * 1024;

/** The services of one request; they load models only when a field needs one. */
export type ServicesFactory<E> = (
  request: Request,
  env: E,
  ctx: ExecutionContext,
) => JointspaceServices;

export type FetchHandler<E> = (
  request: Request,
  env: E,
  ctx: ExecutionContext,
) => Promise<Response>;

interface ServerContext<E> {
  env: E;
  ctx: ExecutionContext;
}

export function createGraphQLHandler<E>(getServices: ServicesFactory<E>): FetchHandler<E> {
  const yoga = createYoga<ServerContext<E>, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    // The worker routes only GRAPHQL_PATH here; yoga's landing page would answer other paths.
    landingPage: false,
    graphiql: { title: GRAPHIQL_TITLE, defaultQuery: GRAPHIQL_DEFAULT_QUERY },
    maskedErrors: { maskError, errorMessage: UNEXPECTED_ERROR_MESSAGE },
    logging: graphqlLogger,
    maxRequestBodySize: MAX_REQUEST_BYTES,
    plugins: [modelQueryLimitPlugin],
    // "Did you mean ...?" suggestions stay on: introspection and GraphiQL are on (the API is
    // public and self-describing), so suggestions reveal nothing that introspection does not.
    context: ({ request, env, ctx }) => ({ services: getServices(request, env, ctx) }),
  });
  return async (request, env, ctx) => yoga.fetch(request, { env, ctx });
}
