import { appendFileSync, readFileSync } from 'node:fs';
import { descendants, isWorkerd } from '../../bench/worker-memory-run.ts';

/**
 * A watchdog for a fault of workerd itself, seen in this project's suite now and then (issues
 * #11-#13): a test file's workerd process stops answering and spins at 100% CPU forever. gdb
 * shows its main thread in workerd::IoContext::runImpl, pumping V8's message loop, running
 * cppgc's IncrementalSweepTask again and again: Oilpan's sweeper never finishing, with the
 * platform's worker thread asleep. Nothing a test does can end it, and the suite would hang
 * until CI's limit.
 *
 * Registered as a global setup of the workerd project, it samples every workerd process under
 * vitest once every 5 s. A process that has burned CPU for at least 95 % of a 120 s window is
 * stuck: no test file of the suite runs half that long (the longest, the fuzz run, takes about
 * 20 s), so it cannot be work. It is killed, its pid is written to JOINTSPACE_WATCHDOG_LOG, and
 * vitest reports the file it ran as not passed; test/support/run-suite.ts then runs those files
 * again, once, and says so.
 */

const SAMPLE_MS = 5_000;
// The window can be shortened to check the watchdog itself (never in the suite).
const WINDOW_MS = Number(process.env.JOINTSPACE_WATCHDOG_WINDOW_MS ?? 120_000);
const BUSY_SHARE = 0.95;
const TICKS_PER_SECOND = 100;

/** CPU seconds a process has used (user + system), or null when it is gone. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

export default function setup(): () => void {
  const log = process.env.JOINTSPACE_WATCHDOG_LOG;
  if (log === undefined || process.platform !== 'linux') return () => {};
  const samples = new Map<number, { at: number; cpu: number }[]>();
  const timer = setInterval(() => {
    const now = Date.now();
    for (const pid of descendants(process.pid).filter(isWorkerd)) {
      const cpu = cpuSeconds(pid);
      if (cpu === null) continue;
      const list = samples.get(pid) ?? [];
      list.push({ at: now, cpu });
      while (list.length > 1 && now - (list[1] as { at: number }).at >= WINDOW_MS) list.shift();
      samples.set(pid, list);
      const first = list[0] as { at: number; cpu: number };
      const span = (now - first.at) / 1000;
      if (span * 1000 >= WINDOW_MS && cpu - first.cpu >= BUSY_SHARE * span) {
        process.stderr.write(
          `\nworkerd-watchdog: workerd ${pid} has spun at 100% CPU for ${Math.round(span)} s without answering (workerd's cppgc sweeper livelock): killing it; its test file is run again after the suite\n`,
        );
        appendFileSync(log, `${pid}\n`);
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone already.
        }
        samples.delete(pid);
      }
    }
  }, SAMPLE_MS);
  timer.unref();
  return () => clearInterval(timer);
}
