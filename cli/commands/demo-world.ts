import { relative } from 'node:path';
import {
  DEFAULT_WORLD_OPTIONS as D,
  type DemoWorldOptions,
  generateDemoWorld,
  validateWorldOptions,
} from '../../trainer/demo/world.ts';
import { isUpToDate, writeDemoWorld } from '../../trainer/demo/write-world.ts';
import { command } from '../options/command.ts';
import { number, text, UsageError, wholeNumber } from '../options/kinds.ts';
import { option, toggle } from '../options/option-table.ts';

const group = 'Options';

/** Every flag the command takes. */
export const DEMO_WORLD_OPTIONS = {
  out: option({
    flag: 'out',
    kind: text('DIR'),
    default: 'data/demo',
    help: 'where to write it',
    group,
  }),
  images: option({
    flag: 'images',
    kind: wholeNumber({ min: 1 }),
    default: D.images,
    help: 'number of pictures',
    group,
  }),
  val: option({
    flag: 'val',
    kind: wholeNumber({ min: 0 }),
    default: D.val,
    help: 'pictures in the val split',
    group,
  }),
  test: option({
    flag: 'test',
    kind: wholeNumber({ min: 0 }),
    default: D.test,
    help: 'pictures in the test split',
    group,
  }),
  dim: option({
    flag: 'dim',
    kind: wholeNumber({ min: 1 }),
    default: D.features.dim,
    help: 'feature dimension',
    group,
  }),
  noise: option({
    flag: 'noise',
    kind: number({ min: 0 }),
    default: D.features.noise,
    help: 'per-picture feature noise',
    group,
  }),
  seed: option({ flag: 'seed', kind: wholeNumber(), default: D.seed, help: 'random seed', group }),
  force: toggle({
    flag: 'force',
    help: 'replace an existing world made from other options',
    group,
  }),
};

export const demoWorldCommand = command({
  name: 'demo-world',
  title: 'write the synthetic demo dataset',
  usage: ['jointspace demo-world [--out data/demo] [options]'],
  about: `Pictures described by colour, object, setting and count, five captions each from a small
grammar, 512-d CNN-like features, an SVG per picture, attribute ground truth and analogy cases,
in the Karpathy JSON + .npy format the trainer reads. Deterministic from --seed.`,
  options: DEMO_WORLD_OPTIONS,
  epilogue: 'An existing world made from the same options is left as it is.',
  async run({ values }) {
    const options: DemoWorldOptions = {
      images: values.images,
      val: values.val,
      test: values.test,
      seed: values.seed,
      captionsPerImage: D.captionsPerImage,
      features: { ...D.features, dim: values.dim, noise: values.noise },
    };
    try {
      validateWorldOptions(options);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const out = values.out;
    const shown = relative(process.cwd(), out) || '.';
    if (await isUpToDate(out, options)) {
      console.log(
        `Demo world in ${shown} is up to date (seed ${options.seed}, ${options.images} images).`,
      );
      return;
    }
    const start = performance.now();
    process.stderr.write(
      `Making a demo world of ${options.images} pictures (seed ${options.seed})...\n`,
    );
    const world = generateDemoWorld(options);
    process.stderr.write(`Writing ${shown}...\n`);
    const meta = await writeDemoWorld(world, out, { force: values.force });
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    const c = meta.counts;
    console.log(
      [
        `Demo world written to ${shown} in ${seconds} s:`,
        `  ${c.images} pictures (${c.train} train / ${c.val} val / ${c.test} test), ${c.captions} captions`,
        `  features ${meta.featureShape[0]} x ${meta.featureShape[1]} float32, ${meta.analogies} analogy cases`,
        `  e.g. ${world.images[0]?.filename}: "${world.images[0]?.captions[0]}"`,
      ].join('\n'),
    );
  },
});

export const DEMO_WORLD_HELP = demoWorldCommand.help;
