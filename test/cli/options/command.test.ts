import { afterEach, describe, expect, it, vi } from 'vitest';
import { command } from '../../../cli/options/command.ts';
import { UsageError, wholeNumber } from '../../../cli/options/kinds.ts';
import { helpText, option, toggle } from '../../../cli/options/option-table.ts';
import { stopWasmThreads } from '../../../trainer/tf/wasm-threads.ts';

vi.mock('../../../trainer/tf/wasm-threads.ts', () => ({ stopWasmThreads: vi.fn(async () => {}) }));

const OPTIONS = {
  count: option({
    flag: 'count',
    kind: wholeNumber({ min: 1 }),
    default: 3,
    help: 'how many',
    group: 'Options',
  }),
  loud: toggle({ flag: 'loud', help: 'say more', group: 'Options' }),
};

afterEach(() => {
  vi.restoreAllMocks();
  vi.mocked(stopWasmThreads).mockClear();
});

describe('command', () => {
  it('derives its help from the table, with the title, usage and paragraphs', () => {
    const spec = {
      name: 'count',
      title: 'count things',
      usage: ['jointspace count [--count N]'],
      about: 'Counts.',
      options: OPTIONS,
      epilogue: 'Done.',
      run: async () => {},
    };
    const c = command(spec);
    expect(c.help).toBe(
      helpText({
        title: 'jointspace count: count things',
        usage: spec.usage,
        about: 'Counts.',
        options: OPTIONS,
        epilogue: 'Done.',
      }),
    );
    expect(c.help).toMatch(/--count N +how many \(default 3\)/);
  });

  it('runs with the parsed values, and prints its help instead when asked', async () => {
    const calls: unknown[] = [];
    const c = command({
      name: 'count',
      title: 'count things',
      usage: [],
      options: OPTIONS,
      run: async (call) => {
        calls.push(call);
      },
    });
    await c(['--count', '5']);
    expect(calls).toEqual([
      {
        values: { count: 5, loud: false },
        given: new Set(['count']),
        positionals: [],
      },
    ]);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await c(['--count', '0', '--help']);
    expect(log).toHaveBeenCalledWith(c.help);
    expect(calls).toHaveLength(1);
    await expect(c(['--count', '0'])).rejects.toThrow(
      new UsageError('--count must be at least 1, got 0'),
    );
    expect(calls).toHaveLength(1);
  });

  it('takes positionals only when it says so', async () => {
    const seen: string[][] = [];
    const spec = {
      name: 'x',
      title: 'x',
      usage: [],
      options: OPTIONS,
      run: async ({ positionals }: { positionals: string[] }) => {
        seen.push(positionals);
      },
    };
    await expect(command(spec)(['folder'])).rejects.toMatchObject({
      code: 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL',
    });
    await command({ ...spec, positionals: true })(['folder', '--loud']);
    expect(seen).toEqual([['folder']]);
  });

  it('stops the wasm threads when a computing command ends, however it ends', async () => {
    const compute = command({
      name: 'x',
      title: 'x',
      usage: [],
      options: OPTIONS,
      compute: true,
      run: async ({ values }) => {
        if (values.loud) throw new Error('failed');
      },
    });
    await compute([]);
    expect(stopWasmThreads).toHaveBeenCalledTimes(1);
    await expect(compute(['--loud'])).rejects.toThrow('failed');
    await expect(compute(['--count', 'x'])).rejects.toThrow(UsageError);
    expect(stopWasmThreads).toHaveBeenCalledTimes(3);

    const plain = command({
      name: 'y',
      title: 'y',
      usage: [],
      options: OPTIONS,
      run: async () => {},
    });
    await plain([]);
    expect(stopWasmThreads).toHaveBeenCalledTimes(3);
  });
});
