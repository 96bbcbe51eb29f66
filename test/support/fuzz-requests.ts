import { seededRandom } from './seeded-random.ts';

/**
 * Seeded requests for fuzzing the worker's HTTP and GraphQL surface (test/e2e/worker/fuzz.test.ts).
 * Each request is a real `Request` of one transport (POST JSON, GET, application/graphql, form,
 * other content types and methods, huge bodies, other paths) carrying one payload: a query of the
 * schema with plausible and edge argument values, a token mutation of one, or a structure
 * mutation (deep nesting, aliases, fragments, directives, wrong variables, OneOf, operations the
 * API lacks). The same seed gives the same requests, in the same order.
 *
 * No generated text holds a storage key (`models/`) or a line that reads like a stack frame
 * (newline, indent, `at `): the fuzz test looks for those in every answer, and an answer that
 * quotes the request back must not count as a leak.
 */

/** What the demo models offer to build plausible arguments from. */
export interface FuzzWorld {
  /** Ids of stored images. */
  imageIds: readonly string[];
  /** Analogy cases that have answers. */
  analogies: readonly { imageId: string; minus: readonly string[]; plus: readonly string[] }[];
  /** One stored image's raw CNN features (the model's `featureDimension` values). */
  features: readonly number[];
  /** Words the models know. */
  words: readonly string[];
}

/** How many requests the fuzz test sends, unless vitest provides `fuzzRequests`. */
export const FUZZ_REQUESTS = 10_000;
/** The fuzz test's seed, unless vitest provides `fuzzSeed`. */
export const FUZZ_SEED = 20_240_531;

declare module 'vitest' {
  export interface ProvidedContext {
    /** How many requests the fuzz test sends (default FUZZ_REQUESTS). */
    fuzzRequests?: number;
    /** The fuzz test's seed (default FUZZ_SEED). */
    fuzzSeed?: number;
  }
}

export type Transport =
  | 'post-json'
  | 'post-json-malformed'
  | 'get'
  | 'post-graphql'
  | 'post-form'
  | 'post-other-type'
  | 'other-method'
  | 'huge-body'
  | 'other-path';

export type PayloadKind = 'valid' | 'token-mutation' | 'structure-mutation';

export interface FuzzCase {
  /** 0, 1, 2, ... in the order generated. */
  index: number;
  transport: Transport;
  /** What the document (if any) is: a payload kind, and for structure mutations which one. */
  payload: string;
  /** How many model fields (search, annotate, similar, analogy) the document asks for, valid or not. */
  modelFields: number;
  request: Request;
  /** Method, URL, content type and the first 300 characters of the body, for failure messages. */
  excerpt: string;
}

// ---------------------------------------------------------------------------------------------
// Random choices

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  float(): number {
    return this.next();
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[Math.floor(this.next() * items.length)] as T;
  }
  /** One of the values, each with its weight. */
  weighted<T>(entries: readonly (readonly [number, T])[]): T {
    const total = entries.reduce((s, [w]) => s + w, 0);
    let x = this.next() * total;
    for (const [w, v] of entries) {
      x -= w;
      if (x < 0) return v;
    }
    return (entries[entries.length - 1] as readonly [number, T])[1];
  }
}

// ---------------------------------------------------------------------------------------------
// Values, written either as GraphQL literals or as JSON variables

/** A value written as given: GraphQL and JSON text that no JS value produces (1e400, -0, NaN). */
export class Raw {
  constructor(
    readonly graphql: string,
    readonly json: string = graphql,
  ) {}
}

export type Value = null | boolean | number | string | Raw | Value[] | { [key: string]: Value };

/** Never a storage key or a stack-frame-like line in what is sent (see the top of the file). */
export function clean(text: string): string {
  return text.replaceAll('models/', 'models_/').replace(/\n(\s+)at /g, '\n$1at_ ');
}

function gqlString(s: string): string {
  return JSON.stringify(s);
}

export function literal(v: Value): string {
  if (v === null) return 'null';
  if (v instanceof Raw) return v.graphql;
  if (typeof v === 'string') return gqlString(clean(v));
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  return `{ ${Object.entries(v)
    .map(([k, x]) => `${k}: ${literal(x)}`)
    .join(', ')} }`;
}

export function json(v: Value | undefined): string {
  if (v === undefined || v === null) return 'null';
  if (v instanceof Raw) return v.json;
  if (typeof v === 'string') return JSON.stringify(clean(v));
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null';
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(json).join(',')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(k)}:${json(x)}`)
    .join(',')}}`;
}

const EMOJI = ['🚗', '🐶', '🌊', '👍🏽', '👨‍👩‍👧', '🏳️‍🌈', '🔴', '🚲'];
const NAN_LIKE = [
  'NaN',
  'Infinity',
  '-Infinity',
  'undefined',
  'null',
  'true',
  '0',
  '-0',
  '1e308',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '<unk>',
  '<eos>',
];
const UNKNOWN_WORDS = ['zorblax', 'flibber', 'qwxz', 'antidisestablishmentarianism', 'xyzzy'];

function sentence(r: Rng, world: FuzzWorld, n = r.int(1, 8)): string {
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(r.pick(world.words));
  return words.join(' ');
}

