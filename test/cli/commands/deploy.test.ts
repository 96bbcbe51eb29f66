import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOY_OPTIONS } from '../../../cli/commands/deploy.ts';
import {
  type FakeCloudflareApi,
  startFakeCloudflareApi,
} from '../../support/fake-cloudflare-api.ts';
import { ROOT } from '../../support/run-cli.ts';

/** `jointspace deploy` as an operator runs it: credentials, flags, --status. */

const run = promisify(execFile);
let fake: FakeCloudflareApi;

async function deploy(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'cli/main.ts'), 'deploy', ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
        timeout: 45_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(async () => {
  fake = await startFakeCloudflareApi();
});
afterAll(async () => {
  await fake.close();
});

describe('jointspace deploy', () => {
  it('says which credentials it needs, and what a call lacks', async () => {
    const none = await deploy({}, 'artifacts/some-version');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/set CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN/);
    const creds = {
      CLOUDFLARE_ACCOUNT_ID: fake.accountId,
      CLOUDFLARE_API_TOKEN: fake.token,
      CLOUDFLARE_API_BASE_URL: fake.url,
    };
    expect((await deploy(creds)).stderr).toMatch(
      /give one model version folder, or --rollback SPACE, or --status/,
    );
    expect((await deploy(creds, '--env', 'dev', '--status')).stderr).toMatch(
      /--env must be one of staging, production/,
    );
    expect((await deploy(creds, '--batch-size', '6000', 'x')).stderr).toMatch(/at most 5000/);
    expect((await deploy(creds, '--rollback', 'both')).stderr).toMatch(
      /--rollback must be one of retrieval, regularities; got "both"/,
    );
    expect((await deploy(creds, '--wait-minutes', '0', '--status')).stderr).toMatch(
      /--wait-minutes must be at least 1, got 0/,
    );
    const missing = await deploy(creds, join(ROOT, 'artifacts', 'no-such-version'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/has no manifest.json: not a model version folder/);
  });

  it('--status reads the deployment state (none yet)', async () => {
    const r = await deploy(
      {
        CLOUDFLARE_ACCOUNT_ID: fake.accountId,
        CLOUDFLARE_API_TOKEN: fake.token,
        CLOUDFLARE_API_BASE_URL: fake.url,
      },
      '--status',
      '--env',
      'staging',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('staging (R2 bucket jointspace-models-staging):');
    expect(r.stdout).toMatch(/retrieval\s+\(none\)/);
  });

  it('has help that names every flag', async () => {
    const r = await deploy({}, '--help');
    for (const flag of ['--env', '--batch-size', '--wait-minutes', '--rollback', '--status'])
      expect(r.stdout).toContain(flag);
    for (const o of Object.values(DEPLOY_OPTIONS)) expect(r.stdout).toContain(o.note);
    expect(r.stdout).toMatch(/--batch-size N +.*\(default 1000\)/);
    expect(r.stdout).toMatch(/--env E +staging \| production: .*\(default production\)/);
  });
});
