import { posix } from 'node:path';

/**
 * DESIGN.md's layout, as rules checked on the source text (test/layout.test.ts runs them on the
 * tree; its tests also plant bad files to show each rule catches what it should):
 *
 * 1. Rooms and the one direction of their imports: `cli` may import `trainer` and `core`;
 *    `trainer` imports `core`; `worker` imports `core` and `schema`; `web` imports only `web`
 *    (the types codegen writes from the schema into web/generated/ included), and no room
 *    imports `web` (the worker serves its build as static files); nothing imports `cli`; `core` imports nothing of
 *    the project and no package at all (it runs unchanged in Node and workerd); `bench` may
 *    import the product, never `test`. TensorFlow.js never reaches `worker` or `web`, nor the
 *    graphql runtime the page (its operations are typed strings: a small bundle).
 * 2. No import knots: inside a room, the folders (and the room's top-level files) import each
 *    other without cycles, so each can be read knowing only what it imports.
 * 3. Tests mirror the sources: `X/Y.ts` with runtime code has `test/X/Y.test.ts`, and every test
 *    file under a room's mirror names a source that exists. Helpers live in `test/support/`,
 *    fixtures in `test/fixtures/`, tests across rooms in `test/e2e/`.
 */

export interface SourceFile {
  /** Relative to the repository root, with forward slashes. */
  path: string;
  text: string;
}

export const ROOMS = ['core', 'trainer', 'cli', 'worker', 'web', 'schema', 'bench'] as const;
type Room = (typeof ROOMS)[number];

/** What each room's files may import, besides their own room (and packages, rule by rule). */
const MAY_IMPORT: Record<Room, readonly string[]> = {
  core: [],
  trainer: ['core'],
  cli: ['trainer', 'core'],
  worker: ['core', 'schema'],
  // The page talks to the worker over HTTP only; the schema's types reach it through
  // web/generated/operations.ts, which codegen writes from the schema and web/operations.graphql.
  web: [],
  schema: [],
  bench: ['core', 'trainer', 'cli', 'worker'],
};

/** Packages a room must never import (by prefix). */
const FORBIDDEN_PACKAGES: Partial<Record<Room, readonly string[]>> = {
  worker: ['@tensorflow', 'node:', 'onnxruntime-node', 'miniflare', 'wrangler'],
  web: ['@tensorflow', 'node:', 'onnxruntime', 'graphql'],
};

/** The rooms whose sources are mirrored by tests (schema/ has tests of its own kind). */
const MIRRORED: readonly string[] = ['core', 'trainer', 'cli', 'worker', 'web'];

/** Test folders that do not mirror a room. */
const FREE_TEST_FOLDERS = ['test/support/', 'test/fixtures/', 'test/e2e/'];

/** Every module specifier: static imports and re-exports, dynamic import(), require(). */
export function specifiers(text: string): string[] {
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

function roomOf(path: string): string {
  return path.split('/')[0] as string;
}

/** A room's folder (`trainer/data`) or top-level file (`trainer/random.ts`): a node of rule 2. */
function unitOf(path: string): string {
  const parts = path.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : path;
}

interface Edge {
  from: string;
  to: string;
  specifier: string;
}

/** Imports between project files, resolved to paths relative to the root. */
function projectImports(file: SourceFile): Edge[] {
  return specifiers(file.text)
    .filter((s) => s.startsWith('.'))
    .map((s) => ({
      from: file.path,
      to: posix.normalize(posix.join(posix.dirname(file.path), s)),
      specifier: s,
    }));
}

function isRoom(name: string): name is Room {
  return (ROOMS as readonly string[]).includes(name);
}

/** Rule 1: each import goes where its room may go. */
export function directionViolations(files: readonly SourceFile[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    const room = roomOf(file.path);
    if (!isRoom(room)) continue;
    for (const edge of projectImports(file)) {
      const target = roomOf(edge.to);
      if (target === room) continue;
      if (edge.to.startsWith('..') || target === 'test' || !MAY_IMPORT[room].includes(target)) {
        const allowed = [room, ...MAY_IMPORT[room]].map((r) => `${r}/`).join(', ');
        out.push(`${file.path} imports ${edge.specifier}: ${room}/ may import only ${allowed}`);
      }
    }
    for (const s of specifiers(file.text).filter((x) => !x.startsWith('.'))) {
      if (room === 'core') {
        out.push(`${file.path} imports ${s}: core/ imports no package (it runs as is everywhere)`);
      }
      for (const prefix of FORBIDDEN_PACKAGES[room] ?? []) {
        if (s.startsWith(prefix)) out.push(`${file.path} imports ${s}: never in ${room}/`);
      }
    }
  }
  return out;
}

/** Rule 2: the folders of each room import each other without cycles; each cycle, named. */
export function knotViolations(files: readonly SourceFile[]): string[] {
  const edges = new Map<string, Map<string, Edge>>();
  for (const file of files) {
    if (!isRoom(roomOf(file.path))) continue;
    for (const edge of projectImports(file)) {
      const from = unitOf(file.path);
      const to = unitOf(edge.to);
      if (from === to || roomOf(from) !== roomOf(to)) continue;
      const targets = edges.get(from) ?? new Map<string, Edge>();
      edges.set(from, targets);
      if (!targets.has(to)) targets.set(to, edge);
    }
  }
  return stronglyConnected(edges).map((units) => {
    const inside = new Set(units);
    const links = units.flatMap((u) =>
      [...(edges.get(u) ?? new Map<string, Edge>()).entries()]
        .filter(([to]) => inside.has(to))
        .map(([to, e]) => `${u} -> ${to} (${e.from} imports ${e.specifier})`),
    );
    return `import knot: ${links.join('; ')}`;
  });
}

/** Tarjan's algorithm: the components of more than one unit, each sorted. */
function stronglyConnected(edges: Map<string, Map<string, Edge>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return components;
}

/** A file that only declares types: nothing runs, so nothing to test. */
export function declaresTypesOnly(file: SourceFile): boolean {
  if (file.path.endsWith('.d.ts')) return true;
  const code = file.text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const statements = code.split('\n').filter((line) => /^\S/.test(line) && !/^[})\]]/.test(line));
  return statements.every((line) =>
    /^(import type |export type |export interface |interface |type |declare |export \{\s*\};?$)/.test(
      line,
    ),
  );
}

/** Rule 3: tests mirror the sources, both ways. */
export function mirrorViolations(files: readonly SourceFile[]): string[] {
  const paths = new Set(files.map((f) => f.path));
  const out: string[] = [];
  for (const file of files) {
    if (!MIRRORED.includes(roomOf(file.path)) || !file.path.endsWith('.ts')) continue;
    if (file.path.includes('/generated/') || declaresTypesOnly(file)) continue;
    const test = `test/${file.path.replace(/\.ts$/, '.test.ts')}`;
    if (!paths.has(test)) out.push(`${file.path} has no test: expected ${test}`);
  }
  for (const path of paths) {
    if (!path.startsWith('test/') || !path.endsWith('.test.ts')) continue;
    if (path === 'test/layout.test.ts' || FREE_TEST_FOLDERS.some((f) => path.startsWith(f)))
      continue;
    const source = path.slice('test/'.length).replace(/\.test\.ts$/, '.ts');
    const declaration = source.replace(/\.ts$/, '.d.ts');
    if (!MIRRORED.includes(roomOf(source))) {
      out.push(`${path} mirrors no room: tests live in test/<room>/, test/e2e/ or test/support/`);
    } else if (!paths.has(source) && !paths.has(declaration)) {
      out.push(`${path} mirrors no source: ${source} does not exist`);
    }
  }
  return out;
}
