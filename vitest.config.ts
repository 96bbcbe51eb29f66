import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { buildWebPage } from './cli/local/web-page.ts';

// One runner, three runtimes. core/ must behave identically in Node and in workerd, so its tests
// run in both; trainer/ and cli/ tests are Node-only; worker/ tests run only inside workerd; the
// web page's tests (test/web/) run in a simulated browser (happy-dom).
// End-to-end tests (test/e2e/) run in Node, except test/e2e/worker/, which runs inside workerd.
export default defineConfig(async () => {
  // wrangler.toml serves dist/web as static assets, and the workerd pool refuses to start
  // without that folder: the page is built first (about a second; the same bytes each time).
  await buildWebPage();
  return {
    test: {
      // Two Node files at a time even on two cores (vitest's default there is one): many wait on
      // child processes (the command line, wrangler dev, Chromium) rather than compute.
      maxWorkers: 2,
      projects: [
        {
          test: {
            name: 'node',
            include: [
              'test/*.test.ts',
              'test/core/**/*.test.ts',
              'test/trainer/**/*.test.ts',
              'test/cli/**/*.test.ts',
              'test/e2e/*.test.ts',
            ],
            environment: 'node',
            testTimeout: 60_000,
          },
        },
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: './wrangler.toml' },
              // The versions test/support/demo-models.ts exports; each test file seeds its
              // own simulated R2 bucket with them.
              miniflare: {
                bindings: {
                  RETRIEVAL_MODEL: 'test-retrieval',
                  REGULARITIES_MODEL: 'test-regularities',
                },
              },
            }),
          ],
          test: {
            name: 'workerd',
            // One workerd runner at a time, as before the Node files went two at a time.
            maxWorkers: 1,
            include: [
              'test/core/**/*.test.ts',
              'test/worker/**/*.test.ts',
              'test/e2e/worker/**/*.test.ts',
            ],
            // Node side, before the tests: a demo world, a small model per space, exported;
            // pictures in each format with sharp's pixels for them (test/worker/pictures/); a
            // model version with an image encoder, and pictures to upload to it.
            // The watchdog first: it kills a workerd that is stuck in workerd's own sweeper
            // livelock (test/support/workerd-watchdog.ts; run-suite.ts runs its file again).
            globalSetup: [
              'test/support/workerd-watchdog.ts',
              'test/support/demo-models.ts',
              'test/support/picture-fixtures.ts',
              'test/support/picture-model.ts',
            ],
            testTimeout: 60_000,
            hookTimeout: 60_000,
          },
        },
        {
          test: {
            name: 'web',
            include: ['test/web/**/*.test.ts'],
            environment: 'happy-dom',
            // The page's own origin, as if served by `npm start`: its URLs are paths on it.
            environmentOptions: { happyDOM: { url: 'http://127.0.0.1:8791/' } },
          },
        },
      ],
    },
  };
});
