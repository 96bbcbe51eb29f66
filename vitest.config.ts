import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// One runner, two runtimes. core/ must behave identically in Node and in workerd, so its tests
// run in both; trainer/ tests are Node-only; worker/ tests run only inside workerd.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/*.test.ts', 'test/core/**/*.test.ts', 'test/trainer/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.toml' } })],
        test: {
          name: 'workerd',
          include: ['test/core/**/*.test.ts', 'test/worker/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
