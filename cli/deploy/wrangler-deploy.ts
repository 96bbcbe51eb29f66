import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { buildWebPage } from '../local/web-page.ts';
import {
  deployConfig,
  parseWranglerToml,
  type VectorizeBinding,
  type WranglerEnvName,
} from './wrangler-config.ts';

/**
 * Switches the worker of an env to what it should serve: `wrangler deploy` with wrangler.toml's
 * env plus this deploy's vars and Vectorize bindings (which change with every model version, so
 * they cannot live in wrangler.toml). Wrangler does the bundling, the upload and the routing; we
 * only hand it a config and credentials.
 */

export interface DeployWorkerOptions {
  env: WranglerEnvName;
  vars: Record<string, string>;
  vectorize: VectorizeBinding[];
  accountId: string;
  apiToken: string;
  /** The API root wrangler calls, with /client/v4 (as wrangler's CLOUDFLARE_API_BASE_URL). */
  apiBaseUrl?: string;
  dryRun?: boolean;
  /** Where wrangler writes the bundle (`--outdir`). */
  outdir?: string;
  log?: (line: string) => void;
}

const ROOT = join(import.meta.dirname, '../..');
const WRANGLER = join(ROOT, 'node_modules/.bin/wrangler');

export class WranglerDeployError extends Error {
  constructor(
    message: string,
    readonly output: string,
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = 'WranglerDeployError';
  }
}

function wranglerEnv(options: DeployWorkerOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CLOUDFLARE_ACCOUNT_ID: options.accountId,
    CLOUDFLARE_API_TOKEN: options.apiToken,
    WRANGLER_SEND_METRICS: 'false',
    // Otherwise a crash asks whether to report it (and would send wrangler's output away).
    WRANGLER_SEND_ERROR_REPORTS: 'false',
    // Miniflare's download of a request.cf sample (workers.cloudflare.com): not needed to deploy,
    // and unreachable offline.
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    // Plain text where wrangler honours it (its error boxes are coloured regardless: stripped).
    FORCE_COLOR: '0',
  };
  // The options decide where the deploy goes: an API base inherited from the shell (or its
  // deprecated name) must not silently redirect it, nor must other credentials.
  delete env.CLOUDFLARE_API_BASE_URL;
  delete env.CF_API_BASE_URL;
  delete env.CF_ACCOUNT_ID;
  delete env.CF_API_TOKEN;
  delete env.CLOUDFLARE_API_KEY;
  delete env.CLOUDFLARE_EMAIL;
  if (options.apiBaseUrl) env.CLOUDFLARE_API_BASE_URL = options.apiBaseUrl.replace(/\/+$/, '');
  return env;
}

function runWrangler(
  args: string[],
  env: NodeJS.ProcessEnv,
  log: ((line: string) => void) | undefined,
): Promise<{ output: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    // stdin closed: wrangler then takes every prompt's non-interactive default.
    const child = spawn(WRANGLER, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let pending = '';
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      output += text;
      if (!log) return;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) log(stripVTControlCharacters(line));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      if (log && pending) log(stripVTControlCharacters(pending));
      resolve({ output, code });
    });
  });
}

export async function deployWorker(options: DeployWorkerOptions): Promise<{ output: string }> {
  // The page goes up with the worker as its static assets (wrangler.toml's [assets]): built from
  // web/ now, so a deploy never ships a stale or missing page.
  await buildWebPage();
  const config = deployConfig(
    parseWranglerToml(await readFile(join(ROOT, 'wrangler.toml'), 'utf8')),
    options.env,
    options.vars,
    options.vectorize,
  );
  // Beside wrangler.toml, so that `main`, the rules' globs and .wrangler/ resolve as they do for
  // wrangler.toml itself (wrangler resolves them against the config's directory).
  const configPath = join(ROOT, `.wrangler-deploy-${options.env}-${randomUUID()}.json`);
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
  try {
    // Provisioning (on by default in wrangler 4.86) would create a missing R2 bucket under the
    // configured name on the way: deploy.ts creates resources explicitly, so a missing one must
    // fail the upload rather than come back empty.
    const args = [
      'deploy',
      '--config',
      configPath,
      '--env',
      options.env,
      '--experimental-provision=false',
    ];
    if (options.dryRun) args.push('--dry-run');
    if (options.outdir) args.push('--outdir', options.outdir);
    const { output: raw, code } = await runWrangler(args, wranglerEnv(options), options.log);
    const output = stripVTControlCharacters(raw);
    if (code !== 0) {
      throw new WranglerDeployError(
        `wrangler deploy --env ${options.env} failed (exit code ${code}):\n${output.trim()}`,
        output,
        code,
      );
    }
    return { output };
  } finally {
    await rm(configPath, { force: true });
  }
}
