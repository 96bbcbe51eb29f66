import { rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import workerThreads from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { startWasmBackend, stopWasmThreads } from '../../../trainer/tf/wasm-threads.ts';
import { inFreshProcess } from '../../support/fresh-process.ts';

/**
 * The thread pool patches worker_threads and os.cpus for the whole process, so the threaded
 * cases run in a fresh Node process; only the single-threaded one runs in vitest's own.
 */

/** The bootstrap files the fresh processes left in the temp folder (one per process). */
const bootstraps: string[] = [];
afterAll(async () => {
  await Promise.all(bootstraps.map((path) => rm(path, { force: true })));
});

describe('startWasmBackend with one thread', () => {
  it('starts the plain module and leaves worker_threads and os.cpus as they were', async () => {
    const RealWorker = workerThreads.Worker;
    const cpus = os.cpus;
    expect(await startWasmBackend(1)).toBe(1);
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);
    expect(workerThreads.Worker).toBe(RealWorker);
    expect(os.cpus).toBe(cpus);
    const product = tf.tidy(() =>
      Array.from(
        tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])).dataSync(),
      ),
    );
    expect(product).toEqual([19, 22, 43, 50]);
    // No pool: stopping it anyway changes nothing.
    await stopWasmThreads();
    expect(workerThreads.Worker).toBe(RealWorker);
  });
});

interface PoolReport {
  threads: number;
  cores: number;
  patched: boolean;
  flag: boolean;
  backend: string;
  cpusRestored: boolean;
  bootstrapWritten: boolean;
  worst: number;
  restored: boolean;
  reply: string;
}

describe('startWasmBackend with a thread pool, then stopWasmThreads', () => {
  it('runs the threads asked for, computes right, and lets the process exit once stopped', async () => {
    const result = await inFreshProcess(`
      const os = require('node:os');
      const { existsSync } = require('node:fs');
      const { join } = require('node:path');
      const workerThreads = require('node:worker_threads');
      const tf = await import('@tensorflow/tfjs-core');
      const { startWasmBackend, stopWasmThreads } = await import('./trainer/tf/wasm-threads.ts');
      const RealWorker = workerThreads.Worker;
      const cpus = os.cpus;
      const threads = await startWasmBackend(3);
      const during = {
        patched: workerThreads.Worker !== RealWorker,
        flag: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
        backend: tf.getBackend(),
        cpusRestored: os.cpus === cpus,
        bootstrapWritten: existsSync(join(os.tmpdir(), 'jointspace-tfjs-wasm-worker-' + process.pid + '.cjs')),
      };
      // A product big enough to be split across the pool, against float64 in plain JS.
      const [n, k, m] = [96, 80, 64];
      const a = Float32Array.from({ length: n * k }, (_, i) => ((i * 7) % 11) - 5);
      const b = Float32Array.from({ length: k * m }, (_, i) => ((i * 3) % 13) - 6);
      const got = tf.matMul(tf.tensor2d(a, [n, k]), tf.tensor2d(b, [k, m])).dataSync();
      let worst = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
        let s = 0;
        for (let x = 0; x < k; x++) s += a[i * k + x] * b[x * m + j];
        worst = Math.max(worst, Math.abs(got[i * m + j] - s));
      }
      await stopWasmThreads();
      const restored = workerThreads.Worker === RealWorker;
      // A worker started now is a real one: it runs its own code, not the pool's bootstrap.
      const reply = await new Promise((resolve, reject) => {
        const w = new workerThreads.Worker(
          "require('node:worker_threads').parentPort.postMessage('real')",
          { eval: true },
        );
        w.once('message', (message) => w.terminate().then(() => resolve(message)));
        w.once('error', reject);
      });
      console.log(JSON.stringify({ threads, cores: os.cpus().length, ...during, worst, restored, reply }));
    `);
    if (result.pid !== undefined) {
      bootstraps.push(join(tmpdir(), `jointspace-tfjs-wasm-worker-${result.pid}.cjs`));
    }
    // Ending by itself is the point of stopWasmThreads: the pool's threads would keep it alive.
    expect(result.signal, 'the process did not exit by itself').toBeNull();
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as PoolReport;
    expect(report).toMatchObject({
      // Three even where the machine has fewer than six cores (tfjs would allow half of them).
      threads: 3,
      patched: true,
      flag: true,
      backend: 'wasm',
      cpusRestored: true,
      bootstrapWritten: true,
      restored: true,
      reply: 'real',
    });
    // Small integers: every product and sum is exact in float32.
    expect(report.worst).toBe(0);
  });
});
