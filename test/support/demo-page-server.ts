import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DevServer } from '../../cli/local/serve.ts';
import {
  type LocalServeOptions,
  prepareLocalWorker,
  startLocalWorker,
} from '../../cli/local/serve-versions.ts';
import { readVersionPair, type VersionPair } from '../../cli/local/version-pair.ts';
import { parseManifest } from '../../core/manifest.ts';
import { MODEL_FILES, type Space } from '../../core/model-files.ts';
import { WORLD_FILES } from '../../trainer/data/demo-world-files.ts';
import { exportDemoVersions } from './demo-versions.ts';

/**
 * The local worker as `npm start` runs it (wrangler dev, local R2, the built page, the demo's
 * SVG pictures), on small demo models exported for the test, in a state folder and on a port of
 * its own so that it cannot meet a person's `npm start`. A test that needs other models (one
 * with an image encoder, say) gives its own `versions`.
 */

/** A pair of exported model versions to serve, and the folder of the retrieval one's pictures. */
export interface ServedVersions {
  dirs: { retrieval: string; regularities: string };
  picturesDir?: string;
}

/** Exports the versions to serve under `root` (a temporary folder the server removes). */
export type ExportVersions = (root: string) => Promise<ServedVersions>;

/** The default: the small demo world's two models and its SVG pictures. */
export async function demoVersions(root: string): Promise<ServedVersions> {
  const paths = await exportDemoVersions(root);
  return { dirs: paths.dirs, picturesDir: join(paths.world, WORLD_FILES.images) };
}

const ROOT = join(import.meta.dirname, '../..');

/**
 * A pair that takes pictures: picture-model-build.ts's model (24 JPEGs made with sharp, the
 * trainer's CNN, an image_encoder.onnx) with `--pair`, which exports its checkpoint as the
 * regularities version too. Built in a child process (tfjs stays out of vitest's), in about
 * 10-30 s.
 */
export async function pictureModelVersions(root: string): Promise<ServedVersions> {
  await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test/support/picture-model-build.ts'), root, '--pair'],
    { cwd: ROOT, maxBuffer: 1 << 24 },
  );
  // The script names its versions; their manifests say which space each serves.
  const artifacts = join(root, 'artifacts');
  const dirs: Partial<Record<Space, string>> = {};
  for (const name of await readdir(artifacts)) {
    const manifest = join(artifacts, name, MODEL_FILES.manifest);
    dirs[parseManifest(JSON.parse(await readFile(manifest, 'utf8'))).space] = join(artifacts, name);
  }
  const { retrieval, regularities } = dirs;
  if (!retrieval || !regularities) throw new Error(`${artifacts} holds no pair of versions`);
  return { dirs: { retrieval, regularities }, picturesDir: join(root, 'pictures') };
}

export interface DemoPageServer {
  url: string;
  pair: VersionPair;
  /** The folder the retrieval version's pictures were seeded from (null: none). */
  picturesDir: string | null;
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

export async function startDemoPageServer(
  versions: ExportVersions = demoVersions,
): Promise<DemoPageServer> {
  const root = await mkdtemp(join(tmpdir(), 'jointspace-page-'));
  let server: DevServer | undefined;
  try {
    const served = await versions(root);
    const pair = await readVersionPair(served.dirs);
    const options: LocalServeOptions = {
      pair,
      ...(served.picturesDir !== undefined ? { picturesDir: served.picturesDir } : {}),
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
      picturesDir: served.picturesDir ?? null,
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
