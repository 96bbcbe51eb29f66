/**
 * The isolate's memory under many distinct large documents: the worker runs in wrangler dev
 * (local mode: workerd on this machine), gets `--documents` distinct GraphQL documents of
 * `--kib` KiB each (a short query with one long string argument, so each is valid, cheap to run
 * and different from every other), and workerd's resident memory (VmRSS in /proc, the whole
 * process: the isolate's heap, its WebAssembly memories, workerd itself) is read before and
 * after, each time after a short pause. yoga's own parse cache held 1,024 such documents: 1,024
 * queries of 255 KB grew workerd from 219 to 522 MB. The bounded cache keeps none of them.
 *
 *   npm run bench:memory [-- --documents 1000 --kib 255]
 *
 * Needs no model: the documents ask __type for a type that does not exist.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startWranglerDev } from '../cli/local/serve.ts';
import { documentMemory } from './worker-memory-run.ts';

const { values } = parseArgs({
  options: { documents: { type: 'string' }, kib: { type: 'string' }, port: { type: 'string' } },
});
const documents = Number(values.documents ?? 1000);
const kib = Number(values.kib ?? 255);
const port = Number(values.port ?? 8793);

const server = await startWranglerDev({ port, vars: {}, showOutput: false });
try {
  const result = await documentMemory(server, { documents, kib });
  const mib = (bytes: number) => (bytes / (1 << 20)).toFixed(1);
  console.log(
    `${documents} distinct documents of ${kib} KiB in ${(result.seconds).toFixed(1)} s: workerd ${mib(result.before)} MiB before, ${mib(result.after)} MiB after (${result.after >= result.before ? '+' : ''}${mib(result.after - result.before)} MiB); ${result.statuses} (${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]} load)`,
  );
} finally {
  await server.stop();
}
