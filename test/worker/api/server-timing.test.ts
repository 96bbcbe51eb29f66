import { describe, expect, it } from 'vitest';
import { ServerTiming } from '../../../worker/api/server-timing.ts';

// Stage times of one request and the Server-Timing header they become. The clock is workerd's
// own: durations are only checked for their form, and against the real waits they must cover.

/** The header as [stage, milliseconds] pairs, checking each entry's form on the way. */
function stages(header: string): [string, number][] {
  if (header === '') return [];
  return header.split(', ').map((entry) => {
    const match = /^([a-z]+);dur=(\d+\.\d{2})$/.exec(entry);
    expect(match, entry).not.toBeNull();
    return [match![1]!, Number(match![2])];
  });
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('ServerTiming', () => {
  it('starts empty: no header, and attach leaves the response as it is', async () => {
    const timing = new ServerTiming();
    expect(timing.header()).toBe('');
    const response = new Response('body', { status: 201 });
    expect(timing.attach(response)).toBe(response);
    expect(response.headers.has('Server-Timing')).toBe(false);
  });

  it("runs the work and gives back its value, timing it under the stage's name", async () => {
    const timing = new ServerTiming();
    expect(await timing.time('encode', async () => 42)).toBe(42);
    const [[name, ms]] = stages(timing.header()) as [[string, number]];
    expect(name).toBe('encode');
    expect(ms).toBeGreaterThanOrEqual(0);
  });

  it('adds up the times of one stage, and lists stages in the order first timed', async () => {
    const timing = new ServerTiming();
    await timing.time('index', () => wait(30));
    await timing.time('encode', async () => 'x');
    await timing.time('index', () => wait(30));
    const timed = stages(timing.header());
    expect(timed.map(([name]) => name)).toEqual(['index', 'encode']);
    // Two waits of 30 ms: a stage that kept only its last time would show about 30.
    expect(timed[0]![1]).toBeGreaterThanOrEqual(55);
  });

  it('times work that fails, and passes its error on unchanged', async () => {
    const timing = new ServerTiming();
    const error = new Error('the index is down');
    await expect(
      timing.time('index', async () => {
        await wait(20);
        throw error;
      }),
    ).rejects.toBe(error);
    const [[name, ms]] = stages(timing.header()) as [[string, number]];
    expect(name).toBe('index');
    expect(ms).toBeGreaterThanOrEqual(15);
  });

  it('attaches the header to a copy of the response, keeping its status, headers and body', async () => {
    const timing = new ServerTiming();
    await timing.time('encode', async () => undefined);
    const response = new Response('{"data":{}}', {
      status: 400,
      statusText: 'Bad Request',
      headers: { 'content-type': 'application/json' },
    });
    const out = timing.attach(response);
    expect(out).not.toBe(response);
    expect(out.status).toBe(400);
    expect(out.statusText).toBe('Bad Request');
    expect(out.headers.get('content-type')).toBe('application/json');
    expect(out.headers.get('Server-Timing')).toBe(timing.header());
    expect(await out.text()).toBe('{"data":{}}');
    expect(response.headers.has('Server-Timing')).toBe(false);
  });
});