/** A text argument: mostly plausible, often an edge. */
export function text(r: Rng, world: FuzzWorld): string {
  return clean(
    r.weighted<() => string>([
      [30, () => sentence(r, world)],
      [3, () => 'a red car'],
      [3, () => ''],
      [2, () => r.pick([' ', '   ', '\t', '\n', ' \n \t ', '!!!', '...', ',;:'])],
      [3, () => `${sentence(r, world, 3)} ${'red car '.repeat(r.int(20, 130))}`],
      [2, () => 'a'.repeat(r.pick([999, 1000, 1001, 5000]))],
      [2, () => '🚗'.repeat(r.pick([999, 1000, 1001]))],
      [1, () => 'e\u0301'.repeat(r.pick([500, 501]))],
      [4, () => `${r.pick(UNKNOWN_WORDS)} ${r.pick(UNKNOWN_WORDS)}`],
      [3, () => `${sentence(r, world, 2)} ${r.pick(UNKNOWN_WORDS)}`],
      [4, () => `${r.pick(EMOJI)} ${sentence(r, world, 2)} ${r.pick(EMOJI)}`],
      [2, () => EMOJI.join('')],
      [5, () => r.pick(NAN_LIKE)],
      [2, () => `${r.pick(NAN_LIKE)} ${r.pick(world.words)} ${r.pick(NAN_LIKE)}`],
      [1, () => `RED ${sentence(r, world, 2).toUpperCase()}`],
      [1, () => 'rèd çar naïve café'],
      [1, () => '\u0000\u0001\u001f red'],
      [1, () => '\u202e red car \u200b\ufeff'],
      [1, () => 'a red car\nblue dog'],
      [1, () => '\ud800 red \udfff'],
      [1, () => 'red "car" \\ \'dog\' `x` {{y}} %s %n'],
      [1, () => '<script>alert(1)</script> red'],
    ])(),
  );
}

/** An integer argument (first, pool, k): plausible, or an edge of the API's or of Int's range. */
export function intArg(r: Rng): Value {
  if (r.chance(0.65)) return r.pick([1, 2, 3, 4, 5, 10, 20, 50, 100]);
  return r.pick<Value>([
    0,
    1,
    100,
    101,
    -1,
    2 ** 31 - 1,
    2 ** 31,
    -(2 ** 31),
    -(2 ** 31) - 1,
    2 ** 53,
    new Raw('1.5'),
    new Raw('1e3'),
    new Raw('-0'),
    new Raw('99999999999999999999'),
    new Raw('1e400'),
  ]);
}

export function cursorArg(r: Rng): Value {
  return r.pick<Value>([
    btoa('offset:0'),
    btoa('offset:2'),
    btoa('offset:5'),
    btoa('offset:98'),
    btoa('offset:99'),
    btoa('offset:100'),
    btoa('offset:-1'),
    btoa('offset:01'),
    btoa('offset:9999999999'),
    'b2Zmc2V0OjA',
    'b2Zmc2V0OjA==',
    '',
    'not a cursor',
    '%%%',
    '€',
    'x'.repeat(33),
    'x'.repeat(5000),
    null,
  ]);
}

export function imageIdArg(r: Rng, world: FuzzWorld): Value {
  if (r.chance(0.6)) return r.pick(world.imageIds);
  const real = r.pick(world.imageIds);
  return r.pick<Value>([
    'nope.svg',
    '',
    ' ',
    `${real} `,
    `${real}#0`,
    real.toUpperCase(),
    'demo_999999.svg',
    'h:',
    'h:0123456789abcdef',
    '__proto__',
    'constructor',
    '../../etc/passwd',
    '🚗.svg',
    'x'.repeat(5000),
    '\u0000',
  ]);
}

/** A feature vector: the real one, scaled to huge or tiny values, wrong lengths, zeros. */
export function featuresArg(r: Rng, world: FuzzWorld): Value {
  const real = world.features;
  const dim = real.length;
  const fill = (v: Value, n = dim): Value[] => Array.from({ length: n }, () => v);
  return r.weighted<() => Value>([
    [8, () => [...real]],
    [2, () => real.map((x) => x * 1e20)],
    [2, () => real.map((x) => (x > 0 ? 3e38 : x))],
    [2, () => real.map((x) => (x > 0 ? 1e308 : 0))],
    [1, () => real.map((x) => (x > 0 ? -1e308 : 0))],
    [2, () => real.map((x) => x * 1e-45)],
    [1, () => fill(5e-324)],
    [2, () => fill(0)],
    [2, () => fill(new Raw('-0'))],
    [1, () => fill(3.4028235e38)],
    [1, () => [new Raw('1e400'), ...real.slice(1)]],
    [1, () => [...real.slice(0, -1), new Raw('-1e400')]],
    [1, () => [new Raw('NaN'), ...real.slice(1)]],
    [2, () => real.map((x, i) => (i % 2 ? -x : x))],
    [2, () => real.slice(0, r.pick([0, 1, 3, dim - 1]))],
    [2, () => [...real, 0]],
    [1, () => fill(0.5, r.pick([4096, 10_000]))],
    [1, () => [...real.slice(0, 10), null, ...real.slice(11)]],
    [1, () => ['1', ...real.slice(1)]],
    [1, () => [[...real.slice(0, 2)], ...real.slice(2)]],
  ])();
}

/** A list of words for analogy's minus and plus. */
export function wordsArg(r: Rng, world: FuzzWorld): Value {
  return r.weighted<() => Value>([
    [10, () => [r.pick(world.words)]],
    [4, () => []],
    [3, () => [r.pick(world.words), r.pick(world.words)]],
    [3, () => [text(r, world)]],
    [2, () => [r.pick(UNKNOWN_WORDS)]],
    [1, () => ['', ' ']],
    [1, () => Array.from({ length: r.pick([100, 1000]) }, () => r.pick(world.words))],
    [1, () => [sentence(r, world, 60)]],
    [1, () => r.pick(world.words)],
    [1, () => [null]],
    [1, () => null],
  ])();
}

// ---------------------------------------------------------------------------------------------
// Documents

