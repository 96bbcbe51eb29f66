import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { FlatIndexEncoding } from '../../core/model-files.ts';

/**
 * Runs `wrangler dev` (local mode: workerd with simulated R2, no account, no network) on the
 * worker, serving the given model versions, and resolves once it answers /health.
 */

/** The vars that make the worker serve two local model versions from flat index files. */
export function localWorkerVars(
  versions: { retrieval: string; regularities: string },
  encoding: FlatIndexEncoding,
): Record<string, string> {
  return {
    RETRIEVAL_MODEL: versions.retrieval,
    REGULARITIES_MODEL: versions.regularities,
    FLAT_INDEX_ENCODING: encoding,
  };
}

export interface DevServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startWranglerDev(options: {
  port: number;
  vars: Record<string, string>;
  /** Inherit wrangler's output (true for `npm start`), or keep it quiet (benchmarks). */
  showOutput: boolean;
  /** wrangler's state folder (local R2), when not its default .wrangler/state. */
  persistTo?: string;
}): Promise<DevServer> {
  const wrangler = join('node_modules', '.bin', 'wrangler');
  const args = ['dev', '--port', String(options.port), '--ip', '127.0.0.1'];
  if (options.persistTo !== undefined) args.push('--persist-to', options.persistTo);
  for (const [name, value] of Object.entries(options.vars)) args.push('--var', `${name}:${value}`);
  const child = spawn(wrangler, args, {
    stdio: options.showOutput ? 'inherit' : 'ignore',
    env: {
      ...process.env,
      // Offline: no telemetry, and no fetch of the Request.cf object from Cloudflare.
      WRANGLER_SEND_METRICS: 'false',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    },
  });
  const url = `http://127.0.0.1:${options.port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // Ctrl-C first, as a person would; a wrangler that has not exited 10 s later is killed.
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`wrangler dev exited with code ${child.exitCode} before it was ready`);
    try {
      const r = await fetch(`${url}/health`);
      if (r.ok) return { url, process: child, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('wrangler dev did not answer /health within 90 s');
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}
