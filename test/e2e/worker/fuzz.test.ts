import { createExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../../worker/graphql/error-codes.ts';
import worker from '../../../worker/index.ts';
import {
  FUZZ_REQUESTS,
  FUZZ_SEED,
  type FuzzCase,
  type FuzzWorld,
  fuzzRequests,
} from '../../support/fuzz-requests.ts';
import { seedDemoModels } from '../../support/seed-models.ts';

/**
 * A seeded fuzz of the worker through its own fetch handler (worker/index.ts's default export;
 * one request in VIA_RUNTIME_EVERY through workerd's dispatch), inside workerd, over the demo
 * models: FUZZ_REQUESTS generated requests (test/support/fuzz-requests.ts: every transport,
 * valid queries with edge arguments, token and structure mutations), each answer checked:
 *
 *   - HTTP status below 500 (a 503 TIMEOUT counts: answers should be fast);
 *   - in a JSON answer's `errors`, every error has a string `extensions.code` of the documented
 *     ones (worker/graphql/error-codes.ts), none is INTERNAL_SERVER_ERROR, and no message or
 *     extension holds a stack trace or a storage key.
 *
 * Failures are collected with the request that caused them and reported together at the end.
 * Then the worker still answers /health and a known search.
 *
 * A longer or different run: a vitest `provide` of `fuzzRequests` / `fuzzSeed` (none is wired
 * yet), or edit FUZZ_REQUESTS / FUZZ_SEED (test/support/fuzz-requests.ts) locally, and run
 * `npx vitest run --project workerd test/e2e/worker/fuzz.test.ts`. The same seed sends the same
 * requests in the same order.
 */

/**
 * Every this many requests goes through workerd's own dispatch (`exports.default.fetch`), the
 * rest straight to the worker's fetch handler (the same function, in the same isolate): the
 * dispatch of vitest-pool-workers 0.15 costs 75 ms a request at best, more as a run goes on,
 * where the handler itself takes about 1 ms for an invalid query and 2 ms for a search; 10,000
 * requests through it would take a quarter of an hour.
 */
const VIA_RUNTIME_EVERY = 250;
/** Requests in flight at once. */
const CONCURRENCY = 4;
/** Past the worker's own 30 s deadline: a request unanswered by then hangs. */
const ANSWER_MS = 35_000;

const models = inject('demoModels');

function worldOf(): FuzzWorld {
  const words = new Set<string>();
  for (const a of Object.values(models.attributes)) {
    words.add(a.colour);
    words.add(a.object);
    words.add(a.setting);
  }
  for (const w of models.sample.caption.toLowerCase().match(/[a-z]+/g) ?? []) words.add(w);
  for (const c of models.analogies) for (const w of [...c.minus, ...c.plus]) words.add(w);
  const imageIds = new Set([models.sample.imageId, ...models.analogies.map((c) => c.imageId)]);
  return {
    imageIds: [...imageIds],
    analogies: models.analogies,
    features: models.sample.features,
    words: [...words],
  };
}

interface Failure {
  problem: string;
  status: number;
  c: FuzzCase;
  body: string;
}

const STACK = /\n\s+at /;
const STORAGE_KEY = /models\//;

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (typeof value === 'object' && value !== null)
    for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** A message with its numbers and long quotes blurred, so that one kind of failure groups once. */
function gist(message: unknown): string {
  return String(message)
    .replace(/\d+/g, 'N')
    .replace(/"[^"]{40,}"/g, '"..."')
    .slice(0, 160);
}

/** What is wrong with one GraphQL error; its code goes into `codes`. */
function errorProblems(error: unknown, codes: Map<string, number>): string[] {
  if (typeof error !== 'object' || error === null) return ['an error that is not an object'];
  const { message, extensions } = error as { message?: unknown; extensions?: { code?: unknown } };
  const problems: string[] = [];
  const code = extensions?.code;
  codes.set(String(code), (codes.get(String(code)) ?? 0) + 1);
  if (typeof code !== 'string')
    problems.push(`an error without a string extensions.code: ${JSON.stringify(gist(message))}`);
  else if (code === 'INTERNAL_SERVER_ERROR')
    problems.push(`an INTERNAL_SERVER_ERROR: ${JSON.stringify(gist(message))}`);
  else if (!ERROR_CODES.includes(code as ErrorCode))
    problems.push(`a code the API does not document: ${code}`);
  for (const s of strings([message, extensions])) {
    if (STACK.test(s)) problems.push(`a stack trace (${code})`);
    if (STORAGE_KEY.test(s)) problems.push(`a storage key (${code})`);
  }
  return problems;
}

/** The GraphQL results in a body: JSON, an event stream's data lines, multipart's JSON parts. */
function resultsOf(type: string, text: string): { results: unknown[]; unreadable?: string } {
  const results: unknown[] = [];
  if (type.includes('text/event-stream') || type.includes('multipart/mixed')) {
    for (const line of text.split(/\r?\n/)) {
      const data = line.startsWith('data:') ? line.slice(5).trim() : line.trim();
      if (!data.startsWith('{')) continue;
      try {
        results.push(JSON.parse(data));
      } catch {
        return { results, unreadable: 'a stream part that is not JSON' };
      }
    }
    return { results };
  }
  const jsonType = type.includes('json');
  if (!jsonType && !/^\s*[[{]/.test(text)) return { results };
  try {
    const parsed: unknown = JSON.parse(text);
    results.push(...(Array.isArray(parsed) ? parsed : [parsed]));
  } catch {
    if (jsonType)
      return { results, unreadable: 'a JSON content type with a body that is not JSON' };
  }
  return { results };
}

type Handler = typeof worker.fetch;

/** One request through the worker's fetch handler, direct or through workerd's dispatch. */
function dispatch(request: Request, viaRuntime: boolean): Promise<Response> {
  if (viaRuntime) return exports.default.fetch(request);
  return worker.fetch(
    request as Parameters<Handler>[0],
    env as Parameters<Handler>[1],
    createExecutionContext(),
  );
}

interface Answer {
  status: number;
  type: string;
  text: string;
}

/** The status, type and whole body of the answer, or 'timeout' after ANSWER_MS. */
async function answer(request: Request, viaRuntime: boolean): Promise<Answer | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ANSWER_MS);
  });
  const read = async (): Promise<Answer> => {
    const res = await dispatch(request, viaRuntime);
    // Bytes, not .text(): workerd warns of .text() on a body whose type is not text.
    const text = new TextDecoder().decode(await res.arrayBuffer());
    return { status: res.status, type: res.headers.get('content-type') ?? '', text };
  };
  try {
    return await Promise.race([read(), late]);
  } finally {
    clearTimeout(timer);
  }
}

