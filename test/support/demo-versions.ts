import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_WORLD_OPTIONS, generateDemoWorld } from '../../trainer/demo/world.ts';
import { writeDemoWorld } from '../../trainer/demo/write-world.ts';

/**
 * A small demo world and a model version per space trained on it and exported, through the
 * real command line, under `root`: `root/world` (with its SVG pictures in `world/images`) and
 * `root/artifacts/<version>`. The workerd tests' global setup and the browser test share it.
 * Training runs in child processes: the wasm backend's thread pool patches worker_threads,
 * which must not happen in vitest's own process. About 30-60 s on two cores.
 */

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');

export const TEST_VERSIONS = {
  retrieval: 'test-retrieval',
  regularities: 'test-regularities',
} as const;

export interface DemoVersionPaths {
  world: string;
  artifacts: string;
  /** Version folders by space. */
  dirs: { retrieval: string; regularities: string };
}

export async function exportDemoVersions(root: string): Promise<DemoVersionPaths> {
  const world = join(root, 'world');
  const artifacts = join(root, 'artifacts');
  await writeDemoWorld(
    generateDemoWorld({ ...DEFAULT_WORLD_OPTIONS, images: 1200, val: 100, test: 200, seed: 21 }),
    world,
  );
  const plans = [
    { space: 'retrieval', encoder: 'lstm', dim: 64, epochs: 4, lr: 3e-3 },
    { space: 'regularities', encoder: 'bow', dim: 64, epochs: 6, lr: 5e-3 },
  ] as const;
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), ...args], {
      cwd: ROOT,
      maxBuffer: 1 << 24,
    });
  await Promise.all(
    plans.map((plan) =>
      cli(
        'train',
        ...['--data', world, '--encoder', plan.encoder, '--epochs', String(plan.epochs)],
        ...['--word-dim', String(plan.dim), '--joint-dim', String(plan.dim)],
        ...['--lr', String(plan.lr), '--val-every', '50', '--threads', '1', '--no-progress'],
        ...['--out', join(root, `run-${plan.space}`)],
      ),
    ),
  );
  for (const plan of plans) {
    await cli(
      'export',
      ...['--run', join(root, `run-${plan.space}`), '--data', world, '--out', artifacts],
      ...['--space', plan.space, '--version', TEST_VERSIONS[plan.space], '--threads', '1'],
    );
  }
  return {
    world,
    artifacts,
    dirs: {
      retrieval: join(artifacts, TEST_VERSIONS.retrieval),
      regularities: join(artifacts, TEST_VERSIONS.regularities),
    },
  };
}
