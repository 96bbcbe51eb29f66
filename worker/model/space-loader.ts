/**
 * The loading of one model space in an isolate, as a small state machine:
 *
 *   idle --get--> loading --ok--> ready (kept for the isolate's life)
 *                    |
 *                    +--error--> failed (the error, and when to try again)
 *   failed --get, before retryAt--> the same error at once, no I/O
 *   failed --get, after retryAt---> loading (the next attempt)
 *
 * One load is in flight at a time, shared by every request that asks meanwhile. A request that
 * starts or joins a load hands it to `keepAlive` (the Worker's ctx.waitUntil): workerd cancels the
 * I/O of a request once its response is sent, and a load left behind by a request that ended
 * early would otherwise never settle, hanging every later request that waits for it. A failure
 * is remembered with a growing delay (1 s, 2 s, 4 s ... up to a minute), so a broken model is not
 * re-read from R2 on every request, and is tried again after it, so that fixing the bucket heals
 * the isolate without a restart.
 */

export interface Backoff {
  /** The wait after the first failure; each further failure doubles it. */
  firstMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { firstMs: 1000, maxMs: 60_000 };

/** The wait after `attempts` failures in a row. */
export function backoffMs(attempts: number, backoff: Backoff): number {
  return Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.max(0, attempts - 1));
}

export type LoaderState<T> =
  | { state: 'idle' }
  | { state: 'loading'; attempt: number }
  | { state: 'ready'; value: T }
  | { state: 'failed'; error: unknown; attempts: number; retryAt: number };

export interface SpaceLoaderOptions {
  backoff?: Backoff;
  /** Milliseconds, for the backoff (tests pass their own clock). */
  now?: () => number;
  /** Told of each failed attempt, once: the place to log its reason. */
  onFailure?: (error: unknown, attempts: number, retryInMs: number) => void;
}

export class SpaceLoader<T> {
  private current: LoaderState<T> = { state: 'idle' };
  private inFlight: Promise<T> | undefined;
  private readonly backoff: Backoff;
  private readonly now: () => number;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly options: SpaceLoaderOptions = {},
  ) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.now = options.now ?? Date.now;
  }

  get state(): LoaderState<T> {
    return this.current;
  }

  /**
   * The loaded value: at once when ready, the load in flight when there is one, the remembered
   * error while its backoff lasts, else a new attempt. `keepAlive` receives any load the caller
   * starts or joins, settled either way (it never rejects).
   */
  get(keepAlive?: (work: Promise<unknown>) => void): Promise<T> {
    const current = this.current;
    if (current.state === 'ready') return Promise.resolve(current.value);
    if (current.state === 'failed' && this.now() < current.retryAt) {
      return Promise.reject(current.error);
    }
    if (this.inFlight === undefined) this.inFlight = this.attempt();
    keepAlive?.(
      this.inFlight.then(
        () => undefined,
        () => undefined,
      ),
    );
    return this.inFlight;
  }

  private attempt(): Promise<T> {
    const attempt = this.current.state === 'failed' ? this.current.attempts + 1 : 1;
    this.current = { state: 'loading', attempt };
    return Promise.resolve()
      .then(this.load)
      .then(
        (value) => {
          this.current = { state: 'ready', value };
          this.inFlight = undefined;
          return value;
        },
        (error: unknown) => {
          const retryInMs = backoffMs(attempt, this.backoff);
          this.current = {
            state: 'failed',
            error,
            attempts: attempt,
            retryAt: this.now() + retryInMs,
          };
          this.inFlight = undefined;
          this.options.onFailure?.(error, attempt, retryInMs);
          throw error;
        },
      );
  }
}
