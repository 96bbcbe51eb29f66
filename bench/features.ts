/**
 * `features` throughput: pictures a second through the whole path (sharp decode, core's
 * fitPicture, nsfwjs's MobileNetV2 on tfjs-wasm), for 1 and 2 wasm threads. The thread count
 * is fixed when the wasm backend starts, so each count runs in a child process of its own; the
 * counts alternate (1, 2, 1, 2) so that a noisy neighbour hurts both. The timed loop is the
 * same computeFeatures the command runs, on real files, into a temp folder; the model's load
 * (about 0.5 s) and one warm-up batch are outside it.
 *
 *   npm run bench:features [-- --pictures 200 --batch 10 --images ../shared/data/flickr8k/images]
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_EXTRACTOR, extractFeatures, loadCnn } from '../trainer/pictures/cnn.ts';
import { computeFeatures } from '../trainer/pictures/compute-features.ts';
import { selectBackend } from '../trainer/tf/backend.ts';
import { stopWasmThreads } from '../trainer/tf/wasm-threads.ts';

const { values } = parseArgs({
  options: {
    pictures: { type: 'string' },
    batch: { type: 'string' },
    images: { type: 'string' },
    child: { type: 'string' },
  },
});
const pictures = Number(values.pictures ?? 200);
const batch = Number(values.batch ?? 10);
const images = values.images ?? join(import.meta.dirname, '../../shared/data/flickr8k/images');

async function measure(threads: number): Promise<number> {
  await selectBackend('wasm', { threads });
  const cnn = await loadCnn();
  const files = (await readdir(images)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
  const out = await mkdtemp(join(os.tmpdir(), 'jointspace-bench-features-'));
  const extractor = {
    id: DEFAULT_EXTRACTOR.id,
    featureDim: DEFAULT_EXTRACTOR.featureDim,
    extract: (p: readonly Uint8Array[]) => extractFeatures(cnn, p),
  };
  const run = (list: string[], name: string) =>
    computeFeatures({
      job: { imagesDir: images, files: list, out: join(out, name), skipped: 'left-out' },
      extractor,
      batch,
      onError: 'stop',
      policy: { restart: false, otherList: 'refuse' },
    });
  try {
    await run(files.slice(0, batch), 'warm.npy');
    const start = performance.now();
    await run(files.slice(batch, batch + pictures), 'timed.npy');
    return pictures / ((performance.now() - start) / 1000);
  } finally {
    await rm(out, { recursive: true, force: true });
    await stopWasmThreads();
  }
}

if (values.child !== undefined) {
  console.log(JSON.stringify({ perSecond: await measure(Number(values.child)) }));
} else {
  const results: Record<number, number[]> = { 1: [], 2: [] };
  for (const threads of [1, 2, 1, 2]) {
    const line = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        import.meta.filename,
        '--child',
        String(threads),
        '--pictures',
        String(pictures),
        '--batch',
        String(batch),
        '--images',
        images,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    results[threads]?.push(
      (JSON.parse(line.trim().split('\n').pop() as string) as { perSecond: number }).perSecond,
    );
  }
  const best = (threads: number) => Math.max(...(results[threads] as number[]));
  console.log(`features: ${pictures} pictures from ${images}, batch ${batch}, tfjs-wasm`);
  console.log(
    `  machine: ${os.cpus()[0]?.model} x ${os.cpus().length}, Node ${process.version}, load ${os.loadavg()[0]?.toFixed(1)}`,
  );
  for (const threads of [1, 2]) {
    const runs = (results[threads] as number[]).map((r) => r.toFixed(1)).join(', ');
    console.log(
      `  ${threads} thread${threads > 1 ? 's' : ''}: best ${best(threads).toFixed(1)} pictures/s (runs: ${runs})`,
    );
  }
  console.log(`  2 threads / 1 thread: ${(best(2) / best(1)).toFixed(2)}x`);
}
