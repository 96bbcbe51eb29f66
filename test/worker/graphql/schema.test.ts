import {
  buildClientSchema,
  type GraphQLNamedType,
  type GraphQLSchema,
  getIntrospectionQuery,
  getNamedType,
  type IntrospectionQuery,
  isEnumType,
  isInputObjectType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUERY_LIMITS } from '../../../core/limits.ts';
import { createFakeServices } from '../../support/fake-services.ts';
import { graphqlClient } from '../../support/graphql-client.ts';

// The schema as a client sees it through introspection: everything is described, and no type
// reaches itself (so that query depth is bounded by the schema; see operation-limits.ts).

let schema: GraphQLSchema;

beforeAll(async () => {
  const { body } = await graphqlClient(createFakeServices()).query(
    getIntrospectionQuery({ inputValueDeprecation: true, oneOf: true }),
  );
  expect(body.errors).toBeUndefined();
  schema = buildClientSchema(body.data as IntrospectionQuery);
});

/** The schema's own types: no built-in scalars, no __Type and friends. */
function ownTypes(): GraphQLNamedType[] {
  return Object.values(schema.getTypeMap()).filter(
    (t) => !isIntrospectionType(t) && !isSpecifiedScalarType(t),
  );
}

/** "Type", "Type.field", "Type.field(arg)", "Enum.VALUE", "Input.field" of everything undescribed. */
function undescribed(): string[] {
  const missing: string[] = [];
  const check = (what: string, description: string | null | undefined) => {
    if (description == null || description.trim() === '') missing.push(what);
  };
  for (const type of ownTypes()) {
    check(type.name, type.description);
    if (isObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        check(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args)
          check(`${type.name}.${field.name}(${arg.name})`, arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()))
        check(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    }
  }
  return missing;
}

describe('introspection', () => {
  it('finds the checker working: it sees every kind of thing it checks', () => {
    const names = ownTypes().map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining(['Query', 'Image', 'ImageInput', 'Space', 'PageInfo']),
    );
    expect(
      schema
        .getQueryType()
        ?.getFields()
        .search?.args.map((a) => a.name),
    ).toEqual(['text', 'first', 'after', 'split']);
  });

  it('shows a description on every type, field, argument, input field and enum value', () => {
    expect(undescribed()).toEqual([]);
  });

  it('shows ImageInput as a OneOf input, and the argument defaults', () => {
    const imageInput = schema.getType('ImageInput');
    expect(isInputObjectType(imageInput) && imageInput.isOneOf).toBe(true);
    const fields = schema.getQueryType()!.getFields();
    const defaults = (field: string) =>
      Object.fromEntries(fields[field]!.args.map((a) => [a.name, a.defaultValue]));
    expect(defaults('search')).toEqual({ text: undefined, first: 10, after: undefined });
    expect(defaults('analogy')).toEqual({
      imageId: undefined,
      minus: [],
      plus: [],
      pool: 20,
      k: 4,
    });
  });

  it('has no cycles: no object type reaches itself through its fields', () => {
    const cycles: string[] = [];
    const visit = (type: GraphQLNamedType, path: string[]) => {
      if (!isObjectType(type)) return;
      if (path.includes(type.name)) {
        cycles.push([...path, type.name].join(' -> '));
        return;
      }
      for (const field of Object.values(type.getFields()))
        visit(getNamedType(field.type), [...path, type.name]);
    };
    visit(schema.getQueryType()!, []);
    expect(cycles).toEqual([]);
  });
});

describe('the stated limits', () => {
  it("agree with core/limits.ts's QUERY_LIMITS: ranges, text lengths and defaults", () => {
    const ranges: [string, number][] = [];
    const lengths: [string, number][] = [];
    const lists: [string, number][] = [];
    const defaults: Record<string, unknown> = {};
    const wanted: Record<string, number> = {};
    const DEFAULTS: Record<string, number> = {
      first: QUERY_LIMITS.defaultFirst,
      pool: QUERY_LIMITS.analogyPoolDefault,
      k: QUERY_LIMITS.analogyKDefault,
    };
    const numbers = (text: string | null | undefined, pattern: RegExp) =>
      [...(text ?? '').matchAll(pattern)].map((m) => Number(m[1]));
    for (const type of ownTypes()) {
      if (!isObjectType(type)) continue;
      for (const n of numbers(type.description, /at most (\d+) (?:results|matches)/gi))
        lists.push([type.name, n]);
      for (const field of Object.values(type.getFields())) {
        for (const arg of field.args) {
          const where = `${type.name}.${field.name}(${arg.name})`;
          for (const n of numbers(arg.description, /\b1 to (\d+)/g)) ranges.push([where, n]);
          for (const n of numbers(arg.description, /at most (\d+) characters/gi))
            lengths.push([where, n]);
          const wantedDefault = DEFAULTS[arg.name];
          if (wantedDefault !== undefined) {
            defaults[where] = arg.defaultValue;
            wanted[where] = wantedDefault;
          }
        }
      }
    }
    // The checker finds the limits it checks.
    expect(ranges.map(([where]) => where)).toEqual(
      expect.arrayContaining([
        'Query.search(first)',
        'Query.annotate(first)',
        'Query.analogy(pool)',
      ]),
    );
    expect(lengths.map(([where]) => where)).toContain('Query.search(text)');
    expect(lists.map(([where]) => where)).toContain('Query');
    expect(Object.keys(defaults)).toEqual(
      expect.arrayContaining([
        'Query.search(first)',
        'Query.annotate(first)',
        'Query.analogy(pool)',
        'Query.analogy(k)',
      ]),
    );

    const max = QUERY_LIMITS.maxResults;
    expect(ranges.filter(([, n]) => n !== max)).toEqual([]);
    expect(lists.filter(([, n]) => n !== max)).toEqual([]);
    expect(lengths.filter(([, n]) => n !== QUERY_LIMITS.maxTextCharacters)).toEqual([]);
    expect(defaults).toEqual(wanted);
  });
});
