/**
 * Limits on what one operation may ask for. workerd runs one event loop per isolate: a request
 * that asks for thousands of lookups (aliases let one document repeat a field at will) stalls
 * every other request of the isolate. So each operation is bounded, and a request over a bound
 * is refused with QUERY_TOO_COMPLEX before anything runs:
 *
 *   - at most MAX_ROOT_FIELDS fields at the root (each alias counts);
 *   - at most MAX_MODEL_QUERIES of them run a model (search, annotate, similar, analogy);
 *   - selections at most MAX_DEPTH deep, through fragments;
 *   - a cost of at most MAX_COST (graphql-query-complexity): every field costs 1 plus what it
 *     selects, a model query 10, a model query of an uploaded picture PICTURE_QUERY_COST (a
 *     decode and a CNN run: about as much CPU as a hundred text queries), and a list costs its
 *     length times what each element selects: `first` edges of search, annotate and similar,
 *     `k` matches of analogy, 20 captions of an image. (A request carries one file at most,
 *     encoded once however many fields use it: body-limits.ts, api/picture-vectors.ts; the cost
 *     keeps a document from asking for more picture work than a few fields' worth regardless.)
 *
 * The first three depend on the document alone (validation rules, cached with it); the cost
 * depends on the variables too, so it is checked for each execution.
 */
import {
  GraphQLError,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { type ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import type { Plugin } from 'graphql-yoga';
import { QUERY_LIMITS } from '../../core/limits.ts';

export const MODEL_QUERY_FIELDS: readonly string[] = ['search', 'annotate', 'similar', 'analogy'];
export const MAX_MODEL_QUERIES = 5;
export const MAX_ROOT_FIELDS = 20;
export const MAX_DEPTH = 20;
export const MAX_COST = 20_000;
/** What running a model costs against MAX_COST, beside what its answer selects. */
export const MODEL_QUERY_COST = 10;
/** What a model query of an uploaded picture costs instead (annotate's image.picture, similar's picture). */
export const PICTURE_QUERY_COST = 2_000;

function tooComplex(message: string, nodes?: GraphQLError['nodes']): GraphQLError {
  return new GraphQLError(message, { nodes, extensions: { code: 'QUERY_TOO_COMPLEX' } });
}

type FragmentLookup = (name: string) => SelectionSetNode | undefined;

function fragmentsOf(context: ValidationContext): FragmentLookup {
  return (name) => context.getFragment(name)?.selectionSet;
}

/**
 * The response keys (alias or name) at an operation's root, through fragments, with the field
 * each stands for. Fields with one response key are merged by GraphQL and run once, so keys
 * are what is counted.
 */
function rootKeys(
  selectionSet: SelectionSetNode,
  fragment: FragmentLookup,
  keys: Map<string, string>,
  seen: Set<string>,
): Map<string, string> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === 'Field') {
      keys.set(selection.alias?.value ?? selection.name.value, selection.name.value);
    } else if (selection.kind === 'InlineFragment') {
      rootKeys(selection.selectionSet, fragment, keys, seen);
    } else if (!seen.has(selection.name.value)) {
      // A fragment cycle is reported by GraphQL's own rules; `seen` only stops the walk.
      seen.add(selection.name.value);
      const spread = fragment(selection.name.value);
      if (spread !== undefined) rootKeys(spread, fragment, keys, seen);
    }
  }
  return keys;
}

export const limitRootFields: ValidationRule = (context) => ({
  OperationDefinition(operation) {
    const keys = rootKeys(operation.selectionSet, fragmentsOf(context), new Map(), new Set());
    const models = [...keys.values()].filter((name) => MODEL_QUERY_FIELDS.includes(name)).length;
    if (keys.size > MAX_ROOT_FIELDS) {
      context.reportError(
        tooComplex(
          `The operation asks for ${keys.size} fields at its root; at most ${MAX_ROOT_FIELDS} are answered per operation (each alias counts).`,
          [operation],
        ),
      );
    } else if (models > MAX_MODEL_QUERIES) {
      context.reportError(
        tooComplex(
          `The operation asks for ${models} model queries (${MODEL_QUERY_FIELDS.join(', ')}); at most ${MAX_MODEL_QUERIES} are answered per operation.`,
          [operation],
        ),
      );
    }
  },
});

