import { describe, expect, it } from 'vitest';
import { SERVE_OPTIONS } from '../../../cli/commands/serve.ts';
import { START_OPTIONS } from '../../../cli/commands/start.ts';
import { UsageError } from '../../../cli/options/kinds.ts';
import { parseOptions } from '../../../cli/options/option-table.ts';
import { servingOptions } from '../../../cli/options/serving-options.ts';

/** --port and --vectors, shared by start and serve. */

const table = servingOptions('Serving');

function parse(argv: string[]) {
  const parsed = parseOptions(table, argv);
  if (parsed.help) throw new Error('help');
  return parsed.values;
}

describe('servingOptions', () => {
  it('defaults to port 8787 and float32 vectors', () => {
    expect(parse([])).toEqual({ port: 8787, vectors: 'float32' });
  });

  it('takes a port and int8 vectors', () => {
    expect(parse(['--port', '9000', '--vectors', 'int8'])).toEqual({ port: 9000, vectors: 'int8' });
  });

  it('refuses a port out of range and an encoding there is none of', () => {
    expect(() => parse(['--port', '0'])).toThrow(UsageError);
    expect(() => parse(['--port', '65536'])).toThrow(/at most 65535/);
    expect(() => parse(['--vectors', 'int4'])).toThrow(/one of float32, int8/);
  });

  it('puts its flags in the group it is given', () => {
    expect(table.port.group).toBe('Serving');
    expect(servingOptions('Options').vectors.group).toBe('Options');
  });

  it('is what start and serve take, with the same meaning', () => {
    const flags = ['--port', '9001', '--vectors', 'int8'];
    const pair = ['--retrieval', 'a', '--regularities', 'b'];
    for (const parsed of [
      parseOptions(START_OPTIONS, flags),
      parseOptions(SERVE_OPTIONS, [...pair, ...flags]),
    ]) {
      if (parsed.help) throw new Error('help');
      expect([parsed.values.port, parsed.values.vectors]).toEqual([9001, 'int8']);
    }
  });
});
