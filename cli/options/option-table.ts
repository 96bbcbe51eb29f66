/**
 * A command's options, declared once: one table of flag, field, kind (check), default and help
 * line, from which both the parsing (node:util parseArgs, strict) and the --help text are
 * derived. Tables are plain objects keyed by field, so shared groups of flags are spread into
 * a command's table and mean the same thing wherever they appear; the parsed values are typed
 * from the table.
 *
 *   const OPTIONS = {
 *     epochs: option({ flag: 'epochs', kind: wholeNumber({ min: 1 }), default: 15,
 *                      help: 'passes over the data', group: 'Training' }),
 *     resume: toggle({ flag: 'resume', help: 'continue the run', group: 'Run' }),
 *   };
 *   parseOptions(OPTIONS, argv)  // { help: false, values: { epochs: number; resume: boolean }, ... }
 *
 * Every table understands -h/--help (declared here, once); parseOptions reports it rather than
 * reading the other values, so help is shown even beside a flag that would be refused.
 */

import { parseArgs } from 'node:util';
import { UsageError, type ValueKind } from './kinds.ts';

/** One flag of a command, and how its value is read. */
export interface Option<V> {
  /** The flag without its dashes: 'batch-size' for --batch-size. */
  readonly flag: string;
  /** A one-letter alias: 'h' for -h. */
  readonly short?: string;
  /** The heading it is listed under in help; groups appear in the order of their first option. */
  readonly group: string;
  readonly help: string;
  /** True when the flag takes a value (`--epochs 3`), false for a switch (`--resume`). */
  readonly takesValue: boolean;
  /** The value's placeholder in help: 'N' in `--epochs N`. */
  readonly placeholder: string;
  /** What the value may be, shown before the help line: 'lstm | gru | bow | mean'. */
  readonly describe?: string;
  /** After the help line: '(default 15)', '(default: detected)', '(required)', or ''. */
  readonly note: string;
  /** The value from what parseArgs read for the flag (undefined: not given). */
  read(raw: string | boolean | undefined): V;
}

/** A command's options, keyed by the field each fills. */
export type OptionTable = Readonly<Record<string, Option<unknown>>>;

/** The values a table's options read, one field per option. */
export type Parsed<T extends OptionTable> = { -readonly [K in keyof T]: ReturnType<T[K]['read']> };

interface ValueSpec<T> {
  readonly flag: string;
  readonly kind: ValueKind<T>;
  readonly help: string;
  readonly group: string;
  /** The placeholder in help, when the kind's ('N', 'X') says too little: 'PATH', 'DIR'. */
  readonly value?: string;
  readonly short?: string;
  /** The value when the flag is not given. */
  readonly default?: NoInfer<T>;
  /** How the default reads in help when the value itself says too little ('no limit'), or what happens without the flag when there is no default ('detected'). */
  readonly defaultText?: string;
  /** The flag must be given; a string is a hint added to the error: '(e.g. --data data/demo)'. */
  readonly required?: true | string;
}

/** A flag that takes a value and has a default. */
export function option<T>(spec: ValueSpec<T> & { readonly default: NoInfer<T> }): Option<T>;
/** A flag that must be given. */
export function option<T>(spec: ValueSpec<T> & { readonly required: true | string }): Option<T>;
/** A flag that may be left out: undefined then. */
export function option<T>(spec: ValueSpec<T>): Option<T | undefined>;
export function option<T>(spec: ValueSpec<T>): Option<T | undefined> {
  const { flag, kind, required } = spec;
  if (required !== undefined && spec.default !== undefined) {
    throw new Error(`--${flag} is declared both required and with a default`);
  }
  const placeholder = spec.value ?? kind.placeholder ?? flag.charAt(0).toUpperCase();
  const note =
    required !== undefined
      ? '(required)'
      : spec.defaultText !== undefined
        ? `(default: ${spec.defaultText})`
        : spec.default !== undefined
          ? `(default ${kind.show(spec.default)})`
          : '';
  return {
    flag,
    group: spec.group,
    help: spec.help,
    takesValue: true,
    placeholder,
    note,
    ...(spec.short !== undefined ? { short: spec.short } : {}),
    ...(kind.describe !== undefined ? { describe: kind.describe } : {}),
    read(raw) {
      if (raw === undefined) {
        if (required !== undefined) {
          const hint = typeof required === 'string' ? ` ${required}` : '';
          throw new UsageError(`--${flag} is required${hint}`);
        }
        return spec.default;
      }
      if (typeof raw !== 'string') throw new Error(`--${flag} was read as a switch`);
      return kind.parse(`--${flag}`, raw);
    },
  };
}

/** A switch: false unless given (`--resume`, `--no-progress`). */
export function toggle(spec: {
  readonly flag: string;
  readonly help: string;
  readonly group: string;
  readonly short?: string;
}): Option<boolean> {
  return {
    flag: spec.flag,
    group: spec.group,
    help: spec.help,
    takesValue: false,
    placeholder: '',
    note: '',
    ...(spec.short !== undefined ? { short: spec.short } : {}),
    read(raw) {
      if (typeof raw === 'string') throw new Error(`--${spec.flag} was read as a value`);
      return raw === true;
    },
  };
}