/**
 * The depth of a selection set's deepest field, through fragments. Each fragment's depth is
 * computed once (a fragment spread twice in each of 30 fragments would otherwise be walked 2^30
 * times); a cycle counts as nothing here and is reported by GraphQL's own rules.
 */
function depthOf(
  selectionSet: SelectionSetNode,
  fragment: FragmentLookup,
  known: Map<string, number>,
  visiting: Set<string>,
): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === 'Field') {
      const below = selection.selectionSet
        ? depthOf(selection.selectionSet, fragment, known, visiting)
        : 0;
      deepest = Math.max(deepest, 1 + below);
    } else if (selection.kind === 'InlineFragment') {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragment, known, visiting));
    } else {
      const name = selection.name.value;
      let depth = known.get(name);
      if (depth === undefined) {
        const spread = fragment(name);
        if (spread === undefined || visiting.has(name)) continue;
        visiting.add(name);
        depth = depthOf(spread, fragment, known, visiting);
        visiting.delete(name);
        known.set(name, depth);
      }
      deepest = Math.max(deepest, depth);
    }
  }
  return deepest;
}

export const limitDepth: ValidationRule = (context) => ({
  OperationDefinition(operation) {
    const depth = depthOf(operation.selectionSet, fragmentsOf(context), new Map(), new Set());
    if (depth > MAX_DEPTH) {
      context.reportError(
        tooComplex(
          `The operation selects ${depth} levels deep; at most ${MAX_DEPTH} are answered.`,
          [operation],
        ),
      );
    }
  },
});

/** How many elements a list field can hold, from its arguments; undefined for other fields. */
const LIST_LENGTH: Record<string, (args: Record<string, unknown>) => number> = {
  'Query.search': (args) => Number(args.first ?? QUERY_LIMITS.defaultFirst),
  'Query.annotate': (args) => Number(args.first ?? QUERY_LIMITS.defaultFirst),
  'Query.similar': (args) => Number(args.first ?? QUERY_LIMITS.defaultFirst),
  'Query.analogy': (args) => Number(args.k ?? QUERY_LIMITS.analogyKDefault),
  'Image.captions': () => QUERY_LIMITS.maxCaptionsPerImage,
};

/** Whether a root field's arguments hold an uploaded picture (a File, or anything in its place). */
function asksForPicture(field: string, args: Record<string, unknown>): boolean {
  if (field === 'similar') return args.picture !== undefined && args.picture !== null;
  if (field !== 'annotate') return false;
  const image = args.image as { picture?: unknown } | null | undefined;
  return image?.picture !== undefined && image.picture !== null;
}

/** What a field costs itself, before what it selects. */
function ownCost(typeName: string, field: string, args: Record<string, unknown>): number {
  if (typeName !== 'Query' || !MODEL_QUERY_FIELDS.includes(field)) return 1;
  return asksForPicture(field, args) ? PICTURE_QUERY_COST : MODEL_QUERY_COST;
}

/** The cost of one field: see the comment at the top. */
export const costEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const own = ownCost(type.name, field.name, args);
  const length = LIST_LENGTH[`${type.name}.${field.name}`];
  // An argument out of range is refused by the resolver; here it costs as the largest list.
  const elements = length ? Math.min(Math.max(length(args), 1) || 1, QUERY_LIMITS.maxResults) : 1;
  return own + elements * childComplexity;
};

/** The cost of the operation an execution runs, or undefined when it cannot be computed (bad variables: execution reports them). */
export function operationCost(args: Parameters<typeof getComplexity>[0]): number | undefined {
  try {
    return getComplexity(args);
  } catch {
    return undefined;
  }
}

/** The rules and the cost check as a yoga plugin. */
export const operationLimitsPlugin: Plugin = {
  onValidate: ({ addValidationRule }) => {
    addValidationRule(limitRootFields);
    addValidationRule(limitDepth);
  },
  onExecute: ({ args, setResultAndStopExecution }) => {
    const cost = operationCost({
      schema: args.schema,
      query: args.document,
      variables: args.variableValues ?? {},
      ...(args.operationName ? { operationName: args.operationName } : {}),
      estimators: [costEstimator],
    });
    if (cost !== undefined && cost > MAX_COST) {
      setResultAndStopExecution({
        errors: [
          tooComplex(
            `The operation costs ${cost}; at most ${MAX_COST} is answered (a list costs its length times what each element selects: ask for fewer results or fields).`,
          ),
        ],
      });
    }
  },
};
