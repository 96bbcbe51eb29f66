import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { DevServer } from '../cli/local/serve.ts';

/**
 * How workerd's memory moves while a running worker answers many distinct large documents
 * (bench/worker-memory.ts prints it; test/e2e/worker-memory.test.ts holds it to a bound).
 * Linux only: the memory is read from /proc.
 */

/**
 * The process ids under `pid`, its children's children included. Processes come and go while
 * it reads (a test runner's workerd ends between two reads): one that is gone is left out.
 */
export function descendants(pid: number): number[] {
  const tasks = `/proc/${pid}/task`;
  if (!existsSync(tasks)) return [];
  const children = readdirSync(tasks).flatMap((task) => {
    let list = '';
    try {
      list = readFileSync(`${tasks}/${task}/children`, 'utf8').trim();
    } catch {
      return [];
    }
    return list === '' ? [] : list.split(/\s+/).map(Number);
  });
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** Is `pid` a workerd process (false once it is gone)? */
export function isWorkerd(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'workerd';
  } catch {
    return false;
  }
}

/** The workerd process wrangler dev started. */
export function workerdPid(server: DevServer): number {
  const root = server.process.pid;
  if (root === undefined) throw new Error('wrangler dev has no process id');
  const pid = descendants(root).find(isWorkerd);
  if (pid === undefined) throw new Error('no workerd process under wrangler dev');
  return pid;
}

/** Resident memory of a process, in bytes (VmRSS). */
export function residentBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  const kib = Number(line?.match(/(\d+)\s*kB/)?.[1]);
  if (!Number.isFinite(kib)) throw new Error(`no VmRSS for process ${pid}`);
  return kib * 1024;
}

/**
 * A valid, cheap GraphQL document of about `kib` KiB, different for every `n`: 3,900 aliased
 * fields (within the 12,000-token limit) under a type that does not exist, with long alias
 * names, so that its parsed form is as large as a real document of that size can make it.
 */
export function paddedDocument(n: number, kib: number): string {
  const aliases = 3900;
  const width = Math.max(8, Math.floor((kib * 1024) / aliases) - 8);
  const fields = Array.from(
    { length: aliases },
    (_, i) => `${`a${n}_${i}_`.padEnd(width, 'x')}: name`,
  ).join(' ');
  return `query Q${n} { __type(name: "T${n}") { ${fields} } }`;
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1500));
}

export interface MemoryRun {
  before: number;
  after: number;
  seconds: number;
  /** The HTTP statuses seen, with counts ("200 x1000"). */
  statuses: string;
}

export async function documentMemory(
  server: DevServer,
  options: { documents: number; kib: number },
): Promise<MemoryRun> {
  const pid = workerdPid(server);
  const post = (query: string) =>
    fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query }),
    });
  // Warm: the first requests load the schema and yoga's plugins.
  for (let i = 0; i < 5; i++) await (await post('{ __typename }')).text();
  await settle();
  const before = residentBytes(pid);
  const counts = new Map<number, number>();
  const started = performance.now();
  for (let n = 0; n < options.documents; n++) {
    const res = await post(paddedDocument(n, options.kib));
    await res.text();
    counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
  }
  const seconds = (performance.now() - started) / 1000;
  await settle();
  const after = residentBytes(pid);
  const statuses = [...counts].map(([status, count]) => `${status} x${count}`).join(', ');
  return { before, after, seconds, statuses };
}
