import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * GraphQL Code Generator: schema/schema.graphql (the API's one source of truth) -> the types the
 * resolvers are checked against, and the web page's operations (web/operations.graphql) -> their
 * result and variable types. Run `npm run codegen` after changing the schema or the operations;
 * test/e2e/schema-codegen.test.ts fails while the committed output is stale.
 */

export const SCHEMA_FILE = 'schema/schema.graphql';
export const RESOLVER_TYPES_FILE = 'worker/graphql/generated/resolvers-types.ts';
export const WEB_OPERATIONS_FILE = 'web/operations.graphql';
export const WEB_OPERATION_TYPES_FILE = 'web/generated/operations.ts';

const config: CodegenConfig = {
  schema: SCHEMA_FILE,
  overwrite: true,
  // No prettier/biome hook: the output is committed as generated (and Biome ignores it), so the
  // staleness test can compare it byte for byte with a fresh run.
  generates: {
    [RESOLVER_TYPES_FILE]: {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        // verbatimModuleSyntax: type-only imports must say so.
        useTypeImports: true,
        // Union types instead of TS enums: nothing of the generated file exists at run time.
        enumsAsTypes: true,
        // Paths are relative to the generated file and keep their .ts extension (the project's
        // import rule), because codegen copies them as they are.
        contextType: '../context.ts#GraphQLContext',
        mappers: {
          Image: '../mappers.ts#ImageParent',
          Caption: '../mappers.ts#CaptionParent',
          Model: '../mappers.ts#ModelParent',
          ServedModels: '../mappers.ts#ServedModelsParent',
          AnnotationConnection: '../mappers.ts#AnnotationConnectionParent',
          AnalogyResult: '../mappers.ts#AnalogyResultParent',
          SimilarConnection: '../mappers.ts#SimilarConnectionParent',
        },
        strictScalars: true,
        // An upload arrives as the Fetch API's File (graphql-yoga's multipart support).
        scalars: { ID: 'string', File: 'File' },
      },
    },
    [WEB_OPERATION_TYPES_FILE]: {
      documents: WEB_OPERATIONS_FILE,
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        // The page sends a picture as a browser File (Blob) in a multipart request.
        scalars: { ID: 'string', File: 'File' },
        // Each operation as a typed string (its text, sent as is), not a parsed DocumentNode:
        // the page's bundle then carries no graphql runtime.
        documentMode: 'string',
      },
    },
  },
};

export default config;
