import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { beforeAll, describe, expect, it } from 'vitest';
import config, {
  RESOLVER_TYPES_FILE,
  SCHEMA_FILE,
  WEB_OPERATION_TYPES_FILE,
  WEB_OPERATIONS_FILE,
} from '../../codegen.ts';

// Two files are generated from schema/schema.graphql and committed: the resolvers' types
// (worker/graphql/generated/resolvers-types.ts) and the web page's typed operations
// (web/generated/operations.ts, also from web/operations.graphql). If either drifts from its
// sources, tsc checks the code against a schema that is not the one served. Regenerate in
// memory and compare with the committed files.
const ROOT = resolve(import.meta.dirname, '../..');

describe('generated types', () => {
  let outputs: { filename: string; content: string }[];

  beforeAll(async () => {
    outputs = await generate({ ...config, cwd: ROOT, silent: true }, false);
  }, 60_000);

  it.each([
    { file: RESOLVER_TYPES_FILE, sources: SCHEMA_FILE },
    { file: WEB_OPERATION_TYPES_FILE, sources: `${SCHEMA_FILE} and ${WEB_OPERATIONS_FILE}` },
  ])('$file is up to date with $sources (run `npm run codegen` if not)', ({ file, sources }) => {
    const fresh = outputs.find((o) => resolve(ROOT, o.filename) === join(ROOT, file));
    expect(fresh, `codegen wrote no ${file}`).toBeDefined();
    const committed = readFileSync(join(ROOT, file), 'utf8');
    expect(
      fresh!.content === committed,
      `${file} is stale: it was not generated from the current ${sources}; run \`npm run codegen\``,
    ).toBe(true);
  });

  it("types the page's operations as strings, so the bundle carries no graphql runtime", () => {
    const operations = readFileSync(join(ROOT, WEB_OPERATION_TYPES_FILE), 'utf8');
    expect(operations).toContain('export const SearchDocument = new TypedDocumentString(');
    expect(operations).not.toMatch(/from ['"]graphql['"]/);
  });
});
