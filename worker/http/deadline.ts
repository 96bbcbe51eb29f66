/**
 * A deadline on a request's answer. workerd runs one event loop per isolate and cannot stop
 * JavaScript that computes; what it can stop waiting for is I/O, such as a model that loads from
 * R2 longer than a client should wait. The work itself goes on (a model load finishes under
 * ctx.waitUntil and serves the next request); the client gets 503 TIMEOUT.
 */
import { errorResponse } from '../graphql/error-response.ts';

/** Longer than a cold start of the largest model (seconds), shorter than a client's patience. */
export const REQUEST_DEADLINE_MS = 30_000;

export async function withDeadline(
  answer: Promise<Response>,
  ms: number = REQUEST_DEADLINE_MS,
): Promise<Response> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<Response>((resolve) => {
    timer = setTimeout(
      () =>
        resolve(
          errorResponse(503, 'TIMEOUT', `No answer within ${ms / 1000} s; try again shortly.`, {
            'retry-after': '5',
          }),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
  }
}
