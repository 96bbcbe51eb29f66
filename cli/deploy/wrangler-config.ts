import { parse } from 'smol-toml';

/**
 * The wrangler config of one deploy: wrangler.toml, with the chosen env's vars and Vectorize
 * bindings extended by what this deploy serves. The result keeps wrangler's own shape (top level
 * plus `env.<name>`) and is deployed with `--env <name>`, so wrangler itself still decides what
 * an env inherits (name, main, compatibility_date, rules) and what it does not (bindings, vars);
 * flattening the env here would copy those rules and could drift from them.
 */

export type WranglerEnvName = 'staging' | 'production';

export interface VectorizeBinding {
  binding: string;
  indexName: string;
}

/** A wrangler config as parsed: only the parts this module reads or writes are typed. */
export interface WranglerConfig {
  env?: Record<string, WranglerEnvSection>;
  [key: string]: unknown;
}

export interface WranglerEnvSection {
  vars?: Record<string, unknown>;
  vectorize?: { binding: string; index_name: string }[];
  [key: string]: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseWranglerToml(text: string): WranglerConfig {
  return parse(text) as WranglerConfig;
}

export function deployConfig(
  config: WranglerConfig,
  env: WranglerEnvName,
  vars: Record<string, string>,
  vectorize: readonly VectorizeBinding[],
): WranglerConfig {
  const section = config.env?.[env];
  if (!isRecord(section)) {
    throw new Error(`wrangler.toml has no [env.${env}] section`);
  }
  const existing = section.vectorize ?? [];
  const names = new Set<string>();
  for (const name of [...existing.map((v) => v.binding), ...vectorize.map((v) => v.binding)]) {
    // Wrangler would refuse a duplicate binding too, but only after bundling, and less clearly.
    if (names.has(name)) throw new Error(`Vectorize binding ${name} is given twice`);
    if (name in vars || (isRecord(section.vars) && name in section.vars)) {
      throw new Error(`${name} is both a var and a Vectorize binding`);
    }
    names.add(name);
  }
  // Only the chosen env is kept: the others are irrelevant to this deploy and their warnings
  // (if any) would only add noise to its output.
  return {
    ...config,
    env: {
      [env]: {
        ...section,
        vars: { ...(isRecord(section.vars) ? section.vars : {}), ...vars },
        vectorize: [
          ...existing,
          ...vectorize.map((v) => ({ binding: v.binding, index_name: v.indexName })),
        ],
      },
    },
  };
}