/** The schema's object types, field -> the object type it selects (null: a leaf). */
const TYPES: Record<string, Record<string, string | null>> = {
  Image: { id: null, file: null, split: null, url: null, captions: 'Caption' },
  Caption: { id: null, text: null, imageId: null, split: null },
  QueryText: { tokens: null, unknownWords: null },
  PageInfo: { hasNextPage: null, hasPreviousPage: null, startCursor: null, endCursor: null },
  SearchConnection: { query: 'QueryText', edges: 'ImageEdge', pageInfo: 'PageInfo' },
  ImageEdge: { cursor: null, node: 'Image', score: null },
  AnnotationConnection: { image: 'Image', edges: 'CaptionEdge', pageInfo: 'PageInfo' },
  SimilarConnection: { image: 'Image', edges: 'ImageEdge', pageInfo: 'PageInfo' },
  CaptionEdge: { cursor: null, node: 'Caption', score: null },
  AnalogyResult: { image: 'Image', minus: 'QueryText', plus: 'QueryText', matches: 'AnalogyMatch' },
  AnalogyMatch: { rank: null, score: null, node: 'Image' },
  ServedModels: { retrieval: 'Model', regularities: 'Model' },
  Model: {
    version: null,
    space: null,
    encoder: null,
    dimension: null,
    wordDimension: null,
    featureDimension: null,
    maxTokens: null,
    weights: null,
    vocabulary: 'Vocabulary',
    data: 'TrainingData',
    vectors: 'VectorCounts',
    evaluation: 'Evaluation',
    createdAt: null,
  },
  Vocabulary: { hash: null, size: null, tokenizer: null, minCount: null },
  TrainingData: { name: null, format: null, source: null },
  VectorCounts: { images: null, captions: null, splits: null },
  Evaluation: {
    split: null,
    images: null,
    captions: null,
    annotation: 'RecallTable',
    search: 'RecallTable',
    rsum: null,
  },
  RecallTable: { r1: null, r5: null, r10: null, medianRank: null, meanRank: null },
};

export function selection(r: Rng, type: string, depth = 0): string {
  const fields = Object.entries(TYPES[type] ?? {});
  const n = r.int(1, Math.min(fields.length, depth === 0 ? 3 : 2));
  const chosen = new Map<string, string | null>();
  for (let i = 0; i < n; i++) {
    const [name, sub] = r.pick(fields);
    chosen.set(name, sub);
  }
  const parts = [...chosen].map(([name, sub]) =>
    sub === null ? name : `${name} ${depth > 4 ? '{ __typename }' : selection(r, sub, depth + 1)}`,
  );
  if (r.chance(0.05)) parts.push('__typename');
  return `{ ${parts.join(' ')} }`;
}

interface Arg {
  name: string;
  type: string;
  value: Value;
}

interface RootField {
  name: string;
  args: Arg[];
  selection: string;
}

const MODEL_FIELDS = new Set(['search', 'annotate', 'similar', 'analogy']);

/** A split filter: the stored ones, and names no model has (UNKNOWN_SPLIT), long ones too. */
function splitArg(r: Rng): Value {
  return r.pick(['train', 'val', 'test', 'dev', '', 'x'.repeat(65), 'é'.repeat(40), 'val\u0000']);
}

function rootField(r: Rng, world: FuzzWorld, name: string): RootField {
  const args: Arg[] = [];
  const maybe = (p: number, arg: Arg) => {
    if (r.chance(p)) args.push(arg);
  };
  switch (name) {
    case 'search':
      args.push({ name: 'text', type: 'String!', value: text(r, world) });
      maybe(0.7, { name: 'first', type: 'Int!', value: intArg(r) });
      maybe(0.2, { name: 'after', type: 'String', value: cursorArg(r) });
      maybe(0.2, { name: 'split', type: 'String', value: splitArg(r) });
      return { name, args, selection: selection(r, 'SearchConnection') };
    case 'similar':
      args.push({ name: 'imageId', type: 'ID!', value: imageIdArg(r, world) });
      maybe(0.7, { name: 'first', type: 'Int!', value: intArg(r) });
      maybe(0.2, { name: 'after', type: 'String', value: cursorArg(r) });
      maybe(0.3, { name: 'split', type: 'String', value: splitArg(r) });
      return { name, args, selection: selection(r, 'SimilarConnection') };
    case 'annotate': {
      const image: Value = r.chance(0.6)
        ? { id: imageIdArg(r, world) }
        : { features: featuresArg(r, world) };
      args.push({ name: 'image', type: 'ImageInput!', value: image });
      maybe(0.7, { name: 'first', type: 'Int!', value: intArg(r) });
      maybe(0.2, { name: 'after', type: 'String', value: cursorArg(r) });
      maybe(0.2, { name: 'split', type: 'String', value: splitArg(r) });
      return { name, args, selection: selection(r, 'AnnotationConnection') };
    }
    case 'analogy': {
      const known = r.chance(0.5) ? r.pick(world.analogies) : undefined;
      args.push({
        name: 'imageId',
        type: 'ID!',
        value: known ? known.imageId : imageIdArg(r, world),
      });
      if (known && r.chance(0.7)) {
        args.push({ name: 'minus', type: '[String!]!', value: [...known.minus] });
        args.push({ name: 'plus', type: '[String!]!', value: [...known.plus] });
      } else {
        maybe(0.7, { name: 'minus', type: '[String!]!', value: wordsArg(r, world) });
        maybe(0.7, { name: 'plus', type: '[String!]!', value: wordsArg(r, world) });
      }
      maybe(0.4, { name: 'pool', type: 'Int!', value: intArg(r) });
      maybe(0.4, { name: 'k', type: 'Int!', value: intArg(r) });
      return { name, args, selection: selection(r, 'AnalogyResult') };
    }
    case 'image':
      args.push({ name: 'id', type: 'ID!', value: imageIdArg(r, world) });
      return { name, args, selection: selection(r, 'Image') };
    case 'models':
      return { name, args, selection: selection(r, 'ServedModels') };
    case '__type':
      args.push({ name: 'name', type: 'String!', value: r.pick(['Query', 'Image', 'Nope', '']) });
      return { name, args, selection: '{ name kind fields { name } }' };
    case '__schema':
      return { name, args, selection: '{ queryType { name } types { name } }' };
    default:
      return { name, args, selection: '' };
  }
}

export interface Payload {
  query: string;
  variables?: Record<string, Value>;
  operationName?: string;
  /** Model fields asked for. */
  modelFields: number;
}

