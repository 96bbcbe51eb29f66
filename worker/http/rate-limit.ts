/**
 * Requests per client, with Cloudflare's Rate Limiting binding (wrangler.toml's `ratelimits`,
 * set in the deployed environments; a worker without the binding, such as the local default,
 * is not limited). The client is its IP address as Cloudflare saw it.
 */
import { errorResponse } from '../graphql/error-response.ts';

/** The part of the binding used here (a real binding, or a test's stand-in). */
export type RateLimiter = Pick<RateLimit, 'limit'>;

/** How long a refused client is asked to wait: the binding counts per period of 10 or 60 s. */
export const RETRY_AFTER_SECONDS = 60;

/** A 429 answer when the client is over its limit, else null. */
export async function rateLimited(
  limiter: RateLimiter | undefined,
  request: Request,
): Promise<Response | null> {
  if (!limiter) return null;
  const key = request.headers.get('cf-connecting-ip') ?? 'unknown-client';
  const { success } = await limiter.limit({ key });
  if (success) return null;
  return errorResponse(
    429,
    'RATE_LIMITED',
    `Too many requests from this client; try again in ${RETRY_AFTER_SECONDS} s.`,
    { 'retry-after': String(RETRY_AFTER_SECONDS) },
  );
}
