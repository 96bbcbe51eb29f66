import { describe, expect, it } from 'vitest';
import { CloudflareApiError, retryDelayMs } from '../../../cli/deploy/cloudflare-errors.ts';

const request = { method: 'POST', path: '/accounts/acc/vectorize/v2/indexes/images/upsert' };

describe('CloudflareApiError', () => {
  it('names the method, the path, the status and every error of the envelope', () => {
    const error = new CloudflareApiError({
      ...request,
      status: 400,
      attempts: 1,
      errors: [
        { code: 40001, message: 'vectorize.invalid_vector - bad' },
        { code: 40002, message: 'second' },
      ],
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CloudflareApiError');
    expect(error.message).toBe(
      'Cloudflare API POST /accounts/acc/vectorize/v2/indexes/images/upsert failed: HTTP 400: [40001] vectorize.invalid_vector - bad; [40002] second',
    );
    expect(error.method).toBe('POST');
    expect(error.path).toBe(request.path);
    expect(error.status).toBe(400);
    expect(error.code).toBe(40001);
    expect(error.errors).toHaveLength(2);
    expect(error.attempts).toBe(1);
  });

  it('spells out nested error chains in brackets', () => {
    const error = new CloudflareApiError({
      ...request,
      status: 403,
      attempts: 1,
      errors: [
        {
          code: 10000,
          message: 'Authentication error',
          error_chain: [
            { code: 9109, message: 'Invalid access token' },
            { code: 9106, message: 'Missing headers', error_chain: [{ code: 1, message: 'deep' }] },
          ],
        },
      ],
    });
    expect(error.message).toMatch(
      /HTTP 403: \[10000\] Authentication error \(\[9109\] Invalid access token; \[9106\] Missing headers \(\[1\] deep\)\)$/,
    );
  });

  it('says it gave up after retries, and "no answer" when nothing came back', () => {
    const error = new CloudflareApiError({
      method: 'GET',
      path: '/p',
      status: 0,
      attempts: 5,
      errors: [],
      detail: 'network failure: fetch failed',
    });
    expect(error.message).toBe(
      'Cloudflare API GET /p failed: no answer (gave up after 5 attempts): network failure: fetch failed',
    );
    expect(error.code).toBeUndefined();
  });

  it('falls back to a fixed phrase when there is neither an error nor a detail', () => {
    const error = new CloudflareApiError({
      method: 'GET',
      path: '/p',
      status: 500,
      attempts: 1,
      errors: [],
    });
    expect(error.message).toBe(
      'Cloudflare API GET /p failed: HTTP 500: no error details in the answer',
    );
  });

  describe('from an answer', () => {
    it('keeps only well-formed error entries of the envelope', () => {
      const error = CloudflareApiError.from(
        request,
        400,
        2,
        {
          errors: [
            'not an object',
            { code: '7003', message: 'a string code' },
            { code: 7003, message: 'Could not route' },
            { code: 7004 },
            null,
          ],
        },
        '{"success":false}',
      );
      expect(error.errors).toEqual([{ code: 7003, message: 'Could not route' }]);
      expect(error.code).toBe(7003);
      expect(error.attempts).toBe(2);
      expect(error.message).toMatch(
        /HTTP 400 \(gave up after 2 attempts\): \[7003\] Could not route$/,
      );
    });

    it('quotes the start of a body that was not the envelope', () => {
      const body = `  <html>${'x'.repeat(300)}</html>`;
      const error = CloudflareApiError.from(request, 502, 1, undefined, body);
      expect(error.errors).toEqual([]);
      expect(error.code).toBeUndefined();
      // Trimmed, and cut at 200 characters so that a whole HTML page does not fill the message.
      expect(error.message).toBe(
        `Cloudflare API POST ${request.path} failed: HTTP 502: answer: ${body.trim().slice(0, 200)}`,
      );
    });

    it('quotes the body too when the envelope has no usable errors', () => {
      const error = CloudflareApiError.from(request, 500, 1, { errors: 'oops' }, 'oops');
      expect(error.errors).toEqual([]);
      expect(error.message).toMatch(/HTTP 500: answer: oops$/);
    });

    it('says so when the answer was empty', () => {
      const error = CloudflareApiError.from(request, 503, 1, undefined, ' \n');
      expect(error.message).toMatch(/HTTP 503: empty answer$/);
    });
  });
});

describe('retryDelayMs', () => {
  it('bounds the wait, and reads Retry-After as seconds or a date', () => {
    expect(retryDelayMs(1, null, 1000, 60_000)).toBe(1000);
    expect(retryDelayMs(3, null, 1000, 60_000)).toBe(4000);
    expect(retryDelayMs(10, null, 1000, 60_000)).toBe(60_000);
    expect(retryDelayMs(1, '3600', 1000, 60_000)).toBe(60_000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryDelayMs(1, 'Thu, 01 Jan 2026 00:00:05 GMT', 1000, 60_000, now)).toBe(5000);
  });

  it('doubles from the base delay per retry', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(attempt, null, 250, 60_000))).toEqual([
      250, 500, 1000, 2000, 4000,
    ]);
  });

  it('lets Retry-After override the backoff, in either direction', () => {
    // Shorter than the backoff of the fourth retry (8 s), and longer than that of the first.
    expect(retryDelayMs(4, '2', 1000, 60_000)).toBe(2000);
    expect(retryDelayMs(1, ' 7 ', 1000, 60_000)).toBe(7000);
    expect(retryDelayMs(3, '0', 1000, 60_000)).toBe(0);
  });

  it('waits not at all for a date already past, and at most maxMs for one far ahead', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryDelayMs(1, 'Wed, 31 Dec 2025 23:59:00 GMT', 1000, 60_000, now)).toBe(0);
    expect(retryDelayMs(1, 'Fri, 02 Jan 2026 00:00:00 GMT', 1000, 60_000, now)).toBe(60_000);
  });

  it('keeps the backoff when Retry-After is neither seconds nor a date', () => {
    expect(retryDelayMs(2, 'soon', 1000, 60_000)).toBe(2000);
    expect(retryDelayMs(2, '', 1000, 60_000)).toBe(2000);
  });
});