/** A document of the schema: 1 to 3 root fields (rarely more), literals or variables. */
export function validPayload(r: Rng, world: FuzzWorld): Payload {
  const count = r.weighted([
    [70, 1],
    [20, 2],
    [8, 3],
    [2, 6],
  ]);
  const fields: RootField[] = [];
  for (let i = 0; i < count; i++) {
    const name = r.weighted([
      [14, 'search'],
      [10, 'annotate'],
      [8, 'similar'],
      [10, 'analogy'],
      [18, 'image'],
      [14, 'models'],
      [4, '__typename'],
      [1, '__type'],
      [1, '__schema'],
    ]);
    fields.push(rootField(r, world, name));
  }
  const useVariables = r.chance(0.4);
  const definitions: string[] = [];
  const variables: Record<string, Value> = {};
  const body = fields.map((f, i) => {
    const alias = fields.length > 1 ? `f${i}: ` : '';
    const args = f.args.map((a) => {
      if (!useVariables) return `${a.name}: ${literal(a.value)}`;
      const v = `${a.name}${i}`;
      definitions.push(`$${v}: ${a.type}`);
      variables[v] = a.value;
      return `${a.name}: $${v}`;
    });
    return `${alias}${f.name}${args.length ? `(${args.join(', ')})` : ''} ${f.selection}`;
  });
  const name = r.chance(0.3) ? 'Fuzz' : undefined;
  const head = definitions.length || name ? `query ${name ?? ''}(${definitions.join(', ')}) ` : '';
  const query = `${head.replace('()', '')}{ ${body.join(' ')} }`;
  return {
    query,
    ...(useVariables && definitions.length ? { variables } : {}),
    ...(name && r.chance(0.5) ? { operationName: name } : {}),
    modelFields: fields.filter((f) => MODEL_FIELDS.has(f.name)).length,
  };
}

const TOKEN =
  /\.\.\.|"(?:[^"\\\n]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[_A-Za-z]\w*|\s+|[\s\S]/g;
const RANDOM_TOKENS = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ':',
  '=',
  '!',
  '|',
  '&',
  '$x',
  '...',
  '@skip',
  '@include(if: true)',
  'query',
  'mutation',
  'fragment',
  'on',
  '"str"',
  '"""block"""',
  '1e400',
  '2147483648',
  '-0',
  'null',
  'true',
  '__typename',
  'search',
  'annotate',
  '#',
];
const RANDOM_CHARS = [
  ...'{}()[]:$@!=.|&"\\#,-+eE0123456789abcxyz _\t\n\r',
  '\u0000',
  '\ufeff',
  '\u2028',
  '🚗',
  'é',
];

/** 1 to 4 edits of a document's tokens: delete, duplicate, swap, insert characters, truncate. */
export function tokenMutation(r: Rng, world: FuzzWorld): Payload {
  const base = validPayload(r, world);
  let tokens: string[] = [...(base.query.match(TOKEN) ?? [])];
  const edits = r.int(1, 4);
  for (let e = 0; e < edits && tokens.length > 0; e++) {
    const i = r.int(0, tokens.length - 1);
    const op = r.pick(['delete', 'duplicate', 'swap', 'insert', 'replace', 'truncate'] as const);
    if (op === 'delete') tokens.splice(i, 1);
    else if (op === 'duplicate') tokens.splice(i, 0, tokens[i] as string);
    else if (op === 'swap') {
      const j = r.int(0, tokens.length - 1);
      [tokens[i], tokens[j]] = [tokens[j] as string, tokens[i] as string];
    } else if (op === 'insert') {
      let chars = '';
      for (let k = r.int(1, 3); k > 0; k--) chars += r.pick(RANDOM_CHARS);
      tokens.splice(i, 0, chars);
    } else if (op === 'replace') tokens[i] = r.pick(RANDOM_TOKENS);
    else tokens = tokens.slice(0, i);
  }
  return { ...base, query: clean(tokens.join('')) };
}

function nest(open: string, inner: string, close: string, depth: number): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

const DEPTHS = [20, 21, 39, 40, 41, 64, 500, 5000];

