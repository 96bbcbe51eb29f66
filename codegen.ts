import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * GraphQL Code Generator: schema/schema.graphql (the API's one source of truth) -> the types the
 * resolvers are checked against. Run `npm run codegen` after changing the schema;
 * test/schema-codegen.test.ts fails while the committed output is stale.
 */

export const SCHEMA_FILE = 'schema/schema.graphql';
export const RESOLVER_TYPES_FILE = 'worker/graphql/generated/resolvers-types.ts';

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
        scalars: { ID: 'string' },
      },
    },
  },
};

export default config;
