/**
 * A GraphQL request that carries files, by the GraphQL multipart request spec
 * (https://github.com/jaydenseric/graphql-multipart-request-spec), which graphql-yoga reads: a
 * multipart/form-data body whose `operations` part is the usual JSON with each file replaced by
 * null, whose `map` part says which variable each file part fills, then the file parts. A file
 * used by several fields of one operation (one `$picture` for annotate and similar) travels once.
 */

/** A file found in the variables, and where it was (`variables.picture`). */
export interface FoundFile {
  path: string;
  file: Blob;
}

/** Files nested deeper than this are not looked for: variables are shallow, and a cycle ends. */
const MAX_DEPTH = 8;

/**
 * The variables with every Blob (a File is one) replaced by null, and the files with their
 * paths; no files when there are none, and then the request goes as plain JSON.
 */
export function extractFiles(variables: unknown): { clean: unknown; files: FoundFile[] } {
  const files: FoundFile[] = [];
  const walk = (value: unknown, path: string, depth: number): unknown => {
    if (value instanceof Blob) {
      files.push({ path, file: value });
      return null;
    }
    if (depth >= MAX_DEPTH || typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}.${i}`, depth + 1));
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key, walk(v, `${path}.${key}`, depth + 1)]),
    );
  };
  const clean = walk(variables, 'variables', 0);
  return { clean, files };
}

/**
 * The multipart body: `operations`, then `map` ({"0": ["variables.picture"]}), then the parts
 * "0", "1", ... in that order (the spec requires the files after both). The browser writes the
 * Content-Type with its boundary, so the request must not set one.
 */
export function multipartBody(
  query: string,
  clean: unknown,
  files: readonly FoundFile[],
): FormData {
  const parts: Blob[] = [];
  const map: Record<string, string[]> = {};
  for (const { path, file } of files) {
    let index = parts.indexOf(file);
    if (index === -1) index = parts.push(file) - 1;
    const key = String(index);
    map[key] = [...(map[key] ?? []), path];
  }
  const body = new FormData();
  body.append('operations', JSON.stringify({ query, variables: clean }));
  body.append('map', JSON.stringify(map));
  parts.forEach((file, i) => {
    body.append(String(i), file, file instanceof File ? file.name : 'blob');
  });
  return body;
}
