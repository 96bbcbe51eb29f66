import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_LOCAL_PATHS,
  LOCAL_PLANS,
  type LocalPaths,
  type LocalVersions,
  localRecordPath,
  prepareLocalModels,
} from '../../../cli/local/local-models.ts';
import { parseManifest } from '../../../core/manifest.ts';
import { SPACES } from '../../../core/model-files.ts';
import { exportTinyVersions, type TinyVersions } from '../../support/tiny-versions.ts';

/**
 * What `npm start` decides about its models. Making them for real (the default demo world, two
 * models trained for about 1.5 minutes) is too slow for a unit test, so these cases test the
 * decision itself: a record of exported versions (artifacts/local.json) that checks out is used
 * as it is, and one that does not is never trusted. A record that is not trusted sends
 * prepareLocalModels on to its first step, making the demo world, whose log line announces it:
 * the cases stop it there by throwing from the log.
 */

let root: string;
let tiny: TinyVersions;
let versions: LocalVersions;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jointspace-local-models-'));
  tiny = await exportTinyVersions(join(root, 'tiny'));
  versions = { retrieval: tiny.retrieval.version, regularities: tiny.regularities.version };
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

class StoppedAtTheDemoWorld extends Error {}

/** Fresh paths for one case, with a copy of the tiny exports as its artifacts folder. */
async function pathsFor(name: string): Promise<LocalPaths> {
  const dir = join(root, name);
  const artifacts = join(dir, 'artifacts');
  await cp(tiny.artifacts, artifacts, { recursive: true });
  return { data: join(dir, 'data'), runs: join(dir, 'runs'), artifacts };
}

async function record(paths: LocalPaths, value: unknown): Promise<void> {
  await writeFile(localRecordPath(paths), `${JSON.stringify(value, null, 2)}\n`);
}

/** Runs prepareLocalModels up to its first step after the decision: the versions it kept, or
 * 'remake' when it went on to make the models again. */
async function decide(
  paths: LocalPaths,
): Promise<{ outcome: LocalVersions | 'remake'; lines: string[] }> {
  const lines: string[] = [];
  try {
    const outcome = await prepareLocalModels(paths, (line) => {
      lines.push(line);
      if (line.startsWith('Making the demo world')) throw new StoppedAtTheDemoWorld();
    });
    return { outcome, lines };
  } catch (e) {
    if (e instanceof StoppedAtTheDemoWorld) return { outcome: 'remake', lines };
    throw e;
  }
}

describe('the plans and paths', () => {
  it('train one model per space, the analogy space with a bag of words', () => {
    expect(LOCAL_PLANS.map((p) => p.space)).toEqual([...SPACES]);
    // Analogy needs a sentence vector that is a sum of word vectors (DESIGN.md).
    expect(LOCAL_PLANS.find((p) => p.space === 'regularities')?.encoder).toBe('bow');
    expect(LOCAL_PLANS.find((p) => p.space === 'retrieval')?.encoder).toBe('lstm');
    for (const plan of LOCAL_PLANS) expect(plan.epochs).toBeGreaterThan(0);
  });

  it('keep the record beside the exported versions', () => {
    expect(DEFAULT_LOCAL_PATHS).toEqual({
      data: 'data/demo',
      runs: 'runs',
      artifacts: 'artifacts',
    });
    expect(localRecordPath(DEFAULT_LOCAL_PATHS)).toBe(join('artifacts', 'local.json'));
    expect(localRecordPath({ data: 'd', runs: 'r', artifacts: '/tmp/a' })).toBe(
      '/tmp/a/local.json',
    );
  });
});

describe('prepareLocalModels', () => {
  it('serves the recorded versions at once when their folders check out', async () => {
    const paths = await pathsFor('recorded');
    await record(paths, versions);
    const { outcome, lines } = await decide(paths);
    expect(outcome).toEqual(versions);
    expect(lines).toEqual([
      `Models already exported: ${versions.retrieval} (retrieval), ${versions.regularities} (regularities).`,
    ]);
    // Nothing was made: no world, no runs, and the record as it was.
    expect(existsSync(paths.data)).toBe(false);
    expect(existsSync(paths.runs)).toBe(false);
    expect(JSON.parse(await readFile(localRecordPath(paths), 'utf8'))).toEqual(versions);
  });

  it('makes the models when there is no record', async () => {
    const paths = await pathsFor('no-record');
    const { outcome, lines } = await decide(paths);
    expect(outcome).toBe('remake');
    expect(lines).toEqual([`Making the demo world in ${paths.data} ...`]);
  });

  it.each<[string, (paths: LocalPaths) => Promise<void>]>([
    [
      'a record that is not JSON',
      async (paths) => {
        await writeFile(localRecordPath(paths), '{"retrieval": "lstm');
      },
    ],
    [
      'a record without one of the spaces',
      async (paths) => {
        await record(paths, { retrieval: versions.retrieval });
      },
    ],
    [
      'a recorded version whose folder is gone',
      async (paths) => {
        await rm(join(paths.artifacts, versions.regularities), { recursive: true });
        await record(paths, versions);
      },
    ],
    [
      'a folder whose manifest names another version',
      async (paths) => {
        // The retrieval folder copied under another name: its manifest still says the original.
        await cp(join(paths.artifacts, versions.retrieval), join(paths.artifacts, 'copied'), {
          recursive: true,
        });
        await record(paths, { ...versions, retrieval: 'copied' });
      },
    ],
    [
      'a manifest that is not valid',
      async (paths) => {
        await writeFile(join(paths.artifacts, versions.retrieval, 'manifest.json'), '{}');
        await record(paths, versions);
      },
    ],
    [
      'a version exported before flat index files',
      async (paths) => {
        const file = join(paths.artifacts, versions.regularities, 'manifest.json');
        const manifest = JSON.parse(await readFile(file, 'utf8')) as {
          vectors: Record<string, { flat?: unknown }>;
        };
        for (const kind of Object.values(manifest.vectors)) delete kind.flat;
        // Still a valid manifest: what is refused is only the missing flat files.
        expect(parseManifest(manifest).vectors.images.flat).toBeUndefined();
        await writeFile(file, JSON.stringify(manifest));
        await record(paths, versions);
      },
    ],
    [
      'a record with the two spaces swapped',
      async (paths) => {
        await record(paths, {
          retrieval: versions.regularities,
          regularities: versions.retrieval,
        });
      },
    ],
  ])('does not trust %s: it makes the models again', async (what, damage) => {
    const paths = await pathsFor(what.replaceAll(' ', '-'));
    await damage(paths);
    const { outcome, lines } = await decide(paths);
    expect(outcome).toBe('remake');
    expect(lines).toEqual([`Making the demo world in ${paths.data} ...`]);
  });
});