/** Documents built to hit the limits and the odd corners of GraphQL, each named by its kind. */
export function structureMutation(r: Rng, world: FuzzWorld): Payload & { kind: string } {
  const id = r.pick(world.imageIds);
  const search = `search(text: ${gqlString(sentence(r, world, 3))}, first: 2) { edges { score } }`;
  const cheap = r.pick([
    '__typename',
    'models { retrieval { version } }',
    `image(id: ${gqlString(id)}) { id }`,
  ]);
  const kinds: [number, () => Payload & { kind: string }][] = [
    [
      4,
      () => ({
        kind: 'deep-selection',
        query: nest('{ ... on Query ', '{ __typename }', ' }', r.pick(DEPTHS)),
        modelFields: 0,
      }),
    ],
    [
      2,
      () => ({
        kind: 'deep-fields',
        query: nest('{ a ', '{ b }', ' }', r.pick(DEPTHS)),
        modelFields: 0,
      }),
    ],
    [
      2,
      () => ({
        kind: 'deep-list',
        query: `{ analogy(imageId: ${gqlString(id)}, plus: ${nest('[', '"red"', ']', r.pick(DEPTHS))}) { matches { rank } } }`,
        modelFields: 1,
      }),
    ],
    [
      2,
      () => ({
        kind: 'deep-input',
        query: `{ annotate(image: ${nest('{ id: ', '"x"', ' }', r.pick(DEPTHS))}) { edges { score } } }`,
        modelFields: 1,
      }),
    ],
    [
      1,
      () => ({
        kind: 'deep-brackets',
        query: r.pick(['{', '(', '[']).repeat(r.pick([10_000, 100_000])),
        modelFields: 0,
      }),
    ],
    [
      4,
      () => {
        const n = r.pick([2, 5, 6, 20, 21, 100, 1000, 2500]);
        const field = r.pick([cheap, search]);
        const model = field === search;
        return {
          kind: 'aliases',
          query: `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`,
          modelFields: model ? n : 0,
        };
      },
    ],
    [
      2,
      () => ({
        kind: 'same-field-repeated',
        query: `{ ${Array.from({ length: r.pick([2, 50, 1000]) }, () => cheap).join(' ')} }`,
        modelFields: 0,
      }),
    ],
    [
      4,
      () => ({
        kind: 'fragments',
        query: r.pick([
          '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }',
          '{ ...A } fragment A on Query { __typename ...A }',
          '{ models { ...M } } fragment M on ServedModels { retrieval { version } ...M }',
          '{ ...Nope }',
          '{ __typename } fragment Unused on Query { __typename }',
          `{ ...F } fragment F on Image { id }`,
          `{ ...F } fragment F on Query { ${search} }`,
          `{ ...F ...F } fragment F on Query { ${cheap} } fragment F on Query { __typename }`,
          `{ search(text: "red car", first: 2) { ...E } } fragment E on SearchConnection { edges { score node { ...I } } } fragment I on Image { id captions { text } }`,
          '{ ... on Image { id } }',
          '{ ... on Nope { id } }',
          `{ ... { ${cheap} } }`,
          'fragment A on Query { __typename }',
        ]),
        modelFields: 1,
      }),
    ],
    [
      2,
      () => {
        // Each fragment spreads the next twice: 2^n paths through the document. Kept to 16:
        // the worker's depth rule walks every path (about 0.5 s at n = 22, doubling with each).
        const n = r.pick([4, 8, 12, 16]);
        const frags = Array.from(
          { length: n },
          (_, i) =>
            `fragment F${i} on Query { ${i + 1 < n ? `...F${i + 1} ... on Query { ...F${i + 1} }` : cheap} }`,
        );
        return { kind: 'fragment-fanout', query: `{ ...F0 } ${frags.join(' ')}`, modelFields: 0 };
      },
    ],
    [
      3,
      () => ({
        kind: 'directives',
        query: r.pick([
          `{ ${cheap} @skip(if: true) }`,
          `{ ${cheap} @include(if: false) __typename }`,
          `query($v: Boolean!) { ${cheap} @include(if: $v) }`,
          `{ ${cheap} @unknown }`,
          `{ ${cheap} @skip }`,
          `{ ${cheap} @skip(if: "yes") }`,
          `{ ${cheap} @deprecated }`,
          `{ ${cheap} @oneOf }`,
          `query @skip(if: true) { ${cheap} }`,
          `{ ${cheap} @skip(if: false) @skip(if: false) }`,
          `{ ${cheap} ${'@include(if: true) '.repeat(r.pick([10, 1000]))}}`,
          `{ ${search.replace('first: 2', 'first: 2 @skip(if: true)')} }`,
          `{ ...F @include(if: false) } fragment F on Query @skip(if: false) { ${cheap} }`,
        ]),
        variables: r.chance(0.5) ? { v: r.pick<Value>([true, 'yes', null, 1]) } : undefined,
        modelFields: 0,
      }),
    ],
    [
      6,
      () => {
        const [query, variables] = r.pick<[string, Record<string, Value> | undefined]>([
          ['query($f: Int!) { search(text: "red", first: $f) { edges { score } } }', { f: '10' }],
          ['query($f: Int!) { search(text: "red", first: $f) { edges { score } } }', { f: 1.5 }],
          ['query($f: Int!) { search(text: "red", first: $f) { edges { score } } }', { f: null }],
          ['query($f: Int!) { search(text: "red", first: $f) { edges { score } } }', { f: [1] }],
          ['query($f: Int!) { search(text: "red", first: $f) { edges { score } } }', { f: {} }],
          ['query($t: String!) { search(text: $t) { edges { score } } }', { t: 123 }],
          ['query($t: String!) { search(text: $t) { edges { score } } }', { t: ['red'] }],
          ['query($t: String!) { search(text: $t) { edges { score } } }', { t: true }],
          ['query($f: String) { search(text: "red", first: $f) { edges { score } } }', { f: 'x' }],
          ['query($t: Nope) { search(text: $t) { edges { score } } }', { t: 'red' }],
          ['query($t: String! = 5) { search(text: $t) { edges { score } } }', {}],
          ['query($t: String!, $t: String!) { search(text: $t) { edges { score } } }', { t: 'a' }],
          ['{ search(text: $undeclared) { edges { score } } }', { undeclared: 'red' }],
          ['query($unused: Int) { __typename }', { unused: 'x', extra: 1 }],
          [
            'query($i: ImageInput!) { annotate(image: $i) { edges { score } } }',
            { i: { id: id, features: [...world.features] } },
          ],
          ['query($i: ImageInput!) { annotate(image: $i) { edges { score } } }', { i: {} }],
          ['query($i: ImageInput!) { annotate(image: $i) { edges { score } } }', { i: id }],
          [
            'query($i: ImageInput!) { annotate(image: $i) { edges { score } } }',
            { i: { id: null } },
          ],
          [
            'query($i: ImageInput!) { annotate(image: $i) { edges { score } } }',
            { i: { id: id, nope: 1 } },
          ],
          [
            'query($f: [Float!]) { annotate(image: { features: $f }) { edges { score } } }',
            { f: 'abc' },
          ],
          [
            'query($f: [Float!]) { annotate(image: { features: $f }) { edges { score } } }',
            { f: [new Raw('1e400')] },
          ],
          [
            'query($f: [Float!]) { annotate(image: { features: $f }) { edges { score } } }',
            { f: null },
          ],
          [
            'query($p: [String!]!) { analogy(imageId: "x", plus: $p) { matches { rank } } }',
            {
              p: [1, 2],
            },
          ],
          ['query($id: ID!) { image(id: $id) { id } }', { id: 12345 }],
          ['query($id: ID!) { image(id: $id) { id } }', { id: 1.5 }],
          ['query($id: ID!) { image(id: $id) { id } }', { id: { a: 1 } }],
        ]);
        return {
          kind: 'variable-types',
          query,
          ...(variables ? { variables } : {}),
          modelFields: /search|annotate|analogy/.test(query) ? 1 : 0,
        };
      },
    ],
    [
      3,
      () => ({
        kind: 'oneof',
        query: `{ annotate(image: ${r.pick([
          `{ id: ${gqlString(id)}, features: [1, 2, 3] }`,
          '{}',
          '{ id: null }',
          '{ features: null }',
          `{ id: ${gqlString(id)}, features: null }`,
          `{ id: ${gqlString(id)}, nope: 1 }`,
          `${gqlString(id)}`,
          '[]',
          'null',
        ])}) { edges { score } } }`,
        modelFields: 1,
      }),
    ],
    [
      3,
      () => {
        const declared = r.pick([
          ['query($t: String!) { search(text: $t) { edges { score } } }', 'search'],
          ['query($id: ID!) { image(id: $id) { id } }', 'image'],
          ['query($i: ImageInput!) { annotate(image: $i) { edges { score } } }', 'annotate'],
          ['query($f: Int!) { search(text: "red", first: $f) { edges { score } } }', 'search'],
        ] as const);
        return {
          kind: 'missing-variables',
          query: declared[0],
          ...(r.chance(0.5) ? { variables: {} } : {}),
          modelFields: declared[1] === 'image' ? 0 : 1,
        };
      },
    ],
    [
      3,
      () => {
        const n = r.pick([
          '2147483648',
          '-2147483649',
          '99999999999999999999',
          '1e10',
          '4294967296',
        ]);
        const useVar = r.chance(0.5);
        const value = r.pick<Value>([2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, 1e308, -1e308]);
        const field = r.pick([
          'search(text: "red", first: X)',
          `analogy(imageId: ${gqlString(id)}, pool: X, k: X)`,
        ]);
        const select = field.startsWith('search') ? '{ edges { score } }' : '{ matches { rank } }';
        return useVar
          ? {
              kind: 'int-range',
              query: `query($n: Int!) { ${field.replaceAll('X', '$n')} ${select} }`,
              variables: { n: value },
              modelFields: 1,
            }
          : {
              kind: 'int-range',
              query: `{ ${field.replaceAll('X', n)} ${select} }`,
              modelFields: 1,
            };
      },
    ],
    [
      3,
      () => {
        const [query, operationName] = r.pick<[string, string | undefined]>([
          [`mutation { ${cheap} }`, undefined],
          [`mutation M { ${search} }`, 'M'],
          [`subscription { ${cheap} }`, undefined],
          [`subscription S { ${search} }`, 'S'],
          [`query A { ${cheap} } mutation B { __typename }`, 'B'],
          [`query A { ${cheap} } query B { __typename }`, undefined],
          [`query A { ${cheap} } query B { __typename }`, 'C'],
          [`query A { ${cheap} } query A { __typename }`, 'A'],
          [`{ ${cheap} } { __typename }`, undefined],
          ['mutation { __typename } subscription { __typename }', undefined],
        ]);
        return {
          kind: 'operations',
          query,
          ...(operationName ? { operationName } : {}),
          modelFields: query.includes('search(') ? 1 : 0,
        };
      },
    ],
    [
      3,
      () => ({
        kind: 'odd-documents',
        query: r.pick([
          '',
          ' ',
          '# only a comment',
          '{}',
          '{ }',
          'query',
          '{ search }',
          '{ search { edges { score } } }',
          '{ search(text: "red") }',
          '{ nope }',
          '{ models }',
          '{ search(text: "a", text: "b") { edges { score } } }',
          '{ search(text: "a", nope: 1) { edges { score } } }',
          '{ image(id: "x") { id id id nope } }',
          '{ a: image(id: "x") { id } a: image(id: "y") { id } }',
          '{ a: image(id: "x") { id } a: models { __typename } }',
          '\ufeff{ __typename }',
          `{ __typename } #${'x'.repeat(r.pick([1000, 100_000]))}`,
          `{ image(id: """${'x'.repeat(100)}""") { id } }`,
          '{ search(text: "unterminated) { edges { score } } }',
          '{ search(text: "\\uD800") { edges { score } } }',
          '{ search(text: "\\u{1F697} red") { edges { score } } }',
          '{ __schema { types { name fields { name type { name ofType { name } } } } } }',
          '{ __type(name: 123) { name } }',
          '{ __typename(x: 1) }',
          '{ models { retrieval { evaluation { search { r1 } } } } }',
          'null',
          '[]',
          '"string"',
          '12345',
          '{ search(text: "red", first: 1.0) { edges { score } } }',
          '{ search(text: "red", first: NaN) { edges { score } } }',
          '{ search(text: red) { edges { score } } }',
          '{ annotate(image: { features: [1e400, -1e400] }) { edges { score } } }',
          '{ annotate(image: { features: [NaN] }) { edges { score } } }',
        ]),
        modelFields: 0,
      }),
    ],
    [
      2,
      () => ({
        kind: 'many-tokens',
        query: `{ annotate(image: { features: [${Array.from({ length: r.pick([5000, 11_000, 13_000]) }, () => '0.5').join(', ')}] }) { edges { score } } }`,
        modelFields: 1,
      }),
    ],
  ];
  const made = r.weighted(kinds)();
  return { ...made, query: clean(made.query) };
}

