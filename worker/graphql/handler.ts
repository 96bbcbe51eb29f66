/**
 * The GraphQL endpoint as a fetch handler, built on graphql-yoga. The caller says where the
 * services come from; everything else (schema, errors, limits, GraphiQL) is decided here.
 */
import { createYoga } from 'graphql-yoga';
import type { PictureLookup } from '../api/picture-catalog.ts';
import type { JointspaceServices } from '../api/services.ts';
import { bodyLimitsPlugin } from './body-limits.ts';
import type { GraphQLContext } from './context.ts';
import { documentLimitsPlugin } from './document-limits.ts';
import { errorCodesPlugin } from './error-plugin.ts';
import { graphqlLogger, maskError, UNEXPECTED_ERROR_MESSAGE } from './errors.ts';
import { GRAPHIQL_DEFAULT_QUERY, GRAPHIQL_TITLE } from './graphiql.ts';
import { operationLimitsPlugin } from './operation-limits.ts';
import { boundedParserCache } from './parse-cache.ts';
import { corsFor, type PostureEnv, postureOf, posturePlugin } from './posture.ts';
import { schema } from './schema.ts';

export const GRAPHQL_PATH = '/graphql';

/** The services of one request; they load models only when a field needs one. */
export type ServicesFactory<E> = (
  request: Request,
  env: E,
  ctx: ExecutionContext,
) => JointspaceServices;

/** The pictures `Image.url` may name, per request (null: none, and every url is the metadata's). */
export type PicturesFactory<E> = (
  request: Request,
  env: E,
  ctx: ExecutionContext,
) => PictureLookup | null;

export type FetchHandler<E> = (
  request: Request,
  env: E,
  ctx: ExecutionContext,
) => Promise<Response>;

interface ServerContext<E> {
  env: E;
  ctx: ExecutionContext;
}

export function createGraphQLHandler<E extends PostureEnv>(
  getServices: ServicesFactory<E>,
  getPictures: PicturesFactory<E> = () => null,
): FetchHandler<E> {
  const yoga = createYoga<ServerContext<E>, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    // The worker routes only GRAPHQL_PATH here; yoga's landing page would answer other paths.
    landingPage: false,
    graphiql: (_request, { env }) =>
      postureOf(env).graphiql
        ? { title: GRAPHIQL_TITLE, defaultQuery: GRAPHIQL_DEFAULT_QUERY }
        : false,
    cors: corsFor((request) => postureOf(envOf.get(request) ?? {})),
    maskedErrors: { maskError, errorMessage: UNEXPECTED_ERROR_MESSAGE },
    logging: graphqlLogger,
    // One limit for JSON and another for uploads: bodyLimitsPlugin.
    maxRequestBodySize: false,
    // Bounded in size (parse-cache.ts); yoga's own would keep 1,024 documents of any size.
    parserAndValidationCache: boundedParserCache(),
    plugins: [
      documentLimitsPlugin,
      operationLimitsPlugin,
      posturePlugin(),
      bodyLimitsPlugin,
      // Last: it sees every other plugin's errors, to give each a code.
      errorCodesPlugin,
    ],
    context: ({ request, env, ctx }) => ({
      services: getServices(request, env, ctx),
      pictures: getPictures(request, env, ctx),
    }),
  });
  return async (request, env, ctx) => {
    envOf.set(request, env);
    return yoga.fetch(request, { env, ctx });
  };
}

/** Each request's env, for the CORS decision (yoga's cors option is given the request only). */
const envOf = new WeakMap<Request, PostureEnv>();
