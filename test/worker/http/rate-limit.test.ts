import { describe, expect, it } from 'vitest';
import { RETRY_AFTER_SECONDS, rateLimited } from '../../../worker/http/rate-limit.ts';

/** A stand-in of the Rate Limiting binding: `allowed` requests per key, then refusals. */
function limiter(allowed: number) {
  const seen = new Map<string, number>();
  const keys: string[] = [];
  return {
    keys,
    async limit({ key }: { key: string }) {
      keys.push(key);
      seen.set(key, (seen.get(key) ?? 0) + 1);
      return { success: (seen.get(key) ?? 0) <= allowed };
    },
  };
}

const from = (ip?: string) =>
  new Request('http://api.test/graphql', ip ? { headers: { 'cf-connecting-ip': ip } } : {});

describe('rateLimited', () => {
  it('lets every request through without a limiter (the local default)', async () => {
    expect(await rateLimited(undefined, from('1.2.3.4'))).toBeNull();
  });

  it('counts per client IP, and answers 429 RATE_LIMITED with Retry-After past the limit', async () => {
    const binding = limiter(2);
    expect(await rateLimited(binding, from('1.2.3.4'))).toBeNull();
    expect(await rateLimited(binding, from('1.2.3.4'))).toBeNull();
    expect(await rateLimited(binding, from('5.6.7.8'))).toBeNull();
    const refused = await rateLimited(binding, from('1.2.3.4'));
    expect(refused?.status).toBe(429);
    expect(refused?.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS));
    expect(await refused?.json()).toMatchObject({
      errors: [{ extensions: { code: 'RATE_LIMITED' } }],
    });
    expect(binding.keys).toEqual(['1.2.3.4', '1.2.3.4', '5.6.7.8', '1.2.3.4']);
  });

  it('counts requests without a client IP under one key', async () => {
    const binding = limiter(1);
    await rateLimited(binding, from());
    expect((await rateLimited(binding, from()))?.status).toBe(429);
    expect(binding.keys).toEqual(['unknown-client', 'unknown-client']);
  });
});