export function payloadOf(r: Rng, world: FuzzWorld): Payload & { kind: string } {
  const kind = r.weighted<PayloadKind>([
    [35, 'valid'],
    [30, 'token-mutation'],
    [35, 'structure-mutation'],
  ]);
  if (kind === 'valid') return { ...validPayload(r, world), kind };
  if (kind === 'token-mutation') return { ...tokenMutation(r, world), kind };
  const s = structureMutation(r, world);
  return { ...s, kind: `structure/${s.kind}` };
}

// ---------------------------------------------------------------------------------------------
// Transports

export const ORIGIN = 'http://jointspace.test';

const ACCEPTS = [
  'application/graphql-response+json',
  'application/graphql-response+json, application/json;q=0.9',
  '*/*',
  'text/html',
  'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'text/event-stream',
  'multipart/mixed',
  'multipart/mixed; deferSpec=20220824, application/json',
  'application/xml',
  'text/plain',
  'image/png',
  'application/json;q=0',
  'application/json; charset=utf-16',
  '',
  ';;;q=abc, ,',
  'application/*',
  `application/json, ${'x/y, '.repeat(800)}`,
];

const OTHER_TYPES = [
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/xml',
  'application/octet-stream',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'multipart/form-data',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/jsonx',
  'application/graphql-response+json',
  'application/graphql; charset=latin1',
  'application/ld+json',
  '*/*',
  ';;;',
  '',
];

