import { WEIGHT_PRECISIONS } from '../../core/manifest.ts';
import { formatMetricsTable } from '../../core/metrics-table.ts';
import { SPACES } from '../../core/model-files.ts';
import { SPLIT_NAMES, type SplitName } from '../../trainer/data/dataset.ts';
import { loadDataset } from '../../trainer/data/load.ts';
import { exportModel } from '../../trainer/export/export-model.ts';
import {
  CONVERTIBLE_EXTRACTORS,
  ExtractorChoiceError,
} from '../../trainer/export/extractor-choice.ts';
import { loadCheckpoint } from '../../trainer/train/checkpoint.ts';
import { command } from '../options/command.ts';
import { listOrAll, oneOf, text, UsageError } from '../options/kinds.ts';
import { option, toggle } from '../options/option-table.ts';
import {
  BACKEND_OPTIONS,
  CHECKPOINT_OPTIONS,
  checkpointPath,
  DATA_OPTIONS,
  loadOptions,
  PROGRESS_OPTIONS,
  progressStream,
  startBackend,
} from '../options/shared-options.ts';

/** Every flag the command takes. */
export const EXPORT_OPTIONS = {
  ...CHECKPOINT_OPTIONS,
  ...DATA_OPTIONS,
  out: option({
    flag: 'out',
    kind: text('DIR'),
    default: 'artifacts',
    help: 'where model versions go',
    group: 'Export',
  }),
  weights: option({
    flag: 'weights',
    value: 'P',
    kind: oneOf(WEIGHT_PRECISIONS),
    default: 'float32',
    help: 'how the ONNX files store weight matrices; float16 halves them, int8 quarters them',
    group: 'Export',
  }),
  splits: option({
    flag: 'splits',
    kind: listOrAll(SPLIT_NAMES),
    default: 'all',
    help: 'splits whose images and captions become vectors; all: every split the dataset has',
    group: 'Export',
  }),
  evalSplit: option({
    flag: 'eval-split',
    value: 'S',
    kind: oneOf<SplitName | 'none'>([...SPLIT_NAMES, 'none']),
    defaultText: 'test, or val when there is no test split',
    help: 'split scored for the manifest',
    group: 'Export',
  }),
  space: option({
    flag: 'space',
    kind: oneOf(SPACES),
    defaultText: 'regularities for bow, else retrieval',
    help: 'the space the version serves',
    group: 'Export',
  }),
  version: option({
    flag: 'version',
    kind: text('NAME'),
    defaultText: 'model, data, precision and a content hash',
    help: "the version's name",
    group: 'Export',
  }),
  extractor: option({
    flag: 'extractor',
    value: 'ID',
    kind: oneOf(CONVERTIBLE_EXTRACTORS),
    defaultText: "the one the features' sidecar records",
    help: 'the CNN that made the features, for features without a sidecar (the shared Flickr8k .npy): writes image_encoder.onnx',
    group: 'Export',
  }),
  imageBaseUrl: option({
    flag: 'image-base-url',
    kind: text('URL'),
    help: "give each image's metadata a url: URL + its file name",
    group: 'Export',
  }),
  force: toggle({
    flag: 'force',
    help: 'replace an existing version folder of the same name',
    group: 'Export',
  }),
  ...BACKEND_OPTIONS,
  ...PROGRESS_OPTIONS,
};

export const exportCommand = command({
  name: 'export',
  title: 'turn a trained model into a model version folder for the worker',
  usage: ['jointspace export --run DIR --data PATH [--out artifacts] [--weights float32]'],
  options: EXPORT_OPTIONS,
  epilogue: `Writes DIR/<version>/ with sentence_encoder.onnx, image_projection.onnx, vocab.json,
images.ndjson, captions.ndjson (Vectorize's format), the same vectors as flat index files
(flat/<kind>.float32.bin and .int8.bin, for the worker's local default) and manifest.json
(dimensions, vocabulary hash, data, the evaluation table, a SHA-256 per file). When the
features came from the project's extractor (${CONVERTIBLE_EXTRACTORS.join(', ')}; recorded by
\`jointspace features\`, or vouched for with --extractor), also image_encoder.onnx: pixels to
image vector, the CNN and the projection in one graph, for queries by picture. The ONNX files
are run in onnxruntime-web on a sample (the image encoder on a few pictures, against the
trainer's extractor) before anything is put in place.`,
  compute: true,
  async run({ values }) {
    const path = checkpointPath(values);
    const { data, weights: precision } = values;
    const checkpoint = await loadCheckpoint(path);
    const encoder = checkpoint.header.model.encoder;
    const space = values.space ?? (encoder === 'bow' ? 'regularities' : 'retrieval');

    const dataset = await loadDataset(data, loadOptions(values));
    const available = SPLIT_NAMES.filter((s) => dataset.splits[s] !== undefined);
    const splits = values.splits === 'all' ? available : values.splits;
    const missing = splits.filter((s) => !available.includes(s));
    if (missing.length > 0) throw new UsageError(`${data} has no ${missing.join(', ')} split`);
    // No test split (Flickr8k here): score val instead, unless a split was asked for by name.
    const evalChoice = values.evalSplit ?? 'test';
    const evalSplit: SplitName | null =
      evalChoice === 'none'
        ? null
        : dataset.splits[evalChoice] || values.evalSplit !== undefined
          ? evalChoice
          : available.includes('val')
            ? 'val'
            : null;

    await startBackend(values);
    const result = await exportModel({
      checkpoint,
      dataset,
      outRoot: values.out,
      precision,
      splits,
      evalSplit,
      space,
      ...(values.version !== undefined ? { version: values.version } : {}),
      ...(values.imageBaseUrl !== undefined ? { imageBaseUrl: values.imageBaseUrl } : {}),
      ...(values.extractor !== undefined ? { extractor: values.extractor } : {}),
      force: values.force,
      progressStream: progressStream(values),
    }).catch((e: unknown) => {
      // An extractor that contradicts the data or the model is a mistake in the call.
      throw e instanceof ExtractorChoiceError ? new UsageError(e.message) : e;
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
        `  ${manifest.space} space, ${encoder} ${manifest.model.dimension}-d, ${manifest.vectors.images.count} image and ${manifest.vectors.captions.count} caption vectors` +
        (manifest.onnx.imageEncoder
          ? `\n  takes pictures: ${manifest.onnx.imageEncoder.file} (${manifest.onnx.imageEncoder.extractor} CNN)`
          : ''),
    );
  },
});

export const EXPORT_HELP = exportCommand.help;
