import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVE_OPTIONS } from '../../../cli/commands/serve.ts';
import { LOCAL_BUCKET } from '../../../cli/local/serve-versions.ts';
import { parsePictureList } from '../../../core/pictures.ts';
import { readLocalBucket } from '../../support/local-bucket.ts';
import { cli, cliWithin } from '../../support/run-cli.ts';
import { exportTinyVersions, type TinyVersions } from '../../support/tiny-versions.ts';

/**
 * `jointspace serve` through the real command line, on a real exported pair and the demo world's
 * pictures (test/support/tiny-versions.ts), with `--no-serve` and a state folder of the test's
 * own: starting wrangler dev is test/cli/local/serve.test.ts's and the browser test's business.
 */

let root: string;
let tiny: TinyVersions;
let dirs: { retrieval: string; regularities: string };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jointspace-serve-command-'));
  tiny = await exportTinyVersions(join(root, 'tiny'));
  dirs = {
    retrieval: join(tiny.artifacts, tiny.retrieval.version),
    regularities: join(tiny.artifacts, tiny.regularities.version),
  };
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A stack trace's frame line: a refusal of what was typed never shows one. */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

describe('jointspace serve', () => {
  it('has help that names every flag with its default', async () => {
    const r = await cli('serve', '--help');
    expect(r.code).toBe(0);
    for (const o of Object.values(SERVE_OPTIONS)) {
      expect(r.stdout).toContain(`--${o.flag}`);
      expect(r.stdout).toContain(o.note);
    }
    expect(r.stdout).toMatch(
      /--retrieval DIR +the version that answers search, [^\n]*\(required\)/,
    );
    expect(r.stdout).toMatch(/--regularities DIR +the bag-of-words [^\n]*\n +\(required\)/);
    expect(r.stdout).toMatch(/--images DIR +a folder of pictures named as the images/);
    expect(r.stdout).toMatch(/--port N +where the worker listens \(default 8787\)/);
    expect(r.stdout).toMatch(/--vectors E +float32 \| int8: .*\(default float32\)/s);
    expect(r.stdout).toMatch(
      /--persist-to DIR +where the local bucket [^\n]*\n +\(default \.wrangler\/state\)/,
    );
    expect(r.stdout).toMatch(/--no-serve +check and seed only/);
  });

  it('refuses a call without --retrieval, saying what to give, exit 2', async () => {
    const r = await cli('serve', '--regularities', dirs.regularities, '--no-serve');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'jointspace serve: --retrieval is required (an exported retrieval version folder, artifacts/<version>)',
    );
    expect(r.stderr).toContain("Run 'jointspace serve --help' for usage.");
  });

  it('refuses folders that are not a pair of versions, with the reason and no stack, exit 2', async () => {
    const missing = join(root, 'no-such-version');
    const cases: [string[], string][] = [
      [
        ['--retrieval', missing, '--regularities', dirs.regularities],
        `jointspace serve: --retrieval: the folder ${missing} does not exist`,
      ],
      [
        ['--retrieval', dirs.regularities, '--regularities', dirs.regularities],
        `jointspace serve: --retrieval: ${tiny.regularities.version} is a regularities version; --retrieval takes a retrieval one`,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await cli('serve', ...args, '--no-serve', '--persist-to', join(root, 'unused'));
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain("Run 'jointspace serve --help' for usage.");
      expect(r.stderr).not.toMatch(STACK_FRAME);
      expect(r.stdout).toBe('');
    }
  });

  it('with --no-serve, seeds the pair and its pictures into --persist-to and says what it serves', async () => {
    const stateDir = join(root, 'state');
    const images = join(root, 'tiny', 'world', 'images');
    const r = await cliWithin(
      120_000,
      'serve',
      '--retrieval',
      dirs.retrieval,
      '--regularities',
      dirs.regularities,
      '--images',
      images,
      '--persist-to',
      stateDir,
      '--no-serve',
    );
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.code).toBe(0);
    const { retrieval, regularities } = tiny;
    expect(r.stdout.trim()).toBe(
      `Ready to serve: RETRIEVAL_MODEL=${retrieval.version} REGULARITIES_MODEL=${regularities.version} FLAT_INDEX_ENCODING=float32`,
    );
    const count = retrieval.vectors.images.count;
    expect(r.stderr).toContain(`Pictures: ${count} of the ${count} images have one in ${images}`);

    const bucket = await readLocalBucket(stateDir, LOCAL_BUCKET);
    for (const version of [retrieval.version, regularities.version]) {
      expect(bucket[`models/${version}/manifest.json`], version).toBeDefined();
    }
    expect(bucket['static/graphiql.html']?.contentType).toBe('text/html');
    const list = parsePictureList(
      new TextDecoder().decode(bucket[`images/${retrieval.version}.json`]?.bytes),
    );
    expect(list.version).toBe(retrieval.version);
    expect(list.files).toHaveLength(count);
    const file = list.files[0] ?? '';
    expect(bucket[`images/${retrieval.version}/${file}`]).toEqual({
      bytes: new Uint8Array(await readFile(join(images, file))),
      contentType: 'image/svg+xml',
    });
  });
});
