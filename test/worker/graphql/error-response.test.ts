import { describe, expect, it } from 'vitest';
import { errorResponse } from '../../../worker/graphql/error-response.ts';

describe('errorResponse', () => {
  it('answers in the shape yoga answers errors, with the status, code and headers given', async () => {
    const res = errorResponse(429, 'RATE_LIMITED', 'Slow down.', { 'retry-after': '60' });
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toBe('application/graphql-response+json');
    expect(res.headers.get('retry-after')).toBe('60');
    expect(await res.json()).toEqual({
      errors: [{ message: 'Slow down.', extensions: { code: 'RATE_LIMITED' } }],
    });
  });
});
