import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ServerTiming } from '../../../worker/api/server-timing.ts';
import { getServices } from '../../../worker/api/services-factory.ts';
import { QueryError } from '../../../worker/query-error.ts';
import { seedDemoModels } from '../../support/seed-models.ts';

// Where the worker's services come from: the versions its vars name (vitest.config.ts sets
// them to the demo models of the global setup), loaded from its R2 bucket.

/** An ExecutionContext that records what is handed to waitUntil. */
function recordingContext(): { waitUntil(work: Promise<unknown>): void; kept: Promise<unknown>[] } {
  const kept: Promise<unknown>[] = [];
  return { kept, waitUntil: (work) => kept.push(work) };
}

beforeAll(async () => {
  await seedDemoModels();
});

describe('getServices', () => {
  it("serves the model versions the worker's vars name", async () => {
    expect(env.RETRIEVAL_MODEL).toBe('test-retrieval');
    expect(env.REGULARITIES_MODEL).toBe('test-regularities');
    const services = getServices(env, recordingContext());
    expect(await services.model('retrieval')).toMatchObject({
      version: 'test-retrieval',
      space: 'retrieval',
    });
    expect(await services.model('regularities')).toMatchObject({
      version: 'test-regularities',
      space: 'regularities',
    });
  });

  it('hands a load it starts to waitUntil, so the load outlives the request', async () => {
    const ctx = recordingContext();
    // Another configuration than the other tests': a load this call starts, not one they made.
    const services = getServices({ ...env, FLAT_INDEX_ENCODING: 'int8' }, ctx);
    const manifest = await services.model('retrieval');
    expect(manifest.version).toBe('test-retrieval');
    expect(ctx.kept).toHaveLength(1);
    await expect(ctx.kept[0]).resolves.toBe(undefined);
  });

  it("reports the request's stage times to the timing it is given", async () => {
    const timing = new ServerTiming();
    const services = getServices(env, recordingContext(), timing);
    expect(timing.header()).toBe('');
    const { results } = await services.search('a green boat', 2);
    expect(results).toHaveLength(2);
    expect(timing.header()).toMatch(/^encode;dur=[\d.]+, index;dur=[\d.]+$/);
  });

  it('refuses a space with MODEL_UNAVAILABLE, naming its var, when no model is configured', async () => {
    for (const [unset, space] of [
      ['RETRIEVAL_MODEL', 'retrieval'],
      ['REGULARITIES_MODEL', 'regularities'],
    ] as const) {
      const services = getServices({ ...env, [unset]: undefined }, recordingContext());
      const e = await services.model(space).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(QueryError);
      expect(e).toMatchObject({ code: 'MODEL_UNAVAILABLE', details: { space } });
      expect((e as QueryError).message).toContain(`set ${unset}`);
    }
  });
});
