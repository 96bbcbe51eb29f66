import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Transferable } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Multithreaded WebAssembly for tfjs in Node. tfjs-backend-wasm turns threads off in Node
 * (tfjs issue 3830); three things stand in the way, and this shim removes each:
 *   1. the flag WASM_HAS_MULTITHREAD_SUPPORT answers false in Node: set it;
 *   2. the pthread workers are started from Blob URLs, which worker_threads cannot load: start
 *      them from a temp file holding the same bootstrap, and hand them the path of the same
 *      main script inside the installed package instead of a Blob;
 *   3. the C++ side caps the pool at half the logical cores (it assumes hyper-threading), which
 *      leaves one thread on a two-core machine: let it see twice the cores while it starts.
 * The thread pool itself (SharedArrayBuffer memory, XNNPACK's pthreadpool) is emscripten's and
 * works in Node unchanged.
 */

const require = createRequire(import.meta.url);
/**
 * worker_threads' own Worker while the patch is in place (undefined: not patched); put back when
 * the pool stops, as other code in the process uses worker_threads too.
 */
let originalWorker: typeof import('node:worker_threads').Worker | undefined;
/** Every pool thread started, so that they can be stopped when the program is done. */
const started: import('node:worker_threads').Worker[] = [];

function writeWorkerBootstrap(): string {
  const { wasmWorkerContents } =
    require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as {
      wasmWorkerContents: string;
    };
  const path = join(tmpdir(), `jointspace-tfjs-wasm-worker-${process.pid}.cjs`);
  // The shipped string holds raw newlines where its source had "\n" escapes; tfjs escapes
  // them again before making its Blob, and so must we.
  writeFileSync(path, wasmWorkerContents.replace(/\n/g, '\\n'));
  // The threads read it when they start; a program that never stops them still removes it.
  process.once('exit', () => rmSync(path, { force: true }));
  return path;
}

function patchWorkers(): void {
  if (originalWorker) return;
  const workerThreads = require('node:worker_threads') as typeof import('node:worker_threads');
  const RealWorker = workerThreads.Worker;
  const bootstrap = writeWorkerBootstrap();
  const mainScript = require.resolve(
    '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js',
  );
  class FileWorker extends RealWorker {
    constructor(_blobUrl: string | URL) {
      super(bootstrap);
      started.push(this);
    }
    override postMessage(message: unknown, transfer?: readonly Transferable[]): void {
      const m = message as { cmd?: string; urlOrBlob?: unknown } | null;
      if (m?.cmd === 'load') m.urlOrBlob = mainScript;
      super.postMessage(message, transfer);
    }
  }
  // emscripten reads require('worker_threads').Worker when the threaded module starts.
  originalWorker = RealWorker;
  (workerThreads as { Worker: typeof RealWorker }).Worker = FileWorker;
}

/**
 * Stops the pool threads. emscripten keeps them referenced while they have run work, so a
 * program that used threads would otherwise never exit. Call once, when all tfjs work is done.
 */
export async function stopWasmThreads(): Promise<void> {
  await Promise.all(started.splice(0).map((w) => w.terminate()));
  // Anything started after this (Miniflare, for one) must get real workers again.
  if (originalWorker) {
    const workerThreads = require('node:worker_threads') as typeof import('node:worker_threads');
    (workerThreads as { Worker: typeof originalWorker }).Worker = originalWorker;
    originalWorker = undefined;
  }
}

/**
 * Starts the wasm backend with `threads` threads (1: the plain single-threaded module).
 * Returns the number of threads it runs with.
 */
export async function startWasmBackend(threads: number): Promise<number> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (threads > 1 && typeof SharedArrayBuffer !== 'undefined') {
    patchWorkers();
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasm.setThreadsCount(threads);
  } else {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
  const cpus = os.cpus;
  const cores = cpus().length;
  (os as { cpus: typeof os.cpus }).cpus = () => {
    const list = cpus();
    return Array.from(
      { length: Math.max(2 * threads, cores) },
      (_, i) => list[i % list.length] as os.CpuInfo,
    );
  };
  try {
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
    await tf.ready();
  } finally {
    (os as { cpus: typeof os.cpus }).cpus = cpus;
  }
  return wasm.getThreadsCount();
}
