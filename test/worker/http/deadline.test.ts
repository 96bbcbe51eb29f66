import { describe, expect, it } from 'vitest';
import { REQUEST_DEADLINE_MS, withDeadline } from '../../../worker/http/deadline.ts';

describe('withDeadline', () => {
  it('passes an answer that comes in time', async () => {
    const res = await withDeadline(Promise.resolve(new Response('ok')), 1000);
    expect(await res.text()).toBe('ok');
  });

  it('answers 503 TIMEOUT when the answer is late, and does not wait for it', async () => {
    const never = new Promise<Response>(() => undefined);
    const started = Date.now();
    const res = await withDeadline(never, 50);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toEqual({
      errors: [
        {
          message: 'No answer within 0.05 s; try again shortly.',
          extensions: { code: 'TIMEOUT' },
        },
      ],
    });
  });

  it('waits 30 s by default: longer than a cold start of a real model', () => {
    expect(REQUEST_DEADLINE_MS).toBe(30_000);
  });
});
