import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVALUATE_OPTIONS } from '../../../cli/commands/evaluate.ts';
import { Vocabulary } from '../../../core/vocabulary.ts';
import { loadDataset } from '../../../trainer/data/load.ts';
import { DEFAULT_WORLD_OPTIONS, generateDemoWorld } from '../../../trainer/demo/world.ts';
import { writeDemoWorld } from '../../../trainer/demo/write-world.ts';
import { evaluateSplit } from '../../../trainer/evaluate/evaluate.ts';
import { JointModel } from '../../../trainer/model/model.ts';
import { loadCheckpoint } from '../../../trainer/train/checkpoint.ts';
import { RUN_FILES } from '../../../trainer/train/run-files.ts';
import { cli } from '../../support/run-cli.ts';
import { trainTinyBow } from '../../support/tiny-run.ts';

const worldOptions = (images: number, dim: number) => ({
  ...DEFAULT_WORLD_OPTIONS,
  images,
  val: 20,
  test: 20,
  seed: 4,
  features: { ...DEFAULT_WORLD_OPTIONS.features, dim },
});

let tmp: string;
let world: string;
let runDir: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'jointspace-cli-evaluate-'));
  world = join(tmp, 'world');
  runDir = join(tmp, 'run');
  await writeDemoWorld(generateDemoWorld(worldOptions(200, 64)), world);
  await writeDemoWorld(generateDemoWorld(worldOptions(60, 32)), join(tmp, 'world-32'));
  await trainTinyBow(await loadDataset(world), runDir);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('jointspace evaluate', () => {
  it('prints the table and writes the JSON, with the numbers evaluateSplit gives', async () => {
    const json = join(tmp, 'test.json');
    const r = await cli(
      'evaluate',
      '--run',
      runDir,
      '--data',
      world,
      '--json',
      json,
      '--backend',
      'cpu',
    );
    expect(r.stderr).toMatch(/backend: cpu/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^bow on jointspace-demo test \(20 images, 100 captions\)\n/);
    expect(r.stdout).toMatch(/\s+R@1\s+R@5\s+R@10\s+Med r\s+Mean r\n/);
    expect(r.stdout).toMatch(/Annotation \(image -> text\)\s+\d+\.\d/);
    expect(r.stdout).toMatch(/Search \(text -> image\)\s+\d+\.\d/);
    expect(r.stderr).toContain(`wrote ${json}`);

    const report = JSON.parse(await readFile(json, 'utf8'));
    const best = await loadCheckpoint(RUN_FILES(runDir).best);
    expect(report).toMatchObject({
      checkpoint: RUN_FILES(runDir).best,
      dataset: { name: 'jointspace-demo', source: world, split: 'test', images: 20, captions: 100 },
      model: best.header.model,
      update: best.header.progress.bestUpdate,
    });
    for (const direction of ['annotation', 'search']) {
      expect(Object.keys(report[direction])).toEqual(['r1', 'r5', 'r10', 'medianRank', 'meanRank']);
    }
    const { annotation: a, search: s } = report;
    expect(report.rsum).toBeCloseTo(a.r1 + a.r5 + a.r10 + s.r1 + s.r5 + s.r10, 6);
    expect(r.stdout).toContain(`Sum of recalls (rsum): ${report.rsum.toFixed(1)}`);

    // The same checkpoint scored in this process, on the same backend.
    const dataset = await loadDataset(world, { splits: ['test'] });
    const model = new JointModel(best.header.model, best.weights);
    const m = await evaluateSplit(
      model,
      dataset.splits.test!,
      Vocabulary.fromJSON(best.header.vocabulary),
      best.header.train.maxLength,
    );
    model.dispose();
    const pick = ({ r1, r5, r10, medianRank, meanRank }: typeof m.annotation) => ({
      r1,
      r5,
      r10,
      medianRank,
      meanRank,
    });
    expect(a).toEqual(pick(m.annotation));
    expect(s).toEqual(pick(m.search));
    expect(report.rsum).toBe(m.rsum);
  });

  it('scores another split, or a named checkpoint', async () => {
    const val = await cli(
      'evaluate',
      '--run',
      runDir,
      '--data',
      world,
      '--split',
      'val',
      '--backend',
      'cpu',
    );
    expect(val.code).toBe(0);
    expect(val.stdout).toMatch(/^bow on jointspace-demo val \(20 images, 100 captions\)/);
    const latest = await cli(
      'evaluate',
      '--checkpoint',
      RUN_FILES(runDir).latest,
      '--data',
      world,
      '--split',
      'train',
      '--backend',
      'cpu',
    );
    expect(latest.code).toBe(0);
    expect(latest.stdout).toMatch(/^bow on jointspace-demo train \(160 images, 800 captions\)/);
  });

  it('names the flag at fault and exits 2 on a usage error', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['--run', runDir, '--data', world, '--split', 'bogus'],
        /--split must be one of train, val, test; got "bogus"/,
      ],
      [['--run', runDir], /--data is required/],
      [['--data', world], /--run or --checkpoint is required/],
      [
        ['--run', join(tmp, 'no-such-run'), '--data', world],
        /no-such-run\/best\.ckpt does not exist/,
      ],
      [['--run', runDir, '--data', world, '--backend', 'gpu'], /--backend must be one of/],
      [['--run', runDir, '--data', world, '--json', ''], /--json expects a value, got ""/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli('evaluate', ...args)));
    results.forEach((r, i) => {
      const [args, message] = cases[i]!;
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain("Run 'jointspace evaluate --help' for usage.");
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  });

  it('has help that names every flag with its default', async () => {
    const r = await cli('evaluate', '--help');
    expect(r.code).toBe(0);
    for (const o of Object.values(EVALUATE_OPTIONS)) {
      expect(r.stdout).toContain(`--${o.flag}`);
      expect(r.stdout).toContain(o.note);
    }
    expect(r.stdout).toMatch(/--split S +train \| val \| test: .*\(default test\)/);
    expect(r.stdout).toMatch(/--run DIR +a training run folder/);
  });

  it('refuses data whose features do not fit the model, exit 1', async () => {
    const r = await cli(
      'evaluate',
      '--run',
      runDir,
      '--data',
      join(tmp, 'world-32'),
      '--backend',
      'cpu',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/features are 32-d; the model was trained on 64-d/);
  });

  it('says which file is damaged when the checkpoint is not one', async () => {
    const bad = join(tmp, 'bad.ckpt');
    await writeFile(bad, 'hello');
    const r = await cli('evaluate', '--checkpoint', bad, '--data', world, '--backend', 'cpu');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}: not a jointspace checkpoint`);
  });
});
