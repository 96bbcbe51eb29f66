import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = join(import.meta.dirname, '../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Killed after `timeout` ms: the process did not exit by itself. */
  killed: boolean;
}

/**
 * Runs the real command line, as `npm run jointspace -- ...` does (node --import tsx, one
 * process), and returns its exit code and output; a non-zero exit is a result, not a throw.
 */
export async function cliWithin(timeout: number, ...args: string[]): Promise<CliResult> {
  return cliWithEnv({}, timeout, ...args);
}

/** cliWithin with extra environment variables. */
export async function cliWithEnv(
  env: Record<string, string>,
  timeout: number,
  ...args: string[]
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'cli/main.ts'), ...args],
      { cwd: ROOT, timeout, env: { ...process.env, ...env } },
    );
    return { code: 0, stdout, stderr, killed: false };
  } catch (e) {
    const err = e as { code: number | null; stdout: string; stderr: string; killed?: boolean };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr, killed: err.killed === true };
  }
}

export const cli = (...args: string[]): Promise<CliResult> => cliWithin(45_000, ...args);
