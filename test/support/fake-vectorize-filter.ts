/**
 * Vectorize's metadata filtering, for the fake binding (fake-vectorize.ts), as the reference
 * page developers.cloudflare.com/vectorize/reference/metadata-filtering/ documents it:
 *
 *   - "to filter on another metadata property of your vectors, you'll need to create a metadata
 *     index. You can create up to 10 metadata indexes per Vectorize index", of type `string`,
 *     `number` or `boolean`;
 *   - "For metadata indexes of type string, each vector indexes the first 64B of the string
 *     data truncated on UTF-8 character boundaries";
 *   - "Vectors upserted before a metadata index was created won't have their metadata contained
 *     in that index. Upserting/re-upserting vectors after it was created will have them indexed";
 *   - "filter is applied first, and the topK results are taken from the filtered set";
 *   - "filter must be non-empty object whose compact JSON representation must be less than 2048
 *     bytes"; keys "cannot be empty, contain `"` ... start with `$`, or be longer than 512
 *     characters"; values are string, number, boolean or null, or an operator object;
 *   - operators `$eq`, `$ne` (and the implicit `$eq` of a bare value), `$in`, `$nin` with a list
 *     (the Workers types' VectorizeVectorMetadataFilterCollectionOp).
 *
 * What the page leaves open is chosen here, strictly, and marked CHOICE.
 */

export type MetadataIndexType = 'string' | 'number' | 'boolean';

export interface MetadataIndex {
  propertyName: string;
  indexType: MetadataIndexType;
}

/** A property's value as its metadata index holds it (a string cut to 64 bytes). */
export type IndexedValue = string | number | boolean;

export const MAX_METADATA_INDEXES = 10;
export const INDEXED_STRING_BYTES = 64;
const MAX_FILTER_BYTES = 2048;
const MAX_FILTER_KEY_CHARACTERS = 512;
const OPERATORS = ['$eq', '$ne', '$in', '$nin'] as const;
type Operator = (typeof OPERATORS)[number];

const encoder = new TextEncoder();
const bytes = (s: string): number => encoder.encode(s).length;

function fail(why: string): never {
  throw new Error(`fake Vectorize: ${why}`);
}

/** The longest prefix of s within n UTF-8 bytes, cut on a character boundary. */
export function truncateUtf8(s: string, n: number): string {
  let out = '';
  for (const ch of s) {
    if (bytes(out + ch) > n) break;
    out += ch;
  }
  return out;
}

/**
 * What each metadata index takes from a vector's metadata when it is upserted. A value of
 * another type than the index's is not indexed (CHOICE: the page says nothing of mixed types).
 */
export function indexedValues(
  indexes: readonly MetadataIndex[],
  metadata: Record<string, VectorizeVectorMetadata> | undefined,
): Map<string, IndexedValue> {
  const values = new Map<string, IndexedValue>();
  for (const { propertyName, indexType } of indexes) {
    const value = metadata?.[propertyName];
    if (typeof value !== indexType) continue;
    const held = value as IndexedValue;
    values.set(
      propertyName,
      typeof held === 'string' ? truncateUtf8(held, INDEXED_STRING_BYTES) : held,
    );
  }
  return values;
}

/** A scalar of a filter as the index compares it: strings on their first 64 bytes too. */
function comparable(value: unknown): IndexedValue | null {
  if (value === null) return null;
  if (typeof value === 'string') return truncateUtf8(value, INDEXED_STRING_BYTES);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return fail(`filter values must be strings, numbers, booleans or null, got ${typeof value}`);
}

/** One operator as a test of an indexed value. `null` is a value no index holds (CHOICE). */
function predicate(op: Operator, operand: unknown): (held: IndexedValue) => boolean {
  if (op === '$eq' || op === '$ne') {
    const value = comparable(operand);
    return op === '$eq' ? (held) => held === value : (held) => held !== value;
  }
  if (!Array.isArray(operand)) fail(`${op} takes a list of values`);
  const values = new Set(operand.map(comparable));
  return op === '$in' ? (held) => values.has(held) : (held) => !values.has(held);
}

function checkKey(key: string, indexed: ReadonlySet<string>): void {
  if (key.length === 0 || key.length > MAX_FILTER_KEY_CHARACTERS) {
    fail(`filter keys must be 1 to ${MAX_FILTER_KEY_CHARACTERS} characters`);
  }
  if (key.startsWith('$') || key.includes('"')) fail(`filter key ${key} is not allowed`);
  if (key.includes('.')) fail(`nested filter keys (${key}) are not simulated`);
  // CHOICE: a property without a metadata index cannot be filtered on, and the page does not
  // say what Vectorize answers; the fake throws, so that a caller relying on it is caught.
  if (!indexed.has(key)) fail(`no metadata index on ${key}: create one before filtering on it`);
}

/** One key's condition as tests of the indexed value, all of which must hold: a bare value is `$eq`. */
function conditionOf(condition: unknown): ((held: IndexedValue) => boolean)[] {
  if (typeof condition !== 'object' || condition === null) return [predicate('$eq', condition)];
  const entries = Object.entries(condition);
  if (entries.length === 0) fail('an operator object must name an operator');
  return entries.map(([op, operand]) => {
    if (!(OPERATORS as readonly string[]).includes(op)) fail(`operator ${op} is not simulated`);
    return predicate(op as Operator, operand);
  });
}

/**
 * The filter as a test of a vector's indexed values; throws for a filter Vectorize would refuse
 * or that the fake does not simulate. A vector missing from a property's index (upserted before
 * the index, or without the property) matches no condition on it, `$ne` and `$nin` included
 * (CHOICE: its metadata is "not contained in that index", so the index cannot return it).
 */
export function compileFilter(
  filter: VectorizeVectorMetadataFilter,
  indexes: readonly MetadataIndex[],
): (values: ReadonlyMap<string, IndexedValue>) => boolean {
  const json = JSON.stringify(filter);
  if (Object.keys(filter).length === 0) fail('filter must be a non-empty object');
  if (bytes(json) >= MAX_FILTER_BYTES) fail(`filter is ${bytes(json)} bytes, over the limit`);
  const indexed = new Set(indexes.map((i) => i.propertyName));
  const conditions = Object.entries(filter).map(([key, condition]) => {
    checkKey(key, indexed);
    return { key, tests: conditionOf(condition) };
  });
  return (values) =>
    conditions.every(({ key, tests }) => {
      const held = values.get(key);
      return held !== undefined && tests.every((holds) => holds(held));
    });
}
