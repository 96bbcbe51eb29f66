import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// DESIGN.md's layout rules, checked on the source text: core/ imports nothing outside itself
// (no packages, no node: modules), and worker/ never imports trainer/ (TensorFlow.js must never
// reach the Worker bundle).
const ROOT = resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|js|mjs)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** Every module specifier: static imports and re-exports, dynamic import(), require(). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]/g,
  ];
  for (const p of patterns) for (const m of text.matchAll(p)) found.push(m[1] as string);
  return found;
}

describe('layout', () => {
  it('finds the specifiers it checks (the checker itself works)', () => {
    const file = join(ROOT, 'cli/main.ts');
    expect(specifiers(file)).toContain('./commands/demo-world.ts');
  });

  it('core/ imports only core/', () => {
    const files = sources('core');
    expect(files.length).toBeGreaterThan(5);
    const outside = files.flatMap((file) =>
      specifiers(file)
        .filter((s) => !s.startsWith('.') || !resolve(file, '..', s).startsWith(join(ROOT, 'core')))
        .map((s) => `${relative(ROOT, file)} imports ${s}`),
    );
    expect(outside).toEqual([]);
  });

  it('worker/ never imports trainer/ or TensorFlow.js', () => {
    const bad = sources('worker').flatMap((file) =>
      specifiers(file)
        .filter(
          (s) =>
            s.includes('@tensorflow') ||
            (s.startsWith('.') && resolve(file, '..', s).startsWith(join(ROOT, 'trainer'))),
        )
        .map((s) => `${relative(ROOT, file)} imports ${s}`),
    );
    expect(bad).toEqual([]);
  });
});