/** -h, --help: understood by every table. */
export const HELP_OPTION: Option<boolean> = toggle({
  flag: 'help',
  short: 'h',
  help: 'this text',
  group: '',
});

function withHelp(table: OptionTable): Option<unknown>[] {
  const options = [...Object.values(table), HELP_OPTION];
  const seen = new Set<string>();
  for (const o of options) {
    for (const name of [`--${o.flag}`, ...(o.short !== undefined ? [`-${o.short}`] : [])]) {
      if (seen.has(name)) throw new Error(`${name} is declared twice`);
      seen.add(name);
    }
  }
  return options;
}

export type ParseResult<T extends OptionTable> =
  | { readonly help: true }
  | {
      readonly help: false;
      readonly values: Parsed<T>;
      /** The fields whose flags were given (a default can't tell). */
      readonly given: ReadonlySet<keyof T>;
      readonly positionals: string[];
    };

/**
 * Reads `argv` against the table: unknown flags, a missing value and positionals (unless
 * allowed) are refused by parseArgs; each value is then checked and defaulted, in the table's
 * order, and the first wrong one is a UsageError naming its flag. With -h/--help nothing else
 * is read.
 */
export function parseOptions<T extends OptionTable>(
  table: T,
  argv: readonly string[],
  config: { readonly positionals?: boolean } = {},
): ParseResult<T> {
  const options = withHelp(table);
  const { values: raw, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: config.positionals === true,
    options: Object.fromEntries(
      options.map((o) => [
        o.flag,
        {
          type: o.takesValue ? ('string' as const) : ('boolean' as const),
          ...(o.short !== undefined ? { short: o.short } : {}),
        },
      ]),
    ),
  });
  const rawOf = (o: Option<unknown>): string | boolean | undefined => {
    const r = raw[o.flag];
    if (Array.isArray(r)) throw new Error(`--${o.flag} was read as a list`);
    return r;
  };
  if (HELP_OPTION.read(rawOf(HELP_OPTION))) return { help: true };
  const values: Record<string, unknown> = {};
  const given = new Set<keyof T>();
  for (const [field, o] of Object.entries(table)) {
    const r = rawOf(o);
    if (r !== undefined) given.add(field);
    values[field] = o.read(r);
  }
  return { help: false, values: values as Parsed<T>, given, positionals };
}

/** Lines no longer than this, where the words allow. */
const WIDTH = 100;

/** `words` in lines of at most `width` characters, where they allow; a token is never split. */
function wrap(tokens: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of tokens) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** '--epochs N', '-h, --help' */
function flagColumn(o: Option<unknown>): string {
  const short = o.short !== undefined ? `-${o.short}, ` : '';
  return `${short}--${o.flag}${o.takesValue ? ` ${o.placeholder}` : ''}`;
}

/**
 * The options part of a help text: each group under its heading, one line per flag (wrapped
 * when long) with its value's placeholder, its choices, its help line and its default in
 * aligned columns. -h, --help ends the last group.
 */
export function optionsHelp(table: OptionTable): string {
  const options = withHelp(table);
  const column = Math.max(...options.map((o) => flagColumn(o).length)) + 4;
  const groups = new Map<string, Option<unknown>[]>();
  for (const o of options) {
    const group = o === HELP_OPTION ? ([...groups.keys()].pop() ?? 'Options') : o.group;
    groups.set(group, [...(groups.get(group) ?? []), o]);
  }
  return [...groups]
    .map(([group, members]) => {
      const lines = members.flatMap((o) => {
        const line = o.describe && o.help ? `${o.describe}: ${o.help}` : o.describe || o.help;
        // The note ('(default float32)') is kept whole, on one line.
        const tokens = [...line.split(/\s+/).filter(Boolean), ...(o.note ? [o.note] : [])];
        const [first = '', ...rest] = wrap(tokens, WIDTH - column);
        const left = `  ${flagColumn(o)}`.padEnd(column);
        return [`${left}${first}`, ...rest.map((l) => `${' '.repeat(column)}${l}`)];
      });
      return `${group}:\n${lines.join('\n')}`;
    })
    .join('\n\n');
}

/** What `jointspace <command> --help` prints. */
export function helpText(spec: {
  /** 'jointspace train: learn the joint space of images and sentences' */
  readonly title: string;
  /** The ways to call it, one a line. */
  readonly usage: readonly string[];
  /** Paragraphs before the options. */
  readonly about?: string;
  readonly options: OptionTable;
  /** Paragraphs after the options. */
  readonly epilogue?: string;
}): string {
  return [
    spec.title,
    spec.usage.map((u) => `  ${u}`).join('\n'),
    spec.about,
    optionsHelp(spec.options),
    spec.epilogue,
  ]
    .filter((part) => part !== undefined && part !== '')
    .join('\n\n');
}
