import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node build ships no gradients, and its ESM files cannot be loaded by Node
// directly; the union package registers them all (tfjs-node loads it the same way).
import '@tensorflow/tfjs';
import { availableParallelism } from 'node:os';
import { registerScatterAddKernels } from './scatter-add-kernel.ts';
import { startWasmBackend } from './wasm-threads.ts';

/**
 * Picks the compute backend. One code path (TensorFlow.js ops) runs on all of them; only speed
 * differs. In order: the native TensorFlow bindings with CUDA, then without, then WebAssembly,
 * then plain JavaScript. The native packages are not dependencies of this project (their
 * install step downloads libtensorflow, which plain `npm ci` must not do): install one on a
 * machine that should use it, and it is found at run time.
 */

export const BACKEND_CHOICES = ['auto', 'node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface BackendReport {
  /** The choice that runs. */
  choice: Exclude<BackendChoice, 'auto'>;
  /** tfjs's name for it: 'tensorflow', 'wasm' or 'cpu'. */
  tfName: string;
  /** Threads of the wasm (or cpu: 1) backend; native backends manage their own. */
  threads: number | undefined;
  /** Why each better choice did not run. */
  skipped: { choice: Exclude<BackendChoice, 'auto'>; reason: string }[];
}

const NATIVE_PACKAGES = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
} as const;

/** Why loading a native package failed, in words a user can act on. */
function explainNativeFailure(pkg: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/Cannot find (package|module) '@tensorflow\/tfjs-node/.test(message)) {
    return `${pkg} is not installed (npm install --no-save ${pkg}@4.22.0 on a machine that can use it)`;
  }
  if (/tfjs_binding\.node|native addon/i.test(message)) {
    return `${pkg} is installed but its native addon is missing (its install script, which downloads libtensorflow, did not run: npm rebuild ${pkg})`;
  }
  return `${pkg} failed to load: ${message.split('\n')[0]}`;
}

async function tryNative(choice: 'node-gpu' | 'node'): Promise<string | undefined> {
  const pkg = NATIVE_PACKAGES[choice];
  try {
    // A variable specifier: these packages are optional and absent from the lock file.
    await import(/* @vite-ignore */ pkg);
  } catch (e) {
    return explainNativeFailure(pkg, e);
  }
  if (!(await tf.setBackend('tensorflow'))) return `${pkg} loaded but its backend did not start`;
  return undefined;
}

let wasmThreads = 1;

async function tryWasm(threads: number): Promise<string | undefined> {
  try {
    wasmThreads = await startWasmBackend(threads);
    return undefined;
  } catch (e) {
    return `wasm failed: ${(e as Error).message}`;
  }
}

async function tryCpu(): Promise<string | undefined> {
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) return 'the cpu backend did not start';
  // Its first kernel would print a banner urging tfjs-node; describeBackend already says why
  // that is not running. (Setting IS_TEST instead would switch on tfjs's leak checks.)
  (tf.findBackend('cpu') as unknown as { firstUse: boolean }).firstUse = false;
  return undefined;
}

const ATTEMPTS = {
  'node-gpu': () => tryNative('node-gpu'),
  node: () => tryNative('node'),
  wasm: tryWasm,
  cpu: tryCpu,
} as const;

/** Threads for wasm by default: one per core (8 at most, as tfjs's pool). */
export function defaultThreads(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

/**
 * Starts the best available backend, or exactly the one asked for (failing with the reason if
 * it cannot start). Registers the project's own kernels first.
 */
export async function selectBackend(
  choice: BackendChoice = 'auto',
  { threads = defaultThreads() }: { threads?: number } = {},
): Promise<BackendReport> {
  registerScatterAddKernels();
  const order: Exclude<BackendChoice, 'auto'>[] =
    choice === 'auto' ? ['node-gpu', 'node', 'wasm', 'cpu'] : [choice];
  const skipped: BackendReport['skipped'] = [];
  for (const candidate of order) {
    const reason = await ATTEMPTS[candidate](threads);
    if (reason === undefined) {
      await tf.ready();
      return {
        choice: candidate,
        tfName: tf.getBackend(),
        threads: candidate === 'wasm' ? wasmThreads : candidate === 'cpu' ? 1 : undefined,
        skipped,
      };
    }
    skipped.push({ choice: candidate, reason });
  }
  throw new Error(
    `no backend could start:\n${skipped.map((s) => `  ${s.choice}: ${s.reason}`).join('\n')}`,
  );
}

/** One line per backend for the log: which runs, and why the better ones did not. */
export function describeBackend(report: BackendReport): string {
  const threads =
    report.threads === undefined
      ? ''
      : `, ${report.threads} thread${report.threads === 1 ? '' : 's'}`;
  const lines = [`backend: ${report.choice} (tfjs '${report.tfName}'${threads})`];
  for (const s of report.skipped) lines.push(`  not ${s.choice}: ${s.reason}`);
  return lines.join('\n');
}
