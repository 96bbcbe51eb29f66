import { execFile } from 'node:child_process';
import { ROOT } from './run-cli.ts';

export interface FreshProcessResult {
  /** Exit code; null when a signal ended the process (the timeout's SIGTERM, for one). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number | undefined;
}

/**
 * Runs `body` in a new Node process (node --import tsx, in the repository root), for cases that
 * change the whole process: worker_threads patched, signal listeners, process.exit. The body is
 * that of an async function in CommonJS: `await import('./trainer/...ts')` loads the project's
 * sources, `require` Node's modules. An uncaught error exits with code 1 and its stack on
 * stderr; a process still running after `timeout` ms is killed (code null, signal SIGTERM).
 * The process must end by itself: that it does is part of what is tested.
 */
export function inFreshProcess(body: string, timeout = 30_000): Promise<FreshProcessResult> {
  const script = `(async () => {\n${body}\n})().catch((e) => { console.error(e); process.exitCode = 1; });`;
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', '-e', script],
      { cwd: ROOT, timeout },
      (_error, stdout, stderr) => {
        resolve({
          code: child.exitCode,
          signal: child.signalCode,
          stdout,
          stderr,
          pid: child.pid,
        });
      },
    );
  });
}
