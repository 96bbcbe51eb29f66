/// <reference types="@cloudflare/vitest-pool-workers/types" />
/**
 * Pictures for the GraphQL tests: a PictureLookup over a fixed list of file names that records
 * what it was asked, and a client whose GraphQL context carries it (graphqlClient's contexts
 * carry no pictures).
 */
import { createExecutionContext } from 'cloudflare:test';
import type { PictureLookup } from '../../worker/api/picture-catalog.ts';
import type { JointspaceServices } from '../../worker/api/services.ts';
import { createGraphQLHandler } from '../../worker/graphql/handler.ts';
import type { PostureEnv } from '../../worker/graphql/posture.ts';
import { type GraphQLResponseJSON, LOCAL_POSTURE, URL_BASE } from './graphql-client.ts';

export interface FakePictures extends PictureLookup {
  /** Every file asked about, in order. */
  readonly asked: string[];
}

export function fakePictures(version: string, files: readonly string[]): FakePictures {
  const stored = new Set(files);
  const asked: string[] = [];
  return {
    version,
    asked,
    async has(file) {
      asked.push(file);
      return stored.has(file);
    },
  };
}

/** POSTs queries to a GraphQL handler whose context holds these services and pictures. */
export function graphqlClientWithPictures(
  services: JointspaceServices,
  pictures: PictureLookup | null,
) {
  const handler = createGraphQLHandler<PostureEnv>(
    () => services,
    () => pictures,
  );
  return async (query: string): Promise<GraphQLResponseJSON> => {
    const res = await handler(
      new Request(URL_BASE, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query }),
      }),
      LOCAL_POSTURE,
      createExecutionContext(),
    );
    return (await res.json()) as GraphQLResponseJSON;
  };
}
