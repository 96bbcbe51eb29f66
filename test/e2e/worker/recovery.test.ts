import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { MODEL_FILES } from '../../../core/model-files.ts';
import { modelFileKey } from '../../../core/r2-layout.ts';
import { seedDemoModels } from '../../support/seed-models.ts';

/**
 * Faults met through the worker's own fetch handler, each request a real request of workerd:
 * a request that ends while the model it started is still loading, a model file that goes
 * missing and comes back, one space broken while the other serves. Model loads are per isolate,
 * so the order of the cases matters: the first loads only the retrieval space, the second is the
 * first to touch the regularities space.
 */

interface Body {
  // biome-ignore lint/suspicious/noExplicitAny: each case reads the shape its query selected.
  data?: any;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

function request(query: string, signal?: AbortSignal): Promise<Response> {
  return exports.default.fetch(
    new Request('http://jointspace.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query }),
      ...(signal ? { signal } : {}),
    }),
  );
}

/** The answer, or a failure after `ms` instead of waiting for ever (what the bug did). */
async function answer(query: string, ms = 20_000): Promise<Body> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: the request hangs`)), ms);
  });
  try {
    const res = await Promise.race([request(query), timeout]);
    return (await res.json()) as Body;
  } finally {
    clearTimeout(timer);
  }
}

beforeAll(async () => {
  await seedDemoModels();
});

describe('the worker under faults', () => {
  it('finishes a load whose request was cancelled, and serves it to the next request', async () => {
    const controller = new AbortController();
    const first = request('{ models { retrieval { version } } }', controller.signal);
    // Cancelled while the model is read from R2 (the load takes far longer than this).
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await first.then(
      (res) => res.body?.cancel(),
      () => undefined,
    );
    const body = await answer('{ models { retrieval { version } } }');
    expect(body).toEqual({ data: { models: { retrieval: { version: 'test-retrieval' } } } });
  });

  it('serves one space while the other is broken, and heals once the file is back', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const key = modelFileKey('test-regularities', MODEL_FILES.vocabulary);
    const vocab = await (await env.MODELS.get(key))!.arrayBuffer();
    await env.MODELS.delete(key);
    const both = '{ models { retrieval { version } regularities { version } } }';

    const broken = await answer(both);
    expect(broken.data).toEqual({
      models: { retrieval: { version: 'test-retrieval' }, regularities: null },
    });
    expect(broken.errors).toMatchObject([
      {
        path: ['models', 'regularities'],
        extensions: { code: 'MODEL_UNAVAILABLE', details: { space: 'regularities' } },
      },
    ]);
    // No storage key or runtime text reaches the client.
    expect(JSON.stringify(broken.errors)).not.toMatch(/models\/|vocab\.json|bucket/);

    await env.MODELS.put(key, vocab);
    // Within the backoff the failure stands (and is cheap); after it, the space loads.
    const soon = await answer(both);
    expect(soon.data.models.regularities).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const healed = await answer(both);
    expect(healed).toEqual({
      data: {
        models: {
          retrieval: { version: 'test-retrieval' },
          regularities: { version: 'test-regularities' },
        },
      },
    });
  });
});