function count(map: Map<string, number>, key: string, n = 1): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

function table(map: Map<string, number>): string {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `  ${String(n).padStart(6)}  ${k}`)
    .join('\n');
}

/** Each distinct failure once, with how often it happened and its first request. */
function distinct(failures: readonly Failure[]): string[] {
  const groups = new Map<string, { n: number; first: Failure }>();
  for (const f of failures) {
    const key = `${f.status} ${f.problem}`;
    const g = groups.get(key);
    if (g) g.n++;
    else groups.set(key, { n: 1, first: f });
  }
  return [...groups].map(
    ([key, { n, first }]) =>
      `${key} (${n}x), first at request #${first.c.index} (${first.c.transport}, ${first.c.payload}):\n` +
      `${first.c.excerpt}\n-> ${first.body.slice(0, 600)}`,
  );
}

beforeAll(async () => {
  await seedDemoModels();
});

describe('the worker under fuzzed requests', () => {
  it('answers every request below 500, every error coded, nothing internal leaked', async () => {
    const total = inject('fuzzRequests') ?? FUZZ_REQUESTS;
    const seed = inject('fuzzSeed') ?? FUZZ_SEED;
    const failures: Failure[] = [];
    const transports = new Map<string, number>();
    const payloads = new Map<string, number>();
    const statuses = new Map<string, number>();
    const codes = new Map<string, number>();
    const timeByPayload = new Map<string, number>();
    const runtime = new Map<string, number>();
    const slowest: { ms: number; c: FuzzCase }[] = [];
    let modelRequests = 0;
    const started = Date.now();

    const send = async (c: FuzzCase): Promise<void> => {
      count(transports, c.transport);
      count(payloads, c.payload.replace(/^structure\/.*/, 'structure-mutation'));
      if (c.payload.startsWith('structure/')) count(payloads, `  ${c.payload}`);
      if (c.modelFields > 0) modelRequests++;
      const t0 = Date.now();
      const viaRuntime = c.index % VIA_RUNTIME_EVERY === 0;
      const res = await answer(c.request, viaRuntime);
      const ms = Date.now() - t0;
      // The dispatch's own cost would crowd out the slow requests of the worker.
      if (viaRuntime) count(runtime, 'via exports.default.fetch', ms);
      else {
        slowest.push({ ms, c });
        slowest.sort((a, b) => b.ms - a.ms).splice(10);
        count(timeByPayload, c.payload, ms);
      }
      if (res === 'timeout') {
        failures.push({ problem: `no answer within ${ANSWER_MS} ms`, status: 0, c, body: '' });
        return;
      }
      count(statuses, String(res.status));
      const { type, text } = res;
      const fail = (problem: string) =>
        failures.push({ problem, status: res.status, c, body: text });
      if (res.status >= 500) fail(`HTTP ${res.status}`);
      const { results, unreadable } = resultsOf(type, text);
      if (unreadable) fail(unreadable);
      for (const result of results) {
        const errors = (result as { errors?: unknown } | null)?.errors;
        if (!Array.isArray(errors)) continue;
        for (const problem of new Set(errors.flatMap((e) => errorProblems(e, codes))))
          fail(problem);
      }
    };

    const cases = fuzzRequests(seed, total, worldOf());
    const lane = async () => {
      for (let next = cases.next(); !next.done; next = cases.next()) await send(next.value);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    const seconds = (Date.now() - started) / 1000;

    console.log(
      [
        `fuzz: ${total} requests, seed ${seed}, ${seconds.toFixed(1)} s, ${failures.length} failures`,
        `transports:\n${table(transports)}`,
        `payloads:\n${table(payloads)}`,
        `requests whose document asks for a model field (valid or not): ${modelRequests}`,
        `statuses:\n${table(statuses)}`,
        `error codes (* not in worker/graphql/error-codes.ts):\n${table(
          new Map(
            [...codes].map(([k, n]) => [ERROR_CODES.includes(k as ErrorCode) ? k : `${k} *`, n]),
          ),
        )}`,
        `ms by payload, direct (summed over concurrent requests):\n${table(timeByPayload)}`,
        `ms through workerd's dispatch (${Math.ceil(total / VIA_RUNTIME_EVERY)} requests): ${runtime.get('via exports.default.fetch') ?? 0}`,
        `slowest (direct):\n${slowest.map((s) => `  ${s.ms} ms  #${s.c.index} ${s.c.transport} ${s.c.payload}: ${s.c.excerpt.slice(0, 160).replaceAll('\n', ' ')}`).join('\n')}`,
      ].join('\n'),
    );
    // Soft: the checks below still run, and report, when some answers failed.
    expect.soft(distinct(failures)).toEqual([]);

    const health = await exports.default.fetch(new Request('http://jointspace.test/health'));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
    const known = await exports.default.fetch(
      new Request('http://jointspace.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          query: '{ search(text: "a red car", first: 3) { edges { score node { id } } } }',
        }),
      }),
    );
    expect(known.status).toBe(200);
    const body = (await known.json()) as { data?: { search: { edges: unknown[] } } };
    expect(body.data?.search.edges).toHaveLength(3);
  }, 120_000);
});
