/**
 * Requests by the GraphQL multipart request spec, as a browser's FormData makes them: an
 * `operations` part (the JSON request, files as null), a `map` part (which file goes where in
 * the variables) and one part per file.
 */
import { URL_BASE } from './graphql-client.ts';

export interface Upload {
  /** Where the file goes, e.g. "variables.picture". */
  paths: string[];
  file: File;
}

/** The parts of a spec-conforming upload request, for tests that then break one. */
export function uploadForm(
  query: string,
  variables: Record<string, unknown>,
  uploads: Upload[],
): FormData {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query, variables }));
  form.set('map', JSON.stringify(Object.fromEntries(uploads.map((u, i) => [String(i), u.paths]))));
  uploads.forEach((u, i) => {
    form.set(String(i), u.file);
  });
  return form;
}

/** A POST of `form` to the endpoint (the multipart body and its boundary are the runtime's). */
export function multipartRequest(form: FormData, headers: Record<string, string> = {}): Request {
  return new Request(URL_BASE, {
    method: 'POST',
    headers: { accept: 'application/json', 'x-graphql-csrf': '1', ...headers },
    body: form,
  });
}

/** One picture as the variable `picture`, the usual shape of an upload. */
export function pictureRequest(
  query: string,
  picture: File,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Request {
  return multipartRequest(
    uploadForm(query, { ...variables, picture: null }, [
      { paths: ['variables.picture'], file: picture },
    ]),
    headers,
  );
}
