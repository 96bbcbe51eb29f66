import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DevServer } from '../../cli/local/serve.ts';
import {
  type LocalServeOptions,
  prepareLocalWorker,
  startLocalWorker,
} from '../../cli/local/serve-versions.ts';
import { readVersionPair, type VersionPair } from '../../cli/local/version-pair.ts';
import { WORLD_FILES } from '../../trainer/data/demo-world-files.ts';
import { exportDemoVersions } from './demo-versions.ts';

/**
 * The local worker as `npm start` runs it (wrangler dev, local R2, the built page, the demo's
 * SVG pictures), on small demo models exported for the test, in a state folder and on a port of
 * its own so that it cannot meet a person's `npm start`.
 */

export interface DemoPageServer {
  url: string;
  pair: VersionPair;
  stop(): Promise<void>;
}

/** A port nothing listens on now (the kernel's choice). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port was given');
  return address.port;
}

export async function startDemoPageServer(): Promise<DemoPageServer> {
  const root = await mkdtemp(join(tmpdir(), 'jointspace-page-'));
  let server: DevServer | undefined;
  try {
    const paths = await exportDemoVersions(root);
    const pair = await readVersionPair(paths.dirs);
    const options: LocalServeOptions = {
      pair,
      picturesDir: join(paths.world, WORLD_FILES.images),
      encoding: 'float32',
      port: await freePort(),
      stateDir: join(root, 'state'),
      showOutput: false,
      log: () => undefined,
    };
    await prepareLocalWorker(options);
    server = await startLocalWorker(options);
    const running = server;
    return {
      url: running.url,
      pair,
      async stop() {
        await running.stop();
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
    throw e;
  }
}
