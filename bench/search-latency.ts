/**
 * A search query end to end against the local worker (wrangler dev, local mode: workerd with
 * simulated R2, the flat index): median and p99 latency as a client sees it, and the sentence
 * encoder's and the index's share from the worker's Server-Timing header.
 *
 *   npm run bench:search [-- --requests 300 --vectors float32|int8]
 *
 * Uses the models `npm start` prepares (trained and exported on the first run).
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_LOCAL_PATHS, prepareLocalModels } from '../cli/local/local-models.ts';
import { localR2Objects } from '../cli/local/r2-objects.ts';
import { seedLocalR2 } from '../cli/local/seed-r2.ts';
import { localWorkerVars, startWranglerDev } from '../cli/local/serve.ts';
import { stopWasmThreads } from '../trainer/tf/wasm-threads.ts';
import { quantile, serverTiming } from './latency.ts';

const { values } = parseArgs({
  options: { requests: { type: 'string' }, vectors: { type: 'string' }, port: { type: 'string' } },
});
const requests = Number(values.requests ?? 300);
const encoding = values.vectors === 'int8' ? 'int8' : 'float32';
const port = Number(values.port ?? 8791);

const versions = await prepareLocalModels(DEFAULT_LOCAL_PATHS);
await stopWasmThreads();
await seedLocalR2(
  'jointspace-models',
  await localR2Objects(DEFAULT_LOCAL_PATHS.artifacts, versions, encoding),
);
const dataset = JSON.parse(
  await readFile(`${DEFAULT_LOCAL_PATHS.data}/dataset_demo.json`, 'utf8'),
) as {
  images: { split: string; sentences: { raw: string }[] }[];
};
const sentences = dataset.images
  .filter((im) => im.split === 'test')
  .flatMap((im) => im.sentences.map((s) => s.raw));

const server = await startWranglerDev({
  port,
  vars: localWorkerVars(versions, encoding),
  showOutput: false,
});
try {
  const search = async (text: string) => {
    const start = performance.now();
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query($t: String!) { search(text: $t, first: 10) { edges { score node { id } } } }',
        variables: { t: text },
      }),
    });
    const body = (await res.json()) as { errors?: unknown[] };
    const ms = performance.now() - start;
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    const timing = serverTiming(res);
    return { ms, encode: timing.encode ?? Number.NaN, index: timing.index ?? Number.NaN };
  };
  const coldStart = performance.now();
  await search(sentences[0] as string); // loads the models into the isolate
  const cold = performance.now() - coldStart;
  for (let i = 0; i < 20; i++) await search(sentences[i % sentences.length] as string);
  const runs: { ms: number; encode: number; index: number }[] = [];
  for (let i = 0; i < requests; i++)
    runs.push(await search(sentences[(i * 7) % sentences.length] as string));
  const sorted = (k: 'ms' | 'encode' | 'index') => runs.map((r) => r[k]).sort((a, b) => a - b);
  const row = (k: 'ms' | 'encode' | 'index') => {
    const s = sorted(k);
    // workerd's clock ticks in whole milliseconds locally: the mean over many requests is the
    // better estimate of a sub-millisecond stage.
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    return `median ${quantile(s, 0.5).toFixed(2)} ms, p99 ${quantile(s, 0.99).toFixed(2)} ms, mean ${mean.toFixed(2)} ms`;
  };
  console.log(
    `search, first: 10, ${requests} sequential requests to wrangler dev (local), ${encoding} flat index`,
  );
  console.log(`  models: ${versions.retrieval} / ${versions.regularities}`);
  console.log(`  machine: ${os.cpus()[0]?.model} x ${os.cpus().length}, Node ${process.version}`);
  console.log(`  first request (loads models): ${cold.toFixed(0)} ms`);
  console.log(`  end to end:        ${row('ms')}`);
  console.log(`  sentence encoder:  ${row('encode')}`);
  console.log(`  flat index top-10: ${row('index')}`);
} finally {
  await server.stop();
}
