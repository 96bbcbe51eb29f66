import { buildSchema, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import typeDefs from '../../../../schema/schema.graphql';
import { imageResolvers } from '../../../../worker/graphql/resolvers/images.ts';
import { resolvers } from '../../../../worker/graphql/resolvers/index.ts';
import { modelResolvers } from '../../../../worker/graphql/resolvers/models.ts';
import { queryResolvers } from '../../../../worker/graphql/resolvers/query.ts';
import { similarResolvers } from '../../../../worker/graphql/resolvers/similar.ts';

// Every resolver of the schema in one map: the parts, each under its type, and nothing that the
// SDL (schema/schema.graphql) does not have.

const sdl = buildSchema(typeDefs);

describe('resolvers', () => {
  it('joins the parts, each type under its own name', () => {
    expect(Object.keys(resolvers).sort()).toEqual(
      [
        'AnalogyResult',
        'AnnotationConnection',
        'Image',
        'Model',
        'Query',
        'ServedModels',
        'SimilarConnection',
      ].sort(),
    );
    expect(resolvers.Query).toBe(queryResolvers);
    expect(resolvers.Image).toBe(imageResolvers.Image);
    expect(resolvers.AnnotationConnection).toBe(imageResolvers.AnnotationConnection);
    expect(resolvers.AnalogyResult).toBe(imageResolvers.AnalogyResult);
    expect(resolvers.Model).toBe(modelResolvers.Model);
    expect(resolvers.ServedModels).toBe(modelResolvers.ServedModels);
    expect(resolvers.SimilarConnection).toBe(similarResolvers.SimilarConnection);
  });

  it('resolves only fields the schema has', () => {
    const unknown: string[] = [];
    for (const [typeName, fields] of Object.entries(resolvers)) {
      const type = sdl.getType(typeName);
      if (!isObjectType(type)) {
        unknown.push(typeName);
        continue;
      }
      for (const field of Object.keys(fields ?? {})) {
        if (type.getFields()[field] === undefined) unknown.push(`${typeName}.${field}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('has a resolver for every entry point (a root field has no parent to read from)', () => {
    const entryPoints = Object.keys(sdl.getQueryType()?.getFields() ?? {});
    expect(entryPoints).toEqual(['search', 'annotate', 'similar', 'analogy', 'image', 'models']);
    expect(Object.keys(resolvers.Query ?? {}).sort()).toEqual([...entryPoints].sort());
  });
});