interface Shape {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | ReadableStream<Uint8Array> | FormData;
  /** The body as text, for the excerpt (a stream's or a form's content). */
  bodyText?: string;
}

function jsonBody(p: Payload): string {
  const parts = [`"query":${JSON.stringify(p.query)}`];
  if (p.variables !== undefined) parts.push(`"variables":${json(p.variables)}`);
  if (p.operationName !== undefined)
    parts.push(`"operationName":${JSON.stringify(p.operationName)}`);
  return `{${parts.join(',')}}`;
}

function variablesText(p: Payload): string | undefined {
  return p.variables === undefined ? undefined : json(p.variables);
}

function queryString(params: [string, string][]): string {
  return params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

function malformedJson(r: Rng, p: Payload): string {
  const good = jsonBody(p);
  const q = JSON.stringify(p.query);
  return clean(
    r.pick([
      () => good.slice(0, r.int(0, good.length - 1)),
      () => `${good.slice(0, -1)},}`,
      () => good.replaceAll('"', "'"),
      () => `\ufeff${good}`,
      () => `${good}${good}`,
      () => `${good} trailing`,
      () => 'null',
      () => 'true',
      () => '123',
      () => '"a string"',
      () => '[]',
      () => `[${good}]`,
      () => `[${good},${good}]`,
      () => `[${good},1,null]`,
      () => `[[${good}]]`,
      () => '{}',
      () => '{"query":null}',
      () => '{"query":123}',
      () => `{"query":[${q}]}`,
      () => `{"query":{"a":${q}}}`,
      () => '{"query":""}',
      () => `{"query":${q},"variables":"not an object"}`,
      () => `{"query":${q},"variables":${JSON.stringify(variablesText(p) ?? '{}')}}`,
      () => `{"query":${q},"variables":5}`,
      () => `{"query":${q},"variables":[1,2]}`,
      () => `{"query":${q},"variables":null}`,
      () => `{"query":${q},"operationName":5}`,
      () => `{"query":${q},"operationName":["a"]}`,
      () => `{"query":${q},"extensions":"x"}`,
      () => `{"query":${q},"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`,
      () => `{"query":${q},"query":"{ __typename }"}`,
      () => `{"__proto__":{"query":${q}}}`,
      () => `{"query":${q},"variables":{"__proto__":{"t":"red"}}}`,
      () => `${'['.repeat(r.pick([1000, 100_000]))}`,
      () => `{"query":${q},"variables":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`,
      () => '',
      () => ' ',
      () => '\u0000',
      () => '{"query":"\\ud800"}',
    ])(),
  );
}

function transportOf(r: Rng): Transport {
  return r.weighted<Transport>([
    [42, 'post-json'],
    [9, 'post-json-malformed'],
    [17, 'get'],
    [8, 'post-graphql'],
    [7, 'post-form'],
    [7, 'post-other-type'],
    [6, 'other-method'],
    [0.6, 'huge-body'],
    [1.5, 'other-path'],
  ]);
}

/** Over MAX_REQUEST_BYTES (256 KiB), or just under it. */
function hugeBody(r: Rng, p: Payload): Shape {
  const size = r.pick([255 * 1024, 257 * 1024, 300 * 1024, 1024 * 1024]);
  const pad = (n: number) => 'x'.repeat(Math.max(0, n));
  const kind = r.pick(['json-comment', 'json-variables', 'graphql', 'form', 'stream'] as const);
  if (kind === 'json-comment') {
    const query = `${p.query}\n#${pad(size)}`;
    return jsonPost(jsonBody({ ...p, query }));
  }
  if (kind === 'json-variables') {
    const n = Math.ceil(size / 4);
    const body = `{"query":"query($f: [Float!]) { annotate(image: { features: $f }) { edges { score } } }","variables":{"f":[${Array.from({ length: n }, () => '0.5').join(',')}]}}`;
    return jsonPost(body);
  }
  if (kind === 'graphql') {
    const body = `${p.query} #${pad(size)}`;
    return {
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/graphql' },
      body,
    };
  }
  if (kind === 'form') {
    const body = queryString([['query', `${p.query} #${pad(size)}`]]);
    return {
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    };
  }
  // A body of unknown length, in chunks: no content-length to refuse it by.
  const text = jsonBody({ ...p, query: `${p.query}\n#${pad(size)}` });
  const bytes = new TextEncoder().encode(text);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 16 * 1024)
        controller.enqueue(bytes.slice(i, i + 16 * 1024));
      controller.close();
    },
  });
  return {
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json' },
    body: stream,
    bodyText: text,
  };
}

function jsonPost(body: string): Shape {
  return {
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json' },
    body,
  };
}

function multipart(r: Rng, p: Payload): Shape {
  const boundary = 'fuzz';
  const operations = jsonBody(p);
  const body = r.pick([
    `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{}\r\n--${boundary}--\r\n`,
    `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.file"]}\r\n--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${boundary}--\r\n`,
    `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\nnot json\r\n--${boundary}--\r\n`,
    `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\nnot json\r\n--${boundary}--\r\n`,
    `--${boundary}\r\nno headers at all`,
    'garbage without boundaries',
    '',
  ]);
  return {
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
  };
}

