import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatMetricsTable } from '../../core/metrics-table.ts';
import { Vocabulary } from '../../core/vocabulary.ts';
import type { SplitName } from '../data/dataset.ts';
import { DATASET_FORMATS, loadDataset } from '../data/load.ts';
import { JointModel } from '../model/model.ts';
import { BACKEND_CHOICES, defaultThreads, describeBackend, selectBackend } from '../tf/backend.ts';
import { stopWasmThreads } from '../tf/wasm-threads.ts';
import { loadCheckpoint } from '../train/checkpoint.ts';
import { evaluateSplit } from '../train/evaluate.ts';
import { RUN_FILES } from '../train/run-files.ts';
import { atLeast, oneOf, UsageError } from './args.ts';

export const EVALUATE_HELP = `jointspace evaluate: score a trained model on a split of a dataset

  jointspace evaluate --run DIR --data PATH [--split test] [--json FILE]

  --run DIR           a training run folder (uses its best.ckpt)
  --checkpoint FILE   or a checkpoint file
  --data PATH         the dataset (same forms as train --data)
  --format F          ${DATASET_FORMATS.join(' | ')} (default: detected)
  --features FILE     Karpathy features file
  --split S           train | val | test (default test)
  --json FILE         also write the table as JSON
  --backend B         ${BACKEND_CHOICES.join(' | ')} (default auto)
  --threads N         wasm threads (default: one per core)
  -h, --help

Prints Recall@1/5/10 and median and mean rank for annotation (image -> text) and search
(text -> image), as the paper's tables, computed over every image and caption of the split.`;

export async function evaluateCommand(argv: string[]): Promise<void> {
  try {
    await run(argv);
  } finally {
    // Pool threads would keep the process alive after the work is done.
    await stopWasmThreads();
  }
}

async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      run: { type: 'string' },
      checkpoint: { type: 'string' },
      data: { type: 'string' },
      format: { type: 'string' },
      features: { type: 'string' },
      split: { type: 'string' },
      json: { type: 'string' },
      backend: { type: 'string' },
      threads: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(EVALUATE_HELP);
    return;
  }
  const path = values.checkpoint ?? (values.run ? RUN_FILES(values.run).best : undefined);
  if (!path) throw new UsageError('--run or --checkpoint is required');
  if (!existsSync(path)) throw new UsageError(`${path} does not exist`);
  if (!values.data) throw new UsageError('--data is required');
  const splitName = oneOf<SplitName>('--split', values.split, ['train', 'val', 'test'], 'test');
  const format =
    values.format === undefined
      ? undefined
      : oneOf('--format', values.format, DATASET_FORMATS, 'karpathy');

  const checkpoint = await loadCheckpoint(path);
  const dataset = await loadDataset(values.data, {
    ...(format ? { format } : {}),
    ...(values.features ? { features: values.features } : {}),
    splits: [splitName],
  });
  const split = dataset.splits[splitName];
  if (!split) throw new Error(`${values.data} has no ${splitName} split`);
  const { model: modelConfig, train } = checkpoint.header;
  if (split.dim !== modelConfig.featureDim) {
    throw new Error(
      `${values.data}'s features are ${split.dim}-d; the model was trained on ${modelConfig.featureDim}-d`,
    );
  }
  const backend = await selectBackend(oneOf('--backend', values.backend, BACKEND_CHOICES, 'auto'), {
    threads: atLeast('--threads', values.threads, defaultThreads(), 1),
  });
  process.stderr.write(`${describeBackend(backend)}\n`);
  const vocab = Vocabulary.fromJSON(checkpoint.header.vocabulary);
  const model = new JointModel(modelConfig, checkpoint.weights);
  const metrics = await evaluateSplit(model, split, vocab, train.maxLength);
  model.dispose();

  const title = `${modelConfig.encoder} on ${dataset.name} ${splitName} (${split.imageIds.length} images, ${split.captions.length} captions)`;
  console.log(formatMetricsTable(metrics, title));
  if (values.json) {
    const strip = (d: typeof metrics.annotation) => ({
      r1: d.r1,
      r5: d.r5,
      r10: d.r10,
      medianRank: d.medianRank,
      meanRank: d.meanRank,
    });
    const report = {
      checkpoint: path,
      dataset: {
        name: dataset.name,
        source: dataset.source,
        split: splitName,
        images: split.imageIds.length,
        captions: split.captions.length,
      },
      model: modelConfig,
      update: checkpoint.header.progress.bestUpdate,
      annotation: strip(metrics.annotation),
      search: strip(metrics.search),
      rsum: metrics.rsum,
    };
    await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`wrote ${values.json}\n`);
  }
}
