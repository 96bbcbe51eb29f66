import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ServerTiming } from '../../../worker/api/server-timing.ts';
import { getServices } from '../../../worker/api/services-factory.ts';
import { QueryError } from '../../../worker/query-error.ts';
import { seedDemoModels } from '../../support/seed-models.ts';

// Where the worker's services come from: the versions its vars name (vitest.config.ts sets
// them to the demo models of the global setup), loaded from its R2 bucket.

beforeAll(async () => {
  await seedDemoModels();
});

describe('getServices', () => {
  it("serves the model versions the worker's vars name", async () => {
    expect(env.RETRIEVAL_MODEL).toBe('test-retrieval');
    expect(env.REGULARITIES_MODEL).toBe('test-regularities');
    const { retrieval, regularities } = await (await getServices(env)).models();
    expect(retrieval).toMatchObject({ version: 'test-retrieval', space: 'retrieval' });
    expect(regularities).toMatchObject({ version: 'test-regularities', space: 'regularities' });
  });

  it("reports the request's stage times to the timing it is given", async () => {
    const timing = new ServerTiming();
    const services = await getServices(env, timing);
    expect(timing.header()).toBe('');
    const { results } = await services.search('a green boat', 2);
    expect(results).toHaveLength(2);
    expect(timing.header()).toMatch(/^encode;dur=[\d.]+, index;dur=[\d.]+$/);
  });

  it('refuses with MODEL_UNAVAILABLE, naming the vars, when no model is configured', async () => {
    for (const unset of ['RETRIEVAL_MODEL', 'REGULARITIES_MODEL'] as const) {
      const e = await getServices({ ...env, [unset]: undefined }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(QueryError);
      expect(e).toMatchObject({ code: 'MODEL_UNAVAILABLE' });
      expect((e as QueryError).message).toMatch(/set RETRIEVAL_MODEL and REGULARITIES_MODEL/);
    }
  });
});
