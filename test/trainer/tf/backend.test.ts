import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import {
  BACKEND_CHOICES,
  defaultThreads,
  describeBackend,
  selectBackend,
} from '../../../trainer/tf/backend.ts';
import { ROOT } from '../../support/run-cli.ts';

/**
 * The native packages are optional and not installed here: where one is, 'auto' picks it and
 * the cases that expect it missing do not apply.
 */
const installed = (pkg: string) => existsSync(join(ROOT, 'node_modules', pkg));
const GPU = '@tensorflow/tfjs-node-gpu';
const NODE = '@tensorflow/tfjs-node';
const notInstalled = (pkg: string) =>
  `${pkg} is not installed (npm install --no-save ${pkg}@4.22.0 on a machine that can use it)`;

function sum(a: number[], b: number[]): number[] {
  return tf.tidy(() => Array.from(tf.add(tf.tensor1d(a), tf.tensor1d(b)).dataSync()));
}

describe('selectBackend', () => {
  // First in the file: the cpu backend's banner would come with its first kernel.
  it('starts the cpu backend when asked, one thread, without tfjs’s banner', async () => {
    const warn = vi.spyOn(console, 'warn');
    try {
      const report = await selectBackend('cpu');
      expect(report).toEqual({ choice: 'cpu', tfName: 'cpu', threads: 1, skipped: [] });
      expect(tf.getBackend()).toBe('cpu');
      expect(sum([1, 2], [3, 4])).toEqual([4, 6]);
      expect(warn.mock.calls.flat().join('\n')).not.toMatch(/tfjs-node/);
    } finally {
      warn.mockRestore();
    }
  });

  it('starts single-threaded wasm when asked', async () => {
    const report = await selectBackend('wasm', { threads: 1 });
    expect(report).toEqual({ choice: 'wasm', tfName: 'wasm', threads: 1, skipped: [] });
    expect(tf.getBackend()).toBe('wasm');
    expect(sum([1, 2], [3, 4])).toEqual([4, 6]);
  });

  it.skipIf(installed(GPU) || installed(NODE))(
    'auto: falls back past the missing native packages to wasm, saying why',
    async () => {
      await tf.setBackend('cpu');
      const report = await selectBackend('auto', { threads: 1 });
      expect(report).toEqual({
        choice: 'wasm',
        tfName: 'wasm',
        threads: 1,
        skipped: [
          { choice: 'node-gpu', reason: notInstalled(GPU) },
          { choice: 'node', reason: notInstalled(NODE) },
        ],
      });
      expect(tf.getBackend()).toBe('wasm');
    },
  );

  for (const [choice, pkg] of [
    ['node-gpu', GPU],
    ['node', NODE],
  ] as const) {
    it.skipIf(installed(pkg))(
      `fails for ${choice} when it cannot start, naming the package and the fix`,
      async () => {
        await tf.setBackend('cpu');
        // Exactly the one asked for: no falling back to another.
        await expect(selectBackend(choice)).rejects.toThrow(
          `no backend could start:\n  ${choice}: ${notInstalled(pkg)}`,
        );
        expect(tf.getBackend()).toBe('cpu');
      },
    );
  }
});

describe('BACKEND_CHOICES', () => {
  it('lists auto, then the backends from fastest to slowest', () => {
    expect(BACKEND_CHOICES).toEqual(['auto', 'node-gpu', 'node', 'wasm', 'cpu']);
  });
});

describe('defaultThreads', () => {
  it('is one thread per core, 8 at most', () => {
    expect(defaultThreads()).toBe(Math.min(8, availableParallelism()));
  });
});

describe('describeBackend', () => {
  it('names the backend, its tfjs name and threads, then why each better one did not run', () => {
    expect(
      describeBackend({
        choice: 'wasm',
        tfName: 'wasm',
        threads: 4,
        skipped: [
          { choice: 'node-gpu', reason: 'no GPU here' },
          { choice: 'node', reason: 'not installed' },
        ],
      }),
    ).toBe(
      [
        "backend: wasm (tfjs 'wasm', 4 threads)",
        '  not node-gpu: no GPU here',
        '  not node: not installed',
      ].join('\n'),
    );
  });

  it('says "1 thread", and no thread count for native backends', () => {
    expect(describeBackend({ choice: 'cpu', tfName: 'cpu', threads: 1, skipped: [] })).toBe(
      "backend: cpu (tfjs 'cpu', 1 thread)",
    );
    expect(
      describeBackend({ choice: 'node', tfName: 'tensorflow', threads: undefined, skipped: [] }),
    ).toBe("backend: node (tfjs 'tensorflow')");
  });
});
