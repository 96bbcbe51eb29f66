import { parseArgs } from 'node:util';
import { SPACES, type Space, WEIGHT_PRECISIONS } from '../../core/manifest.ts';
import { formatMetricsTable } from '../../core/metrics-table.ts';
import { SPLIT_NAMES, type SplitName } from '../../trainer/data/dataset.ts';
import { DATASET_FORMATS, loadDataset } from '../../trainer/data/load.ts';
import { exportModel } from '../../trainer/export/export-model.ts';
import { loadCheckpoint } from '../../trainer/train/checkpoint.ts';
import { oneOf, UsageError } from './args.ts';
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

export const EXPORT_HELP = `jointspace export: turn a trained model into a model version folder for the worker

  jointspace export --run DIR --data PATH [--out artifacts] [--weights float32]

  --run DIR             a training run folder (uses its best.ckpt)
  --checkpoint FILE     or a checkpoint file
  --data PATH           the dataset the vectors are made from (same forms as train --data)
  --format F            ${DATASET_FORMATS.join(' | ')} (default: detected)
  --features FILE       Karpathy features file
  --out DIR             where model versions go (default artifacts)
  --weights P           ${WEIGHT_PRECISIONS.join(' | ')}: how the ONNX files store weight matrices
                        (default float32; float16 halves them, int8 quarters them)
  --splits LIST         splits whose images and captions become vectors, comma-separated,
                        or all (default all the dataset has)
  --eval-split S        split scored for the manifest: train | val | test | none
                        (default test, or val when there is no test split)
  --space S             ${SPACES.join(' | ')} (default: regularities for bow, else retrieval)
  --version NAME        the version's name (default: model, data, precision and a content hash)
  --image-base-url URL  give each image's metadata a url: URL + its file name
  --force               replace an existing version folder of the same name
${BACKEND_HELP}
  -h, --help

Writes DIR/<version>/ with sentence_encoder.onnx, image_projection.onnx, vocab.json,
images.ndjson, captions.ndjson (Vectorize's format) and manifest.json (dimensions,
vocabulary hash, data, the evaluation table, a SHA-256 per file). The ONNX files are run in
onnxruntime-web on a sample before anything is put in place.`;

function parseSplits(value: string | undefined, available: SplitName[]): SplitName[] {
  if (value === undefined || value === 'all') return available;
  const names = value.split(',').map((s) => s.trim());
  for (const name of names) oneOf('--splits', name, SPLIT_NAMES, 'train');
  return SPLIT_NAMES.filter((s) => names.includes(s));
}

export const exportCommand = computeCommand(async (argv: string[]): Promise<void> => {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      ...CHECKPOINT_FLAGS,
      ...DATA_FLAGS,
      out: { type: 'string' },
      weights: { type: 'string' },
      splits: { type: 'string' },
      'eval-split': { type: 'string' },
      space: { type: 'string' },
      version: { type: 'string' },
      'image-base-url': { type: 'string' },
      force: { type: 'boolean', default: false },
      ...BACKEND_FLAGS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(EXPORT_HELP);
    return;
  }
  const { path, data } = checkpointAndData(values);
  const precision = oneOf('--weights', values.weights, WEIGHT_PRECISIONS, 'float32');
  const evalChoice = oneOf('--eval-split', values['eval-split'], [...SPLIT_NAMES, 'none'], 'test');
  const checkpoint = await loadCheckpoint(path);
  const encoder = checkpoint.header.model.encoder;
  const space = oneOf<Space>(
    '--space',
    values.space,
    SPACES,
    encoder === 'bow' ? 'regularities' : 'retrieval',
  );

  const dataset = await loadDataset(data, loadOptions(values));
  const available = SPLIT_NAMES.filter((s) => dataset.splits[s] !== undefined);
  const splits = parseSplits(values.splits, available);
  const missing = splits.filter((s) => !available.includes(s));
  if (missing.length > 0) throw new UsageError(`${data} has no ${missing.join(', ')} split`);
  // No test split (Flickr8k here): score val instead, unless a split was asked for by name.
  const evalSplit: SplitName | null =
    evalChoice === 'none'
      ? null
      : dataset.splits[evalChoice] || values['eval-split'] !== undefined
        ? evalChoice
        : available.includes('val')
          ? 'val'
          : null;

  await startBackend(values);
  const result = await exportModel({
    checkpoint,
    dataset,
    outRoot: values.out ?? 'artifacts',
    precision,
    splits,
    evalSplit,
    space,
    ...(values.version !== undefined ? { version: values.version } : {}),
    ...(values['image-base-url'] !== undefined ? { imageBaseUrl: values['image-base-url'] } : {}),
    force: values.force,
  });
  const { manifest } = result;
  if (result.metrics && manifest.evaluation) {
    const e = manifest.evaluation;
    console.log(
      formatMetricsTable(
        result.metrics,
        `${encoder} (${precision} weights) on ${dataset.name} ${e.split} (${e.images} images, ${e.captions} captions)`,
      ),
    );
  }
  console.log(
    `${result.written ? 'exported' : 'already exported (identical files kept)'}: ${result.dir}\n` +
      `  ${manifest.space} space, ${encoder} ${manifest.model.dimension}-d, ${manifest.vectors.images.count} image and ${manifest.vectors.captions.count} caption vectors`,
  );
});
