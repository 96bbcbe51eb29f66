import { writeFile } from 'node:fs/promises';
import { formatMetricsTable } from '../../core/metrics-table.ts';
import { Vocabulary } from '../../core/vocabulary.ts';
import { SPLIT_NAMES } from '../../trainer/data/dataset.ts';
import { loadDataset } from '../../trainer/data/load.ts';
import { directionRow, evaluateSplit } from '../../trainer/evaluate/evaluate.ts';
import { JointModel } from '../../trainer/model/model.ts';
import { loadCheckpoint } from '../../trainer/train/checkpoint.ts';
import { command } from '../options/command.ts';
import { oneOf, text } from '../options/kinds.ts';
import { option } from '../options/option-table.ts';
import {
  BACKEND_OPTIONS,
  CHECKPOINT_OPTIONS,
  checkpointPath,
  DATA_OPTIONS,
  loadOptions,
  startBackend,
} from '../options/shared-options.ts';

/** Every flag the command takes. */
export const EVALUATE_OPTIONS = {
  ...CHECKPOINT_OPTIONS,
  ...DATA_OPTIONS,
  split: option({
    flag: 'split',
    kind: oneOf(SPLIT_NAMES),
    default: 'test',
    help: 'the split scored',
    group: 'Evaluation',
  }),
  json: option({
    flag: 'json',
    kind: text('FILE'),
    help: 'also write the table as JSON',
    group: 'Evaluation',
  }),
  ...BACKEND_OPTIONS,
};

export const evaluateCommand = command({
  name: 'evaluate',
  title: 'score a trained model on a split of a dataset',
  usage: ['jointspace evaluate --run DIR --data PATH [--split test] [--json FILE]'],
  options: EVALUATE_OPTIONS,
  epilogue: `Prints Recall@1/5/10 and median and mean rank for annotation (image -> text) and search
(text -> image), as the paper's tables, computed over every image and caption of the split.`,
  compute: true,
  async run({ values }) {
    const path = checkpointPath(values);
    const { data, split: splitName } = values;
    const checkpoint = await loadCheckpoint(path);
    const dataset = await loadDataset(data, loadOptions(values, [splitName]));
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
    if (values.json !== undefined) {
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
  },
});

export const EVALUATE_HELP = evaluateCommand.help;
