import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployConfig, parseWranglerToml } from '../../../cli/deploy/wrangler-config.ts';

const ROOT = join(import.meta.dirname, '../../..');

describe('parseWranglerToml', () => {
  it("reads the project's wrangler.toml: the local top level and the two deployed envs", async () => {
    const config = parseWranglerToml(await readFile(join(ROOT, 'wrangler.toml'), 'utf8'));
    expect(config.name).toBe('jointspace-local');
    expect(config.main).toBe('worker/index.ts');
    expect(Object.keys(config.env ?? {}).sort()).toEqual(['production', 'staging']);
    expect(config.env?.production?.name).toBe('jointspace');
    // Deployed environments are closed (README "Security and limits").
    for (const env of ['staging', 'production'] as const) {
      expect(config.env?.[env]?.vars).toEqual({
        VECTOR_INDEX: 'vectorize',
        GRAPHIQL: 'off',
        INTROSPECTION: 'off',
        CSRF_PREVENTION: 'on',
        CORS_ORIGINS: '',
      });
    }
    // The per-deploy bindings are not in the file: deployConfig adds them.
    expect(config.env?.production?.vectorize).toBeUndefined();
  });

  it('refuses a document that is not TOML, pointing at the line', () => {
    expect(() => parseWranglerToml('name = "a"\nmain = \n')).toThrow(
      /invalid value[\s\S]*2: {2}main =/,
    );
    expect(() => parseWranglerToml('name = "a"\nname = "b"\n')).toThrow('redefine');
  });
});

describe('the deploy config', () => {
  const toml = parseWranglerToml(`
name = "w"
main = "worker/index.ts"
[[r2_buckets]]
binding = "MODELS"
bucket_name = "local"
[env.staging]
name = "w-staging"
[env.staging.vars]
VECTOR_INDEX = "vectorize"
[env.production]
name = "w-prod"
`);

  it("keeps wrangler's shape and only the chosen env, its vars and bindings extended", () => {
    const config = deployConfig(toml, 'staging', { RETRIEVAL_MODEL: 'r1' }, [
      { binding: 'RETRIEVAL_IMAGES', indexName: 'idx' },
    ]);
    expect(config.main).toBe('worker/index.ts');
    expect(config.r2_buckets).toEqual([{ binding: 'MODELS', bucket_name: 'local' }]);
    expect(config.env).toEqual({
      staging: {
        name: 'w-staging',
        vars: { VECTOR_INDEX: 'vectorize', RETRIEVAL_MODEL: 'r1' },
        vectorize: [{ binding: 'RETRIEVAL_IMAGES', index_name: 'idx' }],
      },
    });
  });

  it('refuses a binding given twice or named like a var, and a missing env', () => {
    const twice = [
      { binding: 'A', indexName: 'x' },
      { binding: 'A', indexName: 'y' },
    ];
    expect(() => deployConfig(toml, 'staging', {}, twice)).toThrow('given twice');
    expect(() =>
      deployConfig(toml, 'staging', {}, [{ binding: 'VECTOR_INDEX', indexName: 'x' }]),
    ).toThrow('both a var and a Vectorize binding');
    const { env: _, ...noEnvs } = toml;
    expect(() => deployConfig(noEnvs, 'production', {}, [])).toThrow('no [env.production]');
  });

  it('refuses a binding named like a var the deploy itself sets', () => {
    expect(() =>
      deployConfig(toml, 'production', { RETRIEVAL_IMAGES: 'x' }, [
        { binding: 'RETRIEVAL_IMAGES', indexName: 'idx' },
      ]),
    ).toThrow('RETRIEVAL_IMAGES is both a var and a Vectorize binding');
  });

  it('refuses an env that is not a table', () => {
    const config = parseWranglerToml('name = "w"\n[env]\nstaging = "not a table"\n');
    expect(() => deployConfig(config, 'staging', {}, [])).toThrow(
      'wrangler.toml has no [env.staging] section',
    );
  });

  it("lets the deploy's vars win over the env's, and gives an env without vars some", () => {
    const staging = deployConfig(toml, 'staging', { VECTOR_INDEX: 'flat' }, []);
    expect(staging.env?.staging?.vars).toEqual({ VECTOR_INDEX: 'flat' });
    const production = deployConfig(toml, 'production', { RETRIEVAL_MODEL: 'r2' }, []);
    expect(production.env).toEqual({
      production: { name: 'w-prod', vars: { RETRIEVAL_MODEL: 'r2' }, vectorize: [] },
    });
  });

  it("keeps the env's own Vectorize bindings first, and checks the new ones against them", () => {
    const withIndex = parseWranglerToml(`
[env.staging]
name = "w-staging"
[[env.staging.vectorize]]
binding = "EXTRA"
index_name = "extra-index"
`);
    const config = deployConfig(withIndex, 'staging', {}, [
      { binding: 'RETRIEVAL_IMAGES', indexName: 'idx' },
    ]);
    expect(config.env?.staging?.vectorize).toEqual([
      { binding: 'EXTRA', index_name: 'extra-index' },
      { binding: 'RETRIEVAL_IMAGES', index_name: 'idx' },
    ]);
    expect(() =>
      deployConfig(withIndex, 'staging', {}, [{ binding: 'EXTRA', indexName: 'other' }]),
    ).toThrow('Vectorize binding EXTRA is given twice');
  });

  it('leaves the config it was given as it was', () => {
    const before = structuredClone(toml);
    deployConfig(toml, 'staging', { RETRIEVAL_MODEL: 'r1' }, [
      { binding: 'RETRIEVAL_IMAGES', indexName: 'idx' },
    ]);
    expect(toml).toEqual(before);
  });
});
