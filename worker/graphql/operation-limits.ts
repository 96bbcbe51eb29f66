/**
 * A cap on model queries per operation. Each `search`, `annotate` or `analogy` runs a model and
 * a vector search, and aliases let one request ask for hundreds (`a: search(...) b: search(...)`);
 * workerd runs one event loop per isolate, so such a request would stall every other. Depth needs
 * no cap: the schema has no cycles (test/worker/graphql/schema.test.ts keeps it so).
 */
import { GraphQLError, type SelectionSetNode, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export const MODEL_QUERY_FIELDS: readonly string[] = ['search', 'annotate', 'analogy'];
export const MAX_MODEL_QUERIES = 5;

/**
 * The response keys (alias or name) of model fields at an operation's root, through fragments.
 * Fields with one response key are merged by GraphQL and run once, so keys are what is counted.
 */
function modelQueryKeys(
  selectionSet: SelectionSetNode,
  fragment: (name: string) => SelectionSetNode | undefined,
  keys: Set<string>,
  seen: Set<string>,
): Set<string> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === 'Field') {
      if (MODEL_QUERY_FIELDS.includes(selection.name.value)) {
        keys.add(selection.alias?.value ?? selection.name.value);
      }
    } else if (selection.kind === 'InlineFragment') {
      modelQueryKeys(selection.selectionSet, fragment, keys, seen);
    } else if (!seen.has(selection.name.value)) {
      // A fragment cycle is reported by GraphQL's own rules; `seen` only stops the walk.
      seen.add(selection.name.value);
      const spread = fragment(selection.name.value);
      if (spread !== undefined) modelQueryKeys(spread, fragment, keys, seen);
    }
  }
  return keys;
}

export const limitModelQueries: ValidationRule = (context) => ({
  OperationDefinition(operation) {
    const fragment = (name: string) => context.getFragment(name)?.selectionSet;
    const count = modelQueryKeys(operation.selectionSet, fragment, new Set(), new Set()).size;
    if (count > MAX_MODEL_QUERIES) {
      context.reportError(
        new GraphQLError(
          `The operation asks for ${count} model queries (${MODEL_QUERY_FIELDS.join(', ')}); at most ${MAX_MODEL_QUERIES} are answered per operation.`,
          { nodes: operation },
        ),
      );
    }
  },
});

/** The rule as a yoga plugin. */
export const modelQueryLimitPlugin: Plugin = {
  onValidate: ({ addValidationRule }) => addValidationRule(limitModelQueries),
};
