/**
 * `npm test`'s last step: `vitest run`, with the workerd watchdog on (workerd-watchdog.ts).
 * When the watchdog had to kill a stuck workerd (a fault of workerd, not of a test), the files of
 * the workerd project that did not pass are run once more, and the suite passes only if they
 * do. Anything else that failed fails the suite as it is: no other failure is retried.
 *
 *   node --import tsx test/support/run-suite.ts [vitest arguments]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');
/** Where the workerd project's files live (vitest.config.ts); test/core runs in both projects. */
const WORKERD_FOLDERS = ['test/core', 'test/worker', 'test/e2e/worker'];

interface JsonReport {
  testResults: { name: string; status: string; assertionResults: { status: string }[] }[];
}

function vitest(args: string[], env: Record<string, string>): number {
  const run = spawnSync(process.execPath, [VITEST, 'run', ...args], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return run.status ?? 1;
}

function testFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(folder, f));
}

const tag = `${process.pid}-${Date.now()}`;
const watchdogLog = join(tmpdir(), `jointspace-watchdog-${tag}.log`);
const report = join(tmpdir(), `jointspace-vitest-${tag}.json`);
const extra = process.argv.slice(2);
const status = vitest(
  ['--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra],
  { JOINTSPACE_WATCHDOG_LOG: watchdogLog },
);
const killed = existsSync(watchdogLog) ? readFileSync(watchdogLog, 'utf8').trim() : '';
if (status === 0 || killed === '' || !existsSync(report)) {
  rmSync(watchdogLog, { force: true });
  rmSync(report, { force: true });
  process.exit(status);
}

const results = (JSON.parse(readFileSync(report, 'utf8')) as JsonReport).testResults;
rmSync(report, { force: true });
rmSync(watchdogLog, { force: true });
const passes = new Map<string, number>();
for (const r of results) {
  const file = relative(ROOT, r.name);
  // A file whose workerd was killed mid-run is reported 'passed', its tests not run 'pending'.
  const complete = r.status === 'passed' && r.assertionResults.every((t) => t.status !== 'pending');
  if (complete) passes.set(file, (passes.get(file) ?? 0) + 1);
  const failedTests = r.assertionResults.filter((a) => a.status === 'failed').length;
  const workerdFile = WORKERD_FOLDERS.some((f) => file.startsWith(`${f}/`));
  if (r.status !== 'passed' && (failedTests > 0 || !workerdFile)) {
    process.stderr.write(`\n${file} failed on its own (not the watchdog's kill): not run again\n`);
    process.exit(status);
  }
}
// A test/core file passes twice (Node and workerd); every other workerd file once.
const again = WORKERD_FOLDERS.flatMap(testFiles).filter(
  (file) => (passes.get(file) ?? 0) < (file.startsWith('test/core/') ? 2 : 1),
);
process.stderr.write(
  `\nworkerd-watchdog: killed stuck workerd ${killed.split('\n').join(', ')}; running again, once: ${again.join(', ')}\n`,
);
process.exit(
  again.length === 0
    ? status
    : vitest(['--project', 'workerd', ...again], { JOINTSPACE_WATCHDOG_LOG: watchdogLog }),
);
