/**
 * A query by uploaded picture end to end against the local worker (wrangler dev, local mode:
 * workerd, simulated R2, the flat index), with real photos and a model that has an image
 * encoder: per request, the worker's own stages from its Server-Timing header (`decode`:
 * checks, WebAssembly decode and the 224 x 224 fit; `cnn`: the image encoder, CNN + projection;
 * `index`: the top-k scans), the latency a client sees, and workerd's resident memory (VmRSS of
 * the process, read from /proc: the isolate's heap and WebAssembly memories, ONNX Runtime's
 * included, plus workerd itself) after start, after a search (sentence encoder and indexes
 * loaded), after the first picture (image encoder loaded) and after every picture.
 *
 * Each photo is also annotated by its stored CNN features (the `.npy` row the shared dataset
 * holds for it), so the run measures how far the worker's decoder + image encoder land from the
 * trainer's features: the largest score difference over the top 5 captions, and whether the
 * five captions are the same.
 *
 *   npm run bench:picture -- --retrieval DIR --regularities DIR \
 *     [--images ../shared/data/flickr8k/images] [--data ../shared/data/flickr8k] [--pictures 200]
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareLocalWorker, startLocalWorker } from '../cli/local/serve-versions.ts';
import { readVersionPair } from '../cli/local/version-pair.ts';
import { readNpy } from '../trainer/data/npy.ts';
import { quantile, serverTiming } from './latency.ts';
import { descendants, isWorkerd, residentBytes } from './worker-memory-run.ts';

const { values } = parseArgs({
  options: {
    retrieval: { type: 'string' },
    regularities: { type: 'string' },
    images: { type: 'string' },
    data: { type: 'string' },
    pictures: { type: 'string' },
    port: { type: 'string' },
  },
});
if (!values.retrieval || !values.regularities) {
  throw new Error(
    'give --retrieval DIR and --regularities DIR (exported versions with an image encoder)',
  );
}
const shared = join(import.meta.dirname, '../../shared/data/flickr8k');
const imagesDir = values.images ?? join(shared, 'images');
const dataDir = values.data ?? shared;
const count = Number(values.pictures ?? 200);
const port = Number(values.port ?? 8794);

const mib = (bytes: number) => `${(bytes / (1 << 20)).toFixed(1)} MiB`;
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

/** Stored features by file name, from the dataset's split file and its .npy. */
async function storedFeatures(): Promise<Map<string, number[]>> {
  const split = JSON.parse(await readFile(join(dataDir, 'dataset_flickr8k.json'), 'utf8')) as {
    images: { filename: string }[];
  };
  const npy = await readNpy(join(dataDir, 'feats_mobilenetv2_1792.npy'));
  const dim = npy.shape[1] as number;
  return new Map(
    split.images.map((im, i) => [
      im.filename,
      Array.from(npy.data.subarray(i * dim, (i + 1) * dim)),
    ]),
  );
}

type Edge = { score: number; node: { text: string } };
type Timed = { ms: number; timing: Record<string, number>; captions: Edge[] };

const pair = await readVersionPair({
  retrieval: values.retrieval,
  regularities: values.regularities,
});
if (!pair.retrieval.manifest.onnx.imageEncoder) {
  throw new Error(`${pair.retrieval.manifest.version} has no image encoder`);
}
const features = await storedFeatures();
const files = (await readdir(imagesDir))
  .filter((f) => features.has(f))
  .sort()
  .slice(0, count);
const stateDir = await mkdtemp(join(os.tmpdir(), 'jointspace-bench-picture-'));
const options = {
  pair,
  encoding: 'int8' as const,
  port,
  stateDir,
  showOutput: false,
  log: () => {},
};
await prepareLocalWorker(options);
const server = await startLocalWorker(options);
const graphql = `${server.url}/graphql`;

async function byPicture(file: string): Promise<Timed> {
  const form = new FormData();
  const query = `query ($p: File!) {
    annotate(image: { picture: $p }, first: 5) { edges { score node { text } } }
    similar(picture: $p, first: 10) { edges { score node { id } } }
  }`;
  form.set('operations', JSON.stringify({ query, variables: { p: null } }));
  form.set('map', JSON.stringify({ 0: ['variables.p'] }));
  form.set('0', new File([await readFile(join(imagesDir, file))], file, { type: 'image/jpeg' }));
  const start = performance.now();
  const res = await fetch(graphql, {
    method: 'POST',
    headers: { 'x-graphql-csrf': '1' },
    body: form,
  });
  const body = (await res.json()) as { data?: { annotate: { edges: Edge[] } }; errors?: unknown };
  const ms = performance.now() - start;
  if (body.errors || !body.data) throw new Error(`${file}: ${JSON.stringify(body.errors)}`);
  return { ms, timing: serverTiming(res), captions: body.data.annotate.edges };
}

