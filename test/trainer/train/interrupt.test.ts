import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StopRequest } from '../../../trainer/train/interrupt.ts';
import { inFreshProcess } from '../../support/fresh-process.ts';

/**
 * Ctrl-C is simulated with process.emit('SIGINT'), which calls the listeners and nothing else.
 * In vitest's own process only the first SIGINT and the quick second are sent, which never reach
 * process.exit; the late second, which does, is sent in a fresh process.
 */

const STOPPING = '\nstopping after this update (Ctrl-C again to quit without saving)';

let listening: StopRequest[] = [];
let listenersBefore = 0;
beforeEach(() => {
  listenersBefore = process.listenerCount('SIGINT');
});
afterEach(() => {
  for (const stop of listening) stop.dispose();
  listening = [];
  // No case leaves a listener of ours behind.
  expect(process.listenerCount('SIGINT')).toBe(listenersBefore);
});

function listen(lines: string[]): StopRequest {
  const stop = StopRequest.listen((line) => lines.push(line));
  listening.push(stop);
  return stop;
}

describe('StopRequest', () => {
  it('is not requested until a SIGINT comes; the first asks to stop and says so', () => {
    const lines: string[] = [];
    const stop = listen(lines);
    expect(stop.requested).toBe(false);
    expect(lines).toEqual([]);
    process.emit('SIGINT');
    expect(stop.requested).toBe(true);
    expect(lines).toEqual([STOPPING]);
  });

  it('ignores a second SIGINT within a second: one Ctrl-C relayed twice', () => {
    const lines: string[] = [];
    const stop = listen(lines);
    process.emit('SIGINT');
    process.emit('SIGINT');
    expect(stop.requested).toBe(true);
    expect(lines).toEqual([STOPPING]);
  });

  it('says what it stops after in the words it is given (the features command: a batch)', () => {
    const lines: string[] = [];
    const stop = StopRequest.listen((line) => lines.push(line), 'stopping after this batch');
    listening.push(stop);
    process.emit('SIGINT');
    expect(lines).toEqual(['\nstopping after this batch']);
  });

  it('listens from listen() until dispose()', () => {
    const lines: string[] = [];
    const stop = listen(lines);
    expect(process.listenerCount('SIGINT')).toBe(listenersBefore + 1);
    stop.dispose();
    expect(process.listenerCount('SIGINT')).toBe(listenersBefore);
    // Disposing twice is harmless.
    stop.dispose();
    expect(process.listenerCount('SIGINT')).toBe(listenersBefore);
  });

  it('keeps each request apart: a disposed one no longer hears SIGINT, the other does', () => {
    const firstLines: string[] = [];
    const secondLines: string[] = [];
    const first = listen(firstLines);
    const second = listen(secondLines);
    first.dispose();
    process.emit('SIGINT');
    expect(first.requested).toBe(false);
    expect(firstLines).toEqual([]);
    expect(second.requested).toBe(true);
    expect(secondLines).toEqual([STOPPING]);
  });

  it('quits at once with code 130 on a second SIGINT more than a second after the first', async () => {
    const result = await inFreshProcess(`
      const { StopRequest } = await import('./trainer/train/interrupt.ts');
      const stop = StopRequest.listen((line) => console.log(JSON.stringify(line)));
      process.emit('SIGINT');
      process.emit('SIGINT');
      console.log(JSON.stringify({ requested: stop.requested }));
      await new Promise((resolve) => setTimeout(resolve, 1100));
      process.emit('SIGINT');
      console.log('still running');
    `);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stdout.trim().split('\n')).toEqual([
      JSON.stringify(STOPPING),
      JSON.stringify({ requested: true }),
    ]);
  });
});
