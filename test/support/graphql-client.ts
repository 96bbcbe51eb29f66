/// <reference types="@cloudflare/vitest-pool-workers/types" />
/**
 * Talks to createGraphQLHandler the way a client does: real HTTP Requests, JSON in and out.
 */
import { createExecutionContext } from 'cloudflare:test';
import type { JointspaceServices } from '../../worker/api/services.ts';
import { createGraphQLHandler } from '../../worker/graphql/handler.ts';
import type { PostureEnv } from '../../worker/graphql/posture.ts';

export interface GraphQLErrorJSON {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; details?: Record<string, unknown> } & Record<string, unknown>;
}

export interface GraphQLResponseJSON {
  // biome-ignore lint/suspicious/noExplicitAny: a response's data is whatever the query selected; each test reads the shape it asked for.
  data?: any;
  errors?: GraphQLErrorJSON[];
}

export const URL_BASE = 'http://jointspace.test/graphql';

/** The local default's posture (wrangler.toml's top-level vars): everything open. */
export const LOCAL_POSTURE: PostureEnv = {
  GRAPHIQL: 'on',
  INTROSPECTION: 'on',
  CSRF_PREVENTION: 'off',
  CORS_ORIGINS: '*',
};

export function graphqlClient(services: JointspaceServices, env: PostureEnv = LOCAL_POSTURE) {
  const handler = createGraphQLHandler<PostureEnv>(() => services);
  const send = (request: Request) => handler(request, env, createExecutionContext());
  return {
    send,
    /** POSTs a query; returns the HTTP status and the parsed body. */
    async query(
      query: string,
      variables?: Record<string, unknown>,
    ): Promise<{ status: number; body: GraphQLResponseJSON }> {
      const res = await send(
        new Request(URL_BASE, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ query, variables }),
        }),
      );
      return { status: res.status, body: (await res.json()) as GraphQLResponseJSON };
    },
  };
}
