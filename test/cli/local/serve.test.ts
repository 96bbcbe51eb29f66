import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { localWorkerVars, startWranglerDev } from '../../../cli/local/serve.ts';

/** A port nobody listens on now (the OS's pick), so that a running `npm start` is not in the way. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

describe('localWorkerVars', () => {
  it('names both versions and the flat index encoding, as the worker reads them', () => {
    expect(localWorkerVars({ retrieval: 'r-v1', regularities: 'g-v1' }, 'int8')).toEqual({
      RETRIEVAL_MODEL: 'r-v1',
      REGULARITIES_MODEL: 'g-v1',
      FLAT_INDEX_ENCODING: 'int8',
    });
  });
});

describe('startWranglerDev', () => {
  it('starts the worker with the vars given, answers /health, and stops', async () => {
    const port = await freePort();
    const server = await startWranglerDev({
      port,
      // An encoding the worker refuses at once: its answer shows that the vars reached it,
      // without any model in the simulated R2.
      vars: {
        RETRIEVAL_MODEL: 'serve-test-retrieval',
        REGULARITIES_MODEL: 'serve-test-regularities',
        FLAT_INDEX_ENCODING: 'float64',
      },
      showOutput: false,
    });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${port}`);
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, service: 'jointspace' });

      const answer = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ models { retrieval { version } } }' }),
      });
      const body = (await answer.json()) as { errors?: { message: string }[] };
      expect(body.errors?.map((e) => e.message).join('\n')).toContain(
        'FLAT_INDEX_ENCODING must be float32 or int8, got "float64"',
      );
    } finally {
      await server.stop();
    }
    expect(server.process.exitCode !== null || server.process.signalCode !== null).toBe(true);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  }, 120_000);
});