function shapeOf(r: Rng, transport: Transport, p: Payload, world: FuzzWorld): Shape {
  switch (transport) {
    case 'post-json':
      return jsonPost(jsonBody(p));
    case 'post-json-malformed':
      return jsonPost(malformedJson(r, p));
    case 'get': {
      const params: [string, string][] = [['query', p.query]];
      const vars = variablesText(p);
      if (vars !== undefined) params.push(['variables', vars]);
      if (p.operationName !== undefined) params.push(['operationName', p.operationName]);
      const odd = r.weighted<() => void>([
        [70, () => {}],
        [3, () => params.push(['variables', '{bad json'])],
        [2, () => params.push(['variables', 'null'])],
        [2, () => params.push(['variables', '[1,2]'])],
        [2, () => params.push(['variables', '"str"'])],
        [2, () => params.push(['variables', ''])],
        [3, () => params.push(['extensions', '{bad'])],
        [2, () => params.push(['extensions', '5'])],
        [2, () => params.push(['extensions', '{"persistedQuery":{"version":1,"sha256Hash":"0"}}'])],
        [2, () => params.push(['query', '{ __typename }'])],
        [2, () => params.splice(0, 1)],
        [2, () => params.push(['operationName', ''])],
        [1, () => params.push(['', ''])],
      ]);
      odd();
      let search = queryString(params.map(([k, v]) => [k, clean(v)]));
      if (r.chance(0.02))
        search += r.pick(['&%ZZ=1', '&query=%E0%A4%A', '&&&', '&=', '&variables=%7B']);
      return { method: 'GET', path: `/graphql?${search}`, headers: {} };
    }
    case 'post-graphql':
      return {
        method: 'POST',
        path: '/graphql',
        headers: {
          'content-type': r.pick([
            'application/graphql',
            'application/graphql; charset=utf-8',
            'application/graphql+json',
          ]),
        },
        body: p.query,
      };
    case 'post-form': {
      const params: [string, string][] = [['query', p.query]];
      const vars = variablesText(p);
      if (vars !== undefined) params.push(['variables', r.chance(0.1) ? '{bad' : vars]);
      if (p.operationName !== undefined) params.push(['operationName', p.operationName]);
      if (r.chance(0.05)) params.push(['extensions', r.pick(['{bad', '5', '{}'])]);
      return {
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: queryString(params.map(([k, v]) => [k, clean(v)])),
      };
    }
    case 'post-other-type': {
      if (r.chance(0.25)) return multipart(r, p);
      if (r.chance(0.1)) {
        const form = new FormData();
        form.set('query', p.query);
        const vars = variablesText(p);
        if (vars !== undefined) form.set('variables', vars);
        return {
          method: 'POST',
          path: '/graphql',
          headers: {},
          body: form,
          bodyText: `FormData query=${p.query} variables=${vars ?? ''}`,
        };
      }
      const type = r.pick(OTHER_TYPES);
      return {
        method: 'POST',
        path: '/graphql',
        headers: type === '' ? {} : { 'content-type': type },
        body: r.chance(0.5) ? jsonBody(p) : p.query,
      };
    }
    case 'other-method': {
      const method = r.pick(['PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'PROPFIND']);
      const bodyless = method === 'HEAD';
      return {
        method,
        path: r.chance(0.7) ? '/graphql' : `/graphql?${queryString([['query', p.query]])}`,
        headers: r.chance(0.7) ? { 'content-type': 'application/json' } : {},
        ...(bodyless || r.chance(0.2) ? {} : { body: jsonBody(p) }),
      };
    }
    case 'huge-body':
      return hugeBody(r, p);
    case 'other-path': {
      const path = r.pick([
        '/',
        '/health',
        '/graphql/',
        '/GRAPHQL',
        '/graphiql',
        '/graphql/extra',
        '//graphql',
        '/%2e%2e/graphql',
        '/nope',
        `/${'x'.repeat(5000)}`,
        // The picture route: stored, missing, traversal, encoded separators, odd names.
        `/images/test-retrieval/${encodeURIComponent(r.pick(world.imageIds))}`,
        '/images/test-retrieval/nope.svg',
        '/images/test-retrieval/..%2F..%2Fmodels%2Ftest-retrieval%2Fmanifest.json',
        '/images/../models/test-retrieval/manifest.json',
        '/images/test-retrieval/%2e%2e',
        '/images/test-retrieval/a%00.svg',
        '/images/test-retrieval/%E0%A4%A',
        `/images/test-retrieval/${'a'.repeat(300)}.jpg`,
        '/images/test-retrieval',
        '/images/NOPE/x.svg',
      ]);
      return r.chance(0.5)
        ? { method: 'GET', path, headers: {} }
        : { ...jsonPost(jsonBody(p)), path };
    }
  }
}

function headerExtras(r: Rng, shape: Shape): void {
  if (r.chance(0.3)) shape.headers.accept = r.pick(ACCEPTS);
  else if (r.chance(0.6)) shape.headers.accept = 'application/json';
  if (r.chance(0.05)) shape.headers.origin = r.pick(['https://evil.example', 'null', ORIGIN, 'x']);
  if (r.chance(0.05)) shape.headers['x-graphql-csrf'] = '1';
  if (r.chance(0.02)) shape.headers['cf-connecting-ip'] = '203.0.113.7';
}

function excerptOf(shape: Shape, body: string | undefined): string {
  const type = shape.headers['content-type'];
  const head = `${shape.method} ${shape.path.slice(0, 300)}${type !== undefined ? ` [${type}]` : ''}${
    shape.headers.accept !== undefined
      ? ` accept=${JSON.stringify(shape.headers.accept.slice(0, 80))}`
      : ''
  }`;
  return body === undefined ? head : `${head}\n${body.slice(0, 300)}`;
}

/** The `count` requests of `seed`, one at a time. */
export function* fuzzRequests(seed: number, count: number, world: FuzzWorld): Generator<FuzzCase> {
  const r = new Rng(seed);
  for (let index = 0; index < count; index++) {
    const transport = transportOf(r);
    const p = payloadOf(r, world);
    const shape = shapeOf(r, transport, p, world);
    headerExtras(r, shape);
    const bodyText = shape.bodyText ?? (typeof shape.body === 'string' ? shape.body : undefined);
    const init: RequestInit & { duplex?: 'half' } = {
      method: shape.method,
      headers: shape.headers,
    };
    if (shape.body !== undefined) init.body = shape.body;
    // Node's Request needs it for a stream body; workerd's ignores it.
    if (shape.body instanceof ReadableStream) init.duplex = 'half';
    yield {
      index,
      transport,
      payload: p.kind,
      modelFields: p.modelFields,
      request: new Request(`${ORIGIN}${shape.path}`, init),
      excerpt: excerptOf(shape, bodyText),
    };
  }
}
