import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_WORLD_OPTIONS,
  type DemoWorldOptions,
  generateDemoWorld,
  validateWorldOptions,
} from '../../trainer/demo/world.ts';
import { isUpToDate, writeDemoWorld } from '../../trainer/demo/write-world.ts';
import { number, UsageError, wholeNumber } from './args.ts';

export const DEMO_WORLD_HELP = `jointspace demo-world: write the synthetic demo dataset

Pictures described by colour, object, setting and count, five captions each from a small
grammar, 512-d CNN-like features, an SVG per picture, attribute ground truth and analogy cases,
in the Karpathy JSON + .npy format the trainer reads. Deterministic from --seed.

Options:
  --out DIR       where to write it                     (default data/demo)
  --images N      number of pictures                    (default ${DEFAULT_WORLD_OPTIONS.images})
  --val N         pictures in the val split             (default ${DEFAULT_WORLD_OPTIONS.val})
  --test N        pictures in the test split            (default ${DEFAULT_WORLD_OPTIONS.test})
  --dim N         feature dimension                     (default ${DEFAULT_WORLD_OPTIONS.features.dim})
  --noise X       per-picture feature noise             (default ${DEFAULT_WORLD_OPTIONS.features.noise})
  --seed N        random seed                           (default ${DEFAULT_WORLD_OPTIONS.seed})
  --force         replace an existing world made from other options
  -h, --help      this text

An existing world made from the same options is left as it is.`;

export async function demoWorldCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      out: { type: 'string', default: 'data/demo' },
      images: { type: 'string' },
      val: { type: 'string' },
      test: { type: 'string' },
      dim: { type: 'string' },
      noise: { type: 'string' },
      seed: { type: 'string' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(DEMO_WORLD_HELP);
    return;
  }
  const d = DEFAULT_WORLD_OPTIONS;
  const options: DemoWorldOptions = {
    images: wholeNumber('--images', values.images, d.images),
    val: wholeNumber('--val', values.val, d.val),
    test: wholeNumber('--test', values.test, d.test),
    seed: wholeNumber('--seed', values.seed, d.seed),
    captionsPerImage: d.captionsPerImage,
    features: {
      ...d.features,
      dim: wholeNumber('--dim', values.dim, d.features.dim),
      noise: number('--noise', values.noise, d.features.noise),
    },
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
}
