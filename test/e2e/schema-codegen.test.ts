import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config, { RESOLVER_TYPES_FILE, SCHEMA_FILE } from '../../codegen.ts';

// The resolvers are type-checked against worker/graphql/generated/resolvers-types.ts, which is
// generated from schema/schema.graphql: if the two drift apart, tsc checks the resolvers against
// a schema that is not the one served. Regenerate in memory and compare with the committed file.
const ROOT = resolve(import.meta.dirname, '../..');

describe('generated resolver types', () => {
  it('are up to date with the schema (run `npm run codegen` if not)', async () => {
    const outputs: { filename: string; content: string }[] = await generate(
      { ...config, cwd: ROOT, silent: true },
      false,
    );
    const fresh = outputs.find(
      (o) => resolve(ROOT, o.filename) === join(ROOT, RESOLVER_TYPES_FILE),
    );
    expect(fresh, `codegen wrote no ${RESOLVER_TYPES_FILE}`).toBeDefined();
    const committed = readFileSync(join(ROOT, RESOLVER_TYPES_FILE), 'utf8');
    expect(
      fresh!.content === committed,
      `${RESOLVER_TYPES_FILE} is stale: it was not generated from the current ${SCHEMA_FILE}; run \`npm run codegen\``,
    ).toBe(true);
  });
});
