/**
 * The `File` scalar: an upload by the GraphQL multipart request spec. graphql-yoga puts each
 * uploaded part (a File) where the request's `map` names it in the variables; a scalar without
 * rules of its own would let any JSON value pass for a file. A File comes only as a variable's
 * value, and is never an output.
 *
 * The rules are set on the schema's own File type (as graphql-tools sets a scalar's resolvers),
 * not passed as a new GraphQLScalarType in the resolver map: graphql-tools copies every property
 * of such an object onto the type, its empty description included, and the SDL's description
 * (schema/schema.graphql, the one source of truth) would be lost.
 */
import { GraphQLError, type GraphQLSchema, isScalarType } from 'graphql';

const HOW =
  'upload it as a part of a multipart request (the GraphQL multipart request spec) and map it to the variable';

export function parseFile(value: unknown): File {
  if (value instanceof File) return value;
  const got = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;
  throw new GraphQLError(`A File variable holds an uploaded file, not ${got}: ${HOW}.`);
}

export function parseFileLiteral(): never {
  throw new GraphQLError(`A File cannot be written in the query: ${HOW}.`);
}

export function serializeFile(): never {
  throw new GraphQLError('A File is an input only.');
}

/** Gives the schema's File scalar these rules; the schema must declare `scalar File`. */
export function withFileScalar(schema: GraphQLSchema): GraphQLSchema {
  const type = schema.getType('File');
  if (!isScalarType(type)) throw new Error('the schema declares no scalar File');
  type.parseValue = parseFile;
  type.parseLiteral = parseFileLiteral;
  type.serialize = serializeFile;
  return schema;
}
