import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatMetricsTable } from '../../core/metrics-table.ts';
import { Vocabulary } from '../../core/vocabulary.ts';
import type { SplitName } from '../../trainer/data/dataset.ts';
import { DATASET_FORMATS, loadDataset } from '../../trainer/data/load.ts';
import { directionRow, evaluateSplit } from '../../trainer/evaluate/evaluate.ts';
import { JointModel } from '../../trainer/model/model.ts';
import { loadCheckpoint } from '../../trainer/train/checkpoint.ts';
import { oneOf } from './args.ts';
import {
  BACKEND_FLAGS,
  BACKEND_HELP,
  CHECKPOINT_FLAGS,
  checkpointAndData,
  computeCommand,
  DATA_FLAGS,
  loadOptions,
  startBackend,
} from './shared-options.ts';

export const EVALUATE_HELP = `jointspace evaluate: score a trained model on a split of a dataset

  jointspace evaluate --run DIR --data PATH [--split test] [--json FILE]

  --run DIR           a training run folder (uses its best.ckpt)
  --checkpoint FILE   or a checkpoint file
  --data PATH         the dataset (same forms as train --data)
  --format F          ${DATASET_FORMATS.join(' | ')} (default: detected)
  --features FILE     Karpathy features file
  --split S           train | val | test (default test)
  --json FILE         also write the table as JSON
${BACKEND_HELP}
  -h, --help

Prints Recall@1/5/10 and median and mean rank for annotation (image -> text) and search
(text -> image), as the paper's tables, computed over every image and caption of the split.`;

export const evaluateCommand = computeCommand(async (argv: string[]): Promise<void> => {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      ...CHECKPOINT_FLAGS,
      ...DATA_FLAGS,
      split: { type: 'string' },
      json: { type: 'string' },
      ...BACKEND_FLAGS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(EVALUATE_HELP);
    return;
  }
  const { path, data } = checkpointAndData(values);
  const splitName = oneOf<SplitName>('--split', values.split, ['train', 'val', 'test'], 'test');
  const options = loadOptions(values, [splitName]);
  const checkpoint = await loadCheckpoint(path);
  const dataset = await loadDataset(data, options);
  const split = dataset.splits[splitName];
  if (!split) throw new Error(`${data} has no ${splitName} split`);
  const { model: modelConfig, train } = checkpoint.header;
  if (split.dim !== modelConfig.featureDim) {
    throw new Error(
      `${data}'s features are ${split.dim}-d; the model was trained on ${modelConfig.featureDim}-d`,
    );
  }
  await startBackend(values);
  const vocab = Vocabulary.fromJSON(checkpoint.header.vocabulary);
  const model = new JointModel(modelConfig, checkpoint.weights);
  const metrics = await evaluateSplit(model, split, vocab, train.maxLength);
  model.dispose();

  const title = `${modelConfig.encoder} on ${dataset.name} ${splitName} (${split.imageIds.length} images, ${split.captions.length} captions)`;
  console.log(formatMetricsTable(metrics, title));
  if (values.json) {
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
      annotation: directionRow(metrics.annotation),
      search: directionRow(metrics.search),
      rsum: metrics.rsum,
    };
    await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`wrote ${values.json}\n`);
  }
});
