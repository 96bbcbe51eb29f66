/**
 * A command from its option table: the same parsing, --help and usage errors for every command
 * (demo-world, train, evaluate, export, start, deploy).
 */

import { stopWasmThreads } from '../../trainer/tf/wasm-threads.ts';
import { helpText, type OptionTable, type Parsed, parseOptions } from './option-table.ts';

export interface CommandCall<T extends OptionTable> {
  readonly values: Parsed<T>;
  /** The fields whose flags were given on the command line. */
  readonly given: ReadonlySet<keyof T>;
  readonly positionals: string[];
}

export interface CommandSpec<T extends OptionTable> {
  /** 'train' */
  readonly name: string;
  /** What it does, after its name in the help's first line. */
  readonly title: string;
  /** The ways to call it, one a line. */
  readonly usage: readonly string[];
  /** Paragraphs between the usage and the options. */
  readonly about?: string;
  readonly options: T;
  /** Paragraphs after the options. */
  readonly epilogue?: string;
  /** Arguments that are not flags are taken (deploy's version folder); otherwise refused. */
  readonly positionals?: boolean;
  /**
   * It computes with tfjs: the wasm pool threads are stopped when it ends, as they would
   * otherwise keep the process alive.
   */
  readonly compute?: boolean;
  run(call: CommandCall<T>): Promise<void>;
}

/** `run(argv)` as cli/main.ts calls it, with the help text it prints. */
export type Command = ((argv: string[]) => Promise<void>) & { readonly help: string };

export function command<T extends OptionTable>(spec: CommandSpec<T>): Command {
  const help = helpText({
    title: `jointspace ${spec.name}: ${spec.title}`,
    usage: spec.usage,
    options: spec.options,
    ...(spec.about !== undefined ? { about: spec.about } : {}),
    ...(spec.epilogue !== undefined ? { epilogue: spec.epilogue } : {}),
  });
  const call = async (argv: string[]): Promise<void> => {
    const parsed = parseOptions(spec.options, argv, {
      positionals: spec.positionals === true,
    });
    if (parsed.help) {
      console.log(help);
      return;
    }
    const { values, given, positionals } = parsed;
    await spec.run({ values, given, positionals });
  };
  const run = spec.compute
    ? async (argv: string[]): Promise<void> => {
        try {
          await call(argv);
        } finally {
          await stopWasmThreads();
        }
      }
    : call;
  return Object.assign(run, { help });
}
