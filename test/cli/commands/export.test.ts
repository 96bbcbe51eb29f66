import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_OPTIONS } from '../../../cli/commands/export.ts';
import { type ModelManifest, parseManifest } from '../../../core/manifest.ts';
import { parseVectorRecord } from '../../../core/vector-records.ts';
import { loadDataset } from '../../../trainer/data/load.ts';
import { DEFAULT_WORLD_OPTIONS, generateDemoWorld } from '../../../trainer/demo/world.ts';
import { writeDemoWorld } from '../../../trainer/demo/write-world.ts';
import { cli } from '../../support/run-cli.ts';
import { trainTinyBow } from '../../support/tiny-run.ts';

/** `jointspace export` as a user runs it: flags, messages, and the folder it leaves. */

let tmp: string;
let world: string;
let runDir: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'jointspace-cli-export-'));
  world = join(tmp, 'world');
  runDir = join(tmp, 'run');
  await writeDemoWorld(
    generateDemoWorld({ ...DEFAULT_WORLD_OPTIONS, images: 200, val: 20, test: 20, seed: 4 }),
    world,
  );
  await trainTinyBow(await loadDataset(world), runDir);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function manifestAt(dir: string): Promise<ModelManifest> {
  return parseManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
}

describe('jointspace export', () => {
  it('writes a version folder, prints the table and says where it went', async () => {
    const out = join(tmp, 'artifacts');
    const r = await cli(
      'export',
      '--run',
      runDir,
      '--data',
      world,
      '--out',
      out,
      '--backend',
      'cpu',
    );
    expect(r.stderr).toMatch(
      /wrote sentence_encoder\.onnx \([\d.]+ KiB\) and image_projection\.onnx/,
    );
    expect(r.stderr).toMatch(/checked in onnxruntime-web: \d+ captions and \d+ images/);
    // Demo-world features come from no CNN: no image encoder, and the log says why.
    expect(r.stderr).toContain(
      'no image encoder: the features came from another extractor (none is recorded with them; if nsfwjs-mobilenetv2-mid made them, say so with --extractor nsfwjs-mobilenetv2-mid)',
    );
    expect(r.stdout).not.toContain('takes pictures');
    // Not a terminal: each progress bar ends in one plain line.
    expect(r.stderr).toMatch(/^test captions +100% 100\/100 /m);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^bow \(float32 weights\) on jointspace-demo test \(20 images, 100 captions\)\n/,
    );
    const [version] = await readdir(out);
    expect(version).toMatch(/^bow16-jointspace-demo-f32-[0-9a-f]{8}$/);
    expect(r.stdout).toContain(`exported: ${join(out, version as string)}`);
    expect(r.stdout).toContain('regularities space, bow 16-d, 200 image and 1000 caption vectors');
    const manifest = await manifestAt(join(out, version as string));
    expect(manifest.vectors.splits).toEqual(['train', 'val', 'test']);
    expect(manifest.evaluation?.split).toBe('test');

    const again = await cli(
      'export',
      '--run',
      runDir,
      '--data',
      world,
      '--out',
      out,
      '--backend',
      'cpu',
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already exported (identical files kept)');
  });

  it('takes the precision, the splits, the space, a name and an image base URL', async () => {
    const out = join(tmp, 'named');
    const r = await cli(
      'export',
      '--run',
      runDir,
      '--data',
      world,
      '--out',
      out,
      '--weights',
      'int8',
      '--splits',
      'val,test',
      '--eval-split',
      'val',
      '--space',
      'retrieval',
      '--version',
      'demo-small',
      '--image-base-url',
      'https://example.org/pictures/',
      '--backend',
      'cpu',
    );
    expect(r.code, r.stderr).toBe(0);
    const manifest = await manifestAt(join(out, 'demo-small'));
    expect(manifest).toMatchObject({
      version: 'demo-small',
      space: 'retrieval',
      model: { weights: 'int8' },
      vectors: { splits: ['val', 'test'], images: { count: 40 } },
      evaluation: { split: 'val' },
    });
    const firstLine = (await readFile(join(out, 'demo-small', 'images.ndjson'), 'utf8')).split(
      '\n',
    )[0] as string;
    const record = parseVectorRecord<{ url: string; file: string }>(firstLine, 16);
    expect(record.metadata.url).toBe(`https://example.org/pictures/${record.metadata.file}`);
  });

  it('draws no progress bars with --no-progress, as train', async () => {
    const r = await cli(
      'export',
      '--run',
      runDir,
      '--data',
      world,
      '--out',
      join(tmp, 'quiet'),
      '--splits',
      'test',
      '--backend',
      'cpu',
      '--no-progress',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wrote sentence_encoder\.onnx/);
    expect(r.stderr).not.toMatch(/\d+% \d+\/\d+/);
    expect(r.stdout).toContain('exported: ');
  });

  it('explains what is wrong with a call', async () => {
    const cases: [string[], RegExp][] = [
      [['--data', world], /--run or --checkpoint is required/],
      [['--run', join(tmp, 'nowhere'), '--data', world], /does not exist/],
      [['--run', runDir], /--data is required/],
      [
        ['--run', runDir, '--data', world, '--weights', 'int4'],
        /--weights must be one of float32, float16, int8; got "int4"/,
      ],
      [
        ['--run', runDir, '--data', world, '--splits', 'train,dev'],
        /--splits must be one of train, val, test/,
      ],
      [
        ['--run', runDir, '--data', world, '--space', 'both'],
        /--space must be one of retrieval, regularities/,
      ],
      [
        ['--run', runDir, '--data', world, '--extractor', 'vgg19'],
        /--extractor must be one of nsfwjs-mobilenetv2-mid; got "vgg19"/,
      ],
      [
        // The flag reaches the export, which checks it against the model before any work.
        [
          ...['--run', runDir, '--data', world, '--out', join(tmp, 'wide'), '--backend', 'cpu'],
          ...['--extractor', 'nsfwjs-mobilenetv2-mid'],
        ],
        /nsfwjs-mobilenetv2-mid makes 1792-d features; the model takes \d+-d, so its features came from another extractor/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await cli('export', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain("Run 'jointspace export --help' for usage.");
    }
    const bad = await cli(
      'export',
      '--run',
      runDir,
      '--data',
      world,
      '--out',
      join(tmp, 'bad'),
      '--version',
      'Not OK',
      '--backend',
      'cpu',
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/model version "Not OK" must be 1-63 lowercase letters/);
  });

  it('has help that names every flag', async () => {
    const r = await cli('export', '--help');
    expect(r.code).toBe(0);
    for (const flag of [
      '--run',
      '--checkpoint',
      '--data',
      '--out',
      '--weights',
      '--splits',
      '--eval-split',
      '--space',
      '--version',
      '--image-base-url',
      '--extractor',
      '--force',
      '--backend',
      '--threads',
      '--no-progress',
    ]) {
      expect(r.stdout).toContain(flag);
    }
    for (const o of Object.values(EXPORT_OPTIONS)) {
      expect(r.stdout).toContain(`--${o.flag}`);
      expect(r.stdout).toContain(o.note);
    }
    expect(r.stdout).toMatch(/--weights P +float32 \| float16 \| int8: .*\(default float32\)/s);
    expect(r.stdout).toMatch(/--out DIR +where model versions go \(default artifacts\)/);
  });
});
