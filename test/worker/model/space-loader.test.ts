import { describe, expect, it } from 'vitest';
import { backoffMs, DEFAULT_BACKOFF, SpaceLoader } from '../../../worker/model/space-loader.ts';

/** A load whose outcome the test decides, counting its calls. */
function controlledLoad<T>() {
  const calls: { resolve: (value: T) => void; reject: (error: unknown) => void }[] = [];
  const load = () =>
    new Promise<T>((resolve, reject) => {
      calls.push({ resolve, reject });
    });
  return { load, calls };
}

async function settled(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

describe('backoffMs', () => {
  it('doubles from the first wait and stops at the most', () => {
    expect([1, 2, 3, 4, 6, 7, 8, 20].map((n) => backoffMs(n, DEFAULT_BACKOFF))).toEqual([
      1000, 2000, 4000, 8000, 32_000, 60_000, 60_000, 60_000,
    ]);
    expect(backoffMs(1, { firstMs: 50, maxMs: 120 })).toBe(50);
    expect(backoffMs(3, { firstMs: 50, maxMs: 120 })).toBe(120);
  });
});

describe('SpaceLoader', () => {
  it('starts one load for concurrent callers, and keeps what it loaded', async () => {
    const { load, calls } = controlledLoad<string>();
    const loader = new SpaceLoader(load);
    expect(loader.state).toEqual({ state: 'idle' });
    const a = loader.get();
    const b = loader.get();
    await Promise.resolve();
    expect(calls).toHaveLength(1);
    expect(loader.state).toEqual({ state: 'loading', attempt: 1 });
    calls[0]?.resolve('space');
    expect(await a).toBe('space');
    expect(await b).toBe('space');
    expect(await loader.get()).toBe('space');
    expect(calls).toHaveLength(1);
    expect(loader.state).toEqual({ state: 'ready', value: 'space' });
  });

  it('hands the load to keepAlive for whoever starts or joins it, settled either way', async () => {
    const { load, calls } = controlledLoad<string>();
    const loader = new SpaceLoader(load);
    const kept: Promise<unknown>[] = [];
    const first = loader.get((work) => kept.push(work));
    const second = loader.get((work) => kept.push(work));
    await Promise.resolve();
    calls[0]?.reject(new Error('R2 said no'));
    await settled(first);
    await settled(second);
    expect(kept).toHaveLength(2);
    // A failed load still settles the work kept alive, without rejecting it.
    expect(await Promise.all(kept)).toEqual([undefined, undefined]);
    // Once ready, nothing is kept alive: there is no work left.
    const ready = new SpaceLoader(async () => 'x');
    await ready.get();
    const after: Promise<unknown>[] = [];
    await ready.get((work) => after.push(work));
    expect(after).toEqual([]);
  });

  it('remembers a failure until its backoff ends, then tries again, and reports each failure once', async () => {
    let now = 1_000_000;
    const { load, calls } = controlledLoad<string>();
    const failures: [unknown, number, number][] = [];
    const loader = new SpaceLoader(load, {
      now: () => now,
      backoff: { firstMs: 100, maxMs: 1000 },
      onFailure: (error, attempts, retryInMs) => failures.push([error, attempts, retryInMs]),
    });
    const broken = new Error('vocab.json is not in the bucket');
    const first = loader.get();
    await Promise.resolve();
    calls[0]?.reject(broken);
    expect(await settled(first)).toEqual({ error: broken });
    expect(loader.state).toEqual({
      state: 'failed',
      error: broken,
      attempts: 1,
      retryAt: now + 100,
    });
    expect(failures).toEqual([[broken, 1, 100]]);

    // Within the backoff: the same error, no new load.
    now += 99;
    expect(await settled(loader.get())).toEqual({ error: broken });
    expect(calls).toHaveLength(1);

    // After it: a second attempt, which fails again and waits twice as long.
    now += 1;
    const second = loader.get();
    await Promise.resolve();
    expect(calls).toHaveLength(2);
    expect(loader.state).toEqual({ state: 'loading', attempt: 2 });
    calls[1]?.reject(broken);
    await settled(second);
    expect(failures.map(([, attempts, wait]) => [attempts, wait])).toEqual([
      [1, 100],
      [2, 200],
    ]);

    // Mended: the third attempt loads, and the failure is forgotten.
    now += 200;
    const third = loader.get();
    await Promise.resolve();
    calls[2]?.resolve('space');
    expect(await third).toBe('space');
    expect(loader.state).toEqual({ state: 'ready', value: 'space' });
  });

  it('turns a load that throws at once into a failed attempt, not an exception of get', async () => {
    const loader = new SpaceLoader<string>(() => {
      throw new TypeError('bad binding');
    });
    expect(await settled(loader.get())).toEqual({ error: new TypeError('bad binding') });
    expect(loader.state).toMatchObject({ state: 'failed', attempts: 1 });
  });
});
