import { describe, expect, it } from 'vitest';
import { ApiError } from '../../web/api.ts';
import { cancelLoad, loadInto } from '../../web/load.ts';

/** A promise to settle by hand, and the signal its load was given. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const text = (s: string): Node[] => [document.createTextNode(s)];

describe('loading into a region', () => {
  it('shows "Loading…" and aria-busy, then the results', async () => {
    const region = document.createElement('div');
    const data = deferred<string>();
    const done = loadInto(region, { fetch: () => data.promise, render: text });
    expect(region.getAttribute('aria-busy')).toBe('true');
    expect(region.textContent).toBe('Loading…');
    data.resolve('shown');
    await done;
    expect(region.textContent).toBe('shown');
    expect(region.hasAttribute('aria-busy')).toBe(false);
  });

  it('shows a failure as an alert, with "Try again" that loads again', async () => {
    const region = document.createElement('div');
    let calls = 0;
    await loadInto(region, {
      fetch: async () => {
        calls++;
        if (calls === 1) throw new ApiError('the model is loading', 'MODEL_UNAVAILABLE');
        return 'second time';
      },
      render: text,
    });
    expect(region.querySelector('[role="alert"]')?.textContent).toContain(
      'the model is loading (MODEL_UNAVAILABLE)',
    );
    region.querySelector('button')?.click();
    await new Promise((r) => setTimeout(r, 0));
    expect(region.textContent).toBe('second time');
  });

  it('lets a newer load win over an older, slower one (and aborts the older)', async () => {
    const region = document.createElement('div');
    const slow = deferred<string>();
    let slowSignal: AbortSignal | undefined;
    const first = loadInto(region, {
      fetch: (signal) => {
        slowSignal = signal;
        return slow.promise;
      },
      render: text,
    });
    await loadInto(region, { fetch: async () => 'new', render: text });
    expect(slowSignal?.aborted).toBe(true);
    slow.resolve('old');
    await first;
    expect(region.textContent).toBe('new');
  });

  it('leaves a region alone once its load is cancelled', async () => {
    const region = document.createElement('div');
    const data = deferred<string>();
    const done = loadInto(region, { fetch: () => data.promise, render: text });
    cancelLoad(region);
    region.replaceChildren('something else');
    data.reject(new Error('aborted'));
    await done;
    expect(region.textContent).toBe('something else');
  });
});
