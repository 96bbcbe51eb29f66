/**
 * A GraphQL-over-HTTP error answer made outside yoga (before or around it): the same JSON shape
 * yoga gives, `{ errors: [{ message, extensions: { code } }] }`, so that a client reads every
 * refusal the same way.
 */
import type { RequestErrorCode } from './error-codes.ts';

export function errorResponse(
  status: number,
  code: RequestErrorCode,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json(
    { errors: [{ message, extensions: { code } }] },
    { status, headers: { 'content-type': 'application/graphql-response+json', ...headers } },
  );
}