async function byFeatures(file: string): Promise<Edge[]> {
  const res = await fetch(graphql, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query:
        'query ($f: [Float!]!) { annotate(image: { features: $f }, first: 5) { edges { score node { text } } } }',
      variables: { f: features.get(file) },
    }),
  });
  const body = (await res.json()) as { data: { annotate: { edges: Edge[] } } };
  return body.data.annotate.edges;
}

try {
  // wrangler dev runs more than one workerd (the worker's, and its proxy's): the worker's is the
  // one whose memory grows with the models; all are summed so that nothing is missed.
  const pids = descendants(server.process.pid as number).filter(isWorkerd);
  const rss = () => pids.map((p) => residentBytes(p));
  const total = (list: number[]) => list.reduce((a, b) => a + b, 0);
  await settle();
  const atStart = rss();
  await fetch(graphql, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: '{ search(text: "a dog on the beach", first: 10) { edges { score } } }',
    }),
  });
  await settle();
  const afterSearch = rss();
  const first = await byPicture(files[0] as string);
  await settle();
  const afterFirstPicture = rss();

  const runs: Timed[] = [];
  let maxScoreDiff = 0;
  let sameTop5 = 0;
  for (const file of files) {
    const run = await byPicture(file);
    runs.push(run);
    const stored = await byFeatures(file);
    const same = stored.every((e, i) => e.node.text === run.captions[i]?.node.text);
    if (same) sameTop5++;
    for (let i = 0; i < stored.length; i++) {
      const diff = Math.abs(
        (stored[i] as Edge).score - ((run.captions[i] as Edge | undefined)?.score ?? Number.NaN),
      );
      if (same) maxScoreDiff = Math.max(maxScoreDiff, diff);
    }
  }
  await settle();
  const afterAll = rss();

  const row = (pick: (r: Timed) => number) => {
    const s = runs.map(pick).sort((a, b) => a - b);
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    return `median ${quantile(s, 0.5).toFixed(1)} ms, p99 ${quantile(s, 0.99).toFixed(1)} ms, mean ${mean.toFixed(1)} ms`;
  };
  const encoder = pair.retrieval.manifest.onnx.imageEncoder;
  console.log(
    `query by picture: annotate(first 5) + similar(first 10) on one upload, ${runs.length} photos of ${imagesDir}`,
  );
  console.log(
    `  model: ${pair.retrieval.manifest.version} (image encoder ${encoder.weights}, ${pair.retrieval.manifest.vectors.images.count} images, ${pair.retrieval.manifest.vectors.captions.count} captions, int8 flat index)`,
  );
  console.log(
    `  machine: ${os.cpus()[0]?.model} x ${os.cpus().length}, Node ${process.version}, load ${os.loadavg()[0]?.toFixed(1)}`,
  );
  console.log(
    `  first picture (loads the image encoder): ${first.ms.toFixed(0)} ms (cnn ${first.timing.cnn ?? '?'} ms)`,
  );
  console.log(`  end to end:        ${row((r) => r.ms)}`);
  console.log(`  decode + fit:      ${row((r) => r.timing.decode ?? Number.NaN)}`);
  console.log(`  image encoder:     ${row((r) => r.timing.cnn ?? Number.NaN)}`);
  console.log(`  index (top-k x2):  ${row((r) => r.timing.index ?? Number.NaN)}`);
  console.log(
    `  same top 5 captions as annotate by stored features: ${sameTop5} of ${runs.length}; largest score difference ${maxScoreDiff.toExponential(1)}`,
  );
  const each = (list: number[]) => `${mib(total(list))} (${list.map(mib).join(' + ')})`;
  console.log(
    `  workerd RSS, ${pids.length} processes: ${each(atStart)} started, ${each(afterSearch)} after a search, ${each(afterFirstPicture)} after the first picture, ${each(afterAll)} after all`,
  );
} finally {
  await server.stop();
  await rm(stateDir, { recursive: true, force: true });
}
