/**
 * Query time of the worker's flat index (worker/vector-index/flat-index.ts), float32 and int8,
 * at the sizes the worker serves: 20,000 x 256 (a Flickr-size image or caption set at a small
 * dimension) and 40,000 x 1,024 (Flickr8k's 40,000 captions at the paper's 1,024). Also the
 * file size, the decode time (what a cold isolate pays after reading the object from R2), and
 * the heap the parsed ids and metadata take. A tenth of the records are in the `val` split, the
 * rest in `train`, for the split filter's rows (`filter val` scans a tenth of the index).
 *
 * Node runs the same JavaScript engine (V8) as workerd; inside workerd, CPU time can only be
 * measured locally anyway (REFERENCE.md), so these numbers stand for the worker's CPU per query.
 *
 *   npm run bench:flat-index
 *   npm run bench:flat-index -- 20000 256      # one size
 */
import { cpus } from 'node:os';
import { decodeFlatIndex, encodeFlatIndex } from '../core/flat-index.ts';
import type { FlatIndexEncoding } from '../core/model-files.ts';
import { normalize } from '../core/vectors.ts';
import { Random } from '../trainer/random.ts';
import { FlatIndex } from '../worker/vector-index/flat-index.ts';

const SIZES: [number, number][] =
  process.argv.length >= 4
    ? [[Number(process.argv[2]), Number(process.argv[3])]]
    : [
        [20_000, 256],
        [40_000, 1024],
      ];
const QUERIES = 30;
const WARMUP = 5;

/** Heap in use after full collections (with --expose-gc; without it the column is noise). */
function heapBytes(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function bench(n: number, d: number): Promise<void> {
  // Gaussian directions, the same on every run (the trainer's seeded generator).
  const random = new Random(n + d);
  const randomUnitVector = () => normalize(random.gaussians(d));
  // Caption-like records: ids and metadata the size the export writes.
  const records = Array.from({ length: n }, (_, i) => ({
    id: `${1000268201 + Math.floor(i / 5)}_693b08cb0e.jpg#${i % 5}`,
    values: randomUnitVector(),
    metadata: {
      text: `a child in a pink dress is climbing up a set of stairs in an entry way ${i}`,
      imageId: `${1000268201 + Math.floor(i / 5)}_693b08cb0e.jpg`,
      split: i % 10 === 0 ? 'val' : 'train',
    },
  }));
  const queries = Array.from({ length: QUERIES + WARMUP }, randomUnitVector);
  // Indexes stay referenced until the size is done, so that one's collection cannot shrink
  // the heap while the next is measured.
  const keep: FlatIndex<unknown>[] = [];
  for (const encoding of ['float32', 'int8'] as FlatIndexEncoding[]) {
    const bytes = encodeFlatIndex({ version: 'bench-v1', dimension: d, records }, encoding);
    const before = heapBytes();
    let t = performance.now();
    const data = decodeFlatIndex(bytes.buffer);
    const decodeMs = performance.now() - t;
    t = performance.now();
    const index = new FlatIndex(data);
    const buildMs = performance.now() - t;
    // The JS heap only: the vectors (and the header's bytes) are the ArrayBuffer, outside it.
    const parsedBytes = (heapBytes() - before) / n;
    keep.push(index);
    const runs: [number, string | undefined][] = [
      [10, undefined],
      [100, undefined],
      [10, 'train'],
      [10, 'val'],
    ];
    for (const [k, split] of runs) {
      const times: number[] = [];
      for (const [i, q] of queries.entries()) {
        t = performance.now();
        await index.query(q, k, split === undefined ? undefined : { split });
        if (i >= WARMUP) times.push(performance.now() - t);
      }
      const mean = times.reduce((a, b) => a + b, 0) / times.length;
      console.log(
        [
          `${n} x ${d}`.padEnd(13),
          encoding.padEnd(8),
          `top-${k}${split ? ` of ${split}` : ''}`.padEnd(16),
          `median ${median(times).toFixed(2)} ms`.padEnd(18),
          `mean ${mean.toFixed(2)} ms`.padEnd(16),
          `file ${(bytes.length / 2 ** 20).toFixed(1)} MiB`.padEnd(16),
          `decode ${decodeMs.toFixed(0)} ms + id map ${buildMs.toFixed(0)} ms`.padEnd(30),
          `heap (ids, metadata, id map) ${parsedBytes.toFixed(0)} B/vector`,
        ].join(' '),
      );
    }
  }
}

console.log(
  `Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, one thread; ${QUERIES} queries after ${WARMUP} warm-up${globalThis.gc ? '' : ' (run with --expose-gc for the heap column)'}`,
);
for (const [n, d] of SIZES) await bench(n, d);
