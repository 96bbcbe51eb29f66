import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  declaresTypesOnly,
  directionViolations,
  knotViolations,
  mirrorViolations,
  ROOMS,
  type SourceFile,
  specifiers,
} from './support/layout-rules.ts';

// DESIGN.md's layout rules (test/support/layout-rules.ts says each one), checked on the tree;
// then each rule is shown to catch a planted bad file, naming the file and the import.
const ROOT = resolve(import.meta.dirname, '..');

function read(dir: string): SourceFile[] {
  // A room not built yet (web/ arrives with its issue) has no files.
  if (!existsSync(join(ROOT, dir))) return [];
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|js|mjs)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .filter((p) => !p.split(sep).includes('node_modules'))
    .map((p) => ({ path: relative(ROOT, p).split(sep).join('/'), text: readFileSync(p, 'utf8') }));
}

const tree: SourceFile[] = [...ROOMS, 'test'].flatMap(read);

function plant(path: string, text: string, files: SourceFile[] = tree): SourceFile[] {
  return [...files.filter((f) => f.path !== path), { path, text }];
}

describe('the layout', () => {
  it('reads the tree (the checker sees what it checks)', () => {
    expect(tree.filter((f) => f.path.startsWith('core/')).length).toBeGreaterThan(10);
    expect(tree.filter((f) => f.path.startsWith('worker/')).length).toBeGreaterThan(10);
    const main = tree.find((f) => f.path === 'cli/main.ts');
    expect(specifiers(main?.text ?? '')).toContain('./commands/train.ts');
    const page = tree.find((f) => f.path === 'web/main.ts');
    expect(specifiers(page?.text ?? '')).toContain('./app.ts');
  });

  it('imports point one way between rooms', () => {
    expect(directionViolations(tree)).toEqual([]);
  });

  it('has no import knots inside a room', () => {
    expect(knotViolations(tree)).toEqual([]);
  });

  it('has a test for every source file, and no test without its source', () => {
    expect(mirrorViolations(tree)).toEqual([]);
  });
});

describe('the layout checker', () => {
  it('names a worker file that imports the trainer, and tfjs in the worker', () => {
    const planted = plant(
      'worker/planted.ts',
      "import { train } from '../trainer/train/train.ts';\nimport * as tf from '@tensorflow/tfjs-core';\n",
      [],
    );
    expect(directionViolations(planted)).toEqual([
      'worker/planted.ts imports ../trainer/train/train.ts: worker/ may import only worker/, core/, schema/',
      'worker/planted.ts imports @tensorflow/tfjs-core: never in worker/',
    ]);
  });

  it('names every other wrong direction', () => {
    const cases: [string, string, RegExp][] = [
      [
        'trainer/planted.ts',
        "import '../cli/main.ts';",
        /trainer\/ may import only trainer\/, core\//,
      ],
      [
        'core/planted.ts',
        "import { x } from '../trainer/random.ts';",
        /core\/ may import only core\//,
      ],
      ['core/planted.ts', "import { readFile } from 'node:fs';", /core\/ imports no package/],
      ['worker/planted.ts', "export const c = import('../cli/main.ts');", /worker\/ may import/],
      ['bench/planted.ts', "import '../test/support/seeded-random.ts';", /bench\/ may import only/],
      ['cli/planted.ts', "import '../worker/index.ts';", /cli\/ may import only cli\/, trainer/],
      ['web/planted.ts', "import '../core/limits.ts';", /web\/ may import only web\/$/],
      ['web/planted.ts', "import '../schema/schema.graphql';", /web\/ may import only web\/$/],
      ['web/planted.ts', "import { parse } from 'graphql';", /imports graphql: never in web\//],
      ['worker/planted.ts', "import '../web/app.ts';", /worker\/ may import only worker\//],
      ['cli/planted.ts', "import { startApp } from '../web/app.ts';", /cli\/ may import only/],
      ['bench/planted.ts', "import '../web/api.ts';", /bench\/ may import only/],
    ];
    for (const [path, text, message] of cases) {
      const found = directionViolations(plant(path, text, []));
      expect(found, path).toHaveLength(1);
      expect(found[0]).toMatch(message);
      expect(found[0]).toContain(path);
    }
  });

  it('names a knot between two folders of a room, with the imports that tie it', () => {
    const planted = plant('trainer/data/planted.ts', "import '../export/export-model.ts';");
    expect(knotViolations(planted)).toEqual([
      expect.stringMatching(
        /^import knot: .*trainer\/data -> trainer\/export \(trainer\/data\/planted\.ts imports \.\.\/export\/export-model\.ts\).*trainer\/export -> trainer\/data/,
      ),
    ]);
  });

  it('names a source without its test, and a test without its source', () => {
    const source = { path: 'trainer/planted.ts', text: 'export const x = 1;\n' };
    expect(mirrorViolations([source])).toEqual([
      'trainer/planted.ts has no test: expected test/trainer/planted.test.ts',
    ]);
    expect(mirrorViolations([source, { path: 'test/trainer/planted.test.ts', text: '' }])).toEqual(
      [],
    );
    expect(mirrorViolations([{ path: 'test/worker/gone.test.ts', text: '' }])).toEqual([
      'test/worker/gone.test.ts mirrors no source: worker/gone.ts does not exist',
    ]);
    expect(mirrorViolations([{ path: 'web/planted.ts', text: 'export const x = 1;\n' }])).toEqual([
      'web/planted.ts has no test: expected test/web/planted.test.ts',
    ]);
    expect(
      mirrorViolations([{ path: 'web/generated/operations.ts', text: 'export const x = 1;\n' }]),
    ).toEqual([]);
    expect(mirrorViolations([{ path: 'test/misc/x.test.ts', text: '' }])).toEqual([
      'test/misc/x.test.ts mirrors no room: tests live in test/<room>/, test/e2e/ or test/support/',
    ]);
  });

  it('lets files that only declare types go without a test', () => {
    expect(
      declaresTypesOnly({
        path: 'worker/x.ts',
        text: "/** A. */\nimport type { A } from './a.ts';\n\nexport interface B {\n  a: A;\n}\nexport type C = B;\n",
      }),
    ).toBe(true);
    expect(
      declaresTypesOnly({
        path: 'worker/x.ts',
        text: 'export interface B {}\nexport const x = 1;\n',
      }),
    ).toBe(false);
  });
});
