// Errors and retry timing for the Cloudflare API client (cloudflare-api.ts).

/** One entry of the envelope's `errors` (the reference's ResponseInfo: code >= 1000, message). */
export interface CloudflareErrorDetail {
  code: number;
  message: string;
  /** Some APIs (e.g. Workers, auth failures) nest the underlying causes here. */
  error_chain?: CloudflareErrorDetail[];
}

export interface CloudflareApiErrorInit {
  method: string;
  path: string;
  /** HTTP status; 0 when no answer came back at all. */
  status: number;
  errors: CloudflareErrorDetail[];
  /** Requests made, retries included. */
  attempts: number;
  /** What to say when the API gave no errors (a body that was not the envelope, a network failure). */
  detail?: string;
}

/** A call the API refused (or that kept failing after the retries). `code` is the first error code
 * of the envelope, `errors` all of them; the message names the method, the path and the attempts. */
export class CloudflareApiError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code: number | undefined;
  readonly errors: CloudflareErrorDetail[];
  readonly attempts: number;

  constructor(init: CloudflareApiErrorInit) {
    const said = init.errors.length
      ? init.errors.map(describe).join('; ')
      : (init.detail ?? 'no error details in the answer');
    const status = init.status === 0 ? 'no answer' : `HTTP ${init.status}`;
    const tries = init.attempts > 1 ? ` (gave up after ${init.attempts} attempts)` : '';
    super(`Cloudflare API ${init.method} ${init.path} failed: ${status}${tries}: ${said}`);
    this.name = 'CloudflareApiError';
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.errors = init.errors;
    this.code = init.errors[0]?.code;
    this.attempts = init.attempts;
  }

  static from(
    request: { method: string; path: string },
    status: number,
    attempts: number,
    envelope: { errors?: unknown } | undefined,
    bodyText: string,
  ): CloudflareApiError {
    const errors = Array.isArray(envelope?.errors) ? envelope.errors.filter(isErrorDetail) : [];
    const snippet = bodyText.trim().slice(0, 200);
    return new CloudflareApiError({
      method: request.method,
      path: request.path,
      status,
      attempts,
      errors,
      detail: snippet ? `answer: ${snippet}` : 'empty answer',
    });
  }
}

function isErrorDetail(value: unknown): value is CloudflareErrorDetail {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'number' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

function describe(error: CloudflareErrorDetail): string {
  const chain = error.error_chain?.length ? ` (${error.error_chain.map(describe).join('; ')})` : '';
  return `[${error.code}] ${error.message}${chain}`;
}

/** How long to wait before retry number `attempt` (1 = the first retry): Retry-After when the
 * answer gave one (delta-seconds or an HTTP-date, RFC 9110 §10.2.3), else `baseMs * 2^(attempt-1)`;
 * never more than `maxMs`, so a hostile or mistaken header cannot stall the deploy. */
export function retryDelayMs(
  attempt: number,
  retryAfter: string | null,
  baseMs: number,
  maxMs: number,
  now: number = Date.now(),
): number {
  let delay = baseMs * 2 ** (attempt - 1);
  if (retryAfter !== null) {
    const trimmed = retryAfter.trim();
    if (/^\d+$/.test(trimmed)) {
      delay = Number(trimmed) * 1000;
    } else {
      const date = Date.parse(trimmed);
      if (!Number.isNaN(date)) delay = Math.max(0, date - now);
    }
  }
  return Math.min(Math.max(0, delay), maxMs);
}
