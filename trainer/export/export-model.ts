import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ManifestFile,
  ManifestImageEncoder,
  ModelManifest,
  WeightPrecision,
} from '../../core/manifest.ts';
import type { RankingMetrics } from '../../core/metrics.ts';
import { MODEL_FILES, type Space } from '../../core/model-files.ts';
import { Vocabulary } from '../../core/vocabulary.ts';
import type { Dataset, SplitName } from '../data/dataset.ts';
import { JointModel } from '../model/model.ts';
import type { Checkpoint } from '../train/checkpoint.ts';
import { chooseExtractor, type ExtractorChoice } from './extractor-choice.ts';
import { writeVersionFlatIndexes } from './flat-index-files.ts';
import { writeImageEncoder } from './image-encoder-file.ts';
import { manifestOf } from './manifest-of.ts';
import {
  checkVersionName,
  contentHash,
  defaultVersion,
  fileEntryOf,
  installVersion,
} from './model-version.ts';
import { ONNX_OPSET } from './onnx/graph-builder.ts';
import { buildImageProjection } from './onnx/image-projection.ts';
import { buildSentenceEncoder } from './onnx/sentence-encoder.ts';
import { effectiveWeights, type StoredWeights, storeWeights } from './stored-weights.ts';
import { writeVectorFiles } from './vector-files.ts';
import { checkParity, type ParityReport } from './verify-onnx.ts';

/**
 * `export`: a trained checkpoint -> a model version folder (DESIGN.md): the two ONNX encoders,
 * the vocabulary, image and caption vectors in Vectorize's NDJSON and as flat index files, and a
 * manifest with a checksum per file. When the features came from the project's own extractor,
 * also the image encoder (pixels -> image vector: the CNN and the projection in one graph),
 * checked against the trainer's extractor on a few pictures (image-encoder-file.ts).
 *
 * The weights are first stored at the chosen precision; the vectors and the evaluation table are
 * then computed by the trainer's model loaded with exactly those stored values, so that what the
 * files say is what the shipped encoders do. Before anything is put in place, the ONNX files are
 * run in onnxruntime-web on a sample and compared with the written vectors. Everything is
 * written to a staging folder beside the target and renamed into place at the end: a failed
 * export leaves nothing half-written.
 */

export interface ExportRequest {
  checkpoint: Checkpoint;
  dataset: Dataset;
  /** The folder model versions go into (artifacts/). */
  outRoot: string;
  precision: WeightPrecision;
  /** Splits whose images and captions are written as vectors. */
  splits: SplitName[];
  /** The split scored for the manifest's table; null for none. */
  evalSplit: SplitName | null;
  space: Space;
  /** A name for the version; default: made from the model, the data and a content hash. */
  version?: string;
  /** When set, each image's metadata carries `url`: this + its file name. */
  imageBaseUrl?: string;
  /**
   * The extractor that made the features, for features that do not record it (the export's
   * --extractor); it must agree with the dataset's record when there is one.
   */
  extractor?: string;
  /** Replace an existing version folder of the same name that holds different files. */
  force?: boolean;
  /** Progress lines go here (default: stderr). */
  log?: (line: string) => void;
  /** Where progress bars draw (default: stderr). */
  progressStream?: { write(chunk: string): unknown; isTTY?: boolean };
}

export interface ExportResult {
  dir: string;
  manifest: ModelManifest;
  /** False when an identical version was already there and was kept. */
  written: boolean;
  parity: ParityReport;
  /** The evaluation as the trainer computes it (ranks included), or null. */
  metrics: RankingMetrics | null;
}

export async function exportModel(request: ExportRequest): Promise<ExportResult> {
  const log = request.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { checkpoint, dataset, precision } = request;
  const { header } = checkpoint;
  const extractorChoice = checkRequest(request);
  // The vectors are computed with exactly the weights the ONNX files store.
  const stored = storeWeights(header.model, checkpoint.weights, precision);
  const model = new JointModel(header.model, effectiveWeights(stored));
  const staging = join(request.outRoot, `.export-${process.pid}-${Date.now()}`);
  await mkdir(staging, { recursive: true });
  try {
    const { files, graphs } = await writeGraphs(staging, checkpoint, stored);
    log(
      `wrote ${MODEL_FILES.sentenceEncoder} (${kib(graphs.sentence.length)}) and ${MODEL_FILES.imageProjection} (${kib(graphs.image.length)}), ${precision} weights, opset ${ONNX_OPSET}`,
    );

    const imageEncoder = await maybeImageEncoder(staging, extractorChoice, {
      model,
      stored,
      dataset,
      metadata: graphMetadata(checkpoint, stored),
      log,
    });
    if (imageEncoder) files[MODEL_FILES.imageEncoder] = imageEncoder.file;

    const vectors = await writeVectorFiles({
      dir: staging,
      model,
      vocabulary: Vocabulary.fromJSON(header.vocabulary),
      maxLength: header.train.maxLength,
      dataset,
      splits: request.splits,
      evalSplit: request.evalSplit,
      imageBaseUrl: request.imageBaseUrl,
      progressStream: request.progressStream ?? process.stderr,
    });
    files[MODEL_FILES.images] = vectors.images;
    files[MODEL_FILES.captions] = vectors.captions;

    const parity = await checkParity(graphs.sentence, graphs.image, vectors.sample);
    log(
      `checked in onnxruntime-web: ${parity.captions} captions and ${parity.images} images, max |difference| ${parity.sentenceMaxDiff.toExponential(1)} and ${parity.imageMaxDiff.toExponential(1)}`,
    );

    // Named by the content before the flat files, which carry the name in their headers.
    const version =
      request.version ??
      defaultVersion({
        encoder: header.model.encoder,
        dimension: header.model.jointDim,
        data: dataset.name,
        precision,
        hash: contentHash(files, request.space),
      });
    const flat = await writeVersionFlatIndexes(
      staging,
      { images: MODEL_FILES.images, captions: MODEL_FILES.captions },
      { version, dimension: header.model.jointDim },
    );
    Object.assign(files, flat.files);

    const manifest = manifestOf({
      version,
      space: request.space,
      precision,
      header,
      dataset,
      splits: request.splits,
      counts: { images: vectors.images.count, captions: vectors.captions.count },
      flat: flat.flat,
      evaluation: vectors.evaluation,
      extractor: extractorChoice.extractor,
      imageEncoder: imageEncoder?.entry ?? null,
      files,
    });
    await writeFile(join(staging, MODEL_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
    const dir = join(request.outRoot, version);
    const written = await installVersion(staging, dir, files, request.force ?? false);
    return { dir, manifest, written, parity, metrics: vectors.metrics };
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  } finally {
    model.dispose();
  }
}

/**
 * Refuses a request that cannot succeed, before anything is computed; says whether an image
 * encoder is written.
 */
function checkRequest(request: ExportRequest): ExtractorChoice {
  const { dataset, evalSplit } = request;
  const { featureDim } = request.checkpoint.header.model;
  if (request.version !== undefined) checkVersionName(request.version);
  for (const name of request.splits) {
    const split = dataset.splits[name];
    if (!split) throw new Error(`${dataset.name} has no ${name} split to export`);
    if (split.dim !== featureDim) {
      throw new Error(
        `${dataset.name}'s features are ${split.dim}-d; the model takes ${featureDim}-d`,
      );
    }
  }
  if (evalSplit && !dataset.splits[evalSplit]) {
    throw new Error(`${dataset.name} has no ${evalSplit} split to evaluate on`);
  }
  return chooseExtractor(dataset.extractor, request.extractor, featureDim);
}

/** Writes and checks the image encoder when the extractor allows one; logs either way. */
async function maybeImageEncoder(
  dir: string,
  choice: ExtractorChoice,
  parts: {
    model: JointModel;
    stored: StoredWeights;
    dataset: Dataset;
    metadata: Record<string, string>;
    log: (line: string) => void;
  },
): Promise<{ file: ManifestFile; entry: ManifestImageEncoder } | null> {
  if (!choice.imageEncoder) {
    parts.log(`no image encoder: ${choice.reason}`);
    return null;
  }
  const started = performance.now();
  const written = await writeImageEncoder({ dir, extractor: choice.extractor, ...parts });
  const { parity } = written.entry;
  parts.log(
    `wrote ${MODEL_FILES.imageEncoder} (${kib(written.file.bytes)}, ${choice.extractor} CNN, ${parts.stored.precision} weights); checked in onnxruntime-web against the trainer's extractor on ${parity.pictures} pictures (${written.photos} of the dataset's photos): max |difference| ${parity.maxAbsDifference.toExponential(1)}, min cosine ${parity.minCosine.toFixed(7)}, ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return written;
}

/** The two ONNX graphs and the vocabulary, written and listed with their checksums. */
async function writeGraphs(
  dir: string,
  checkpoint: Checkpoint,
  stored: StoredWeights,
): Promise<{
  files: Record<string, ManifestFile>;
  graphs: { sentence: Uint8Array; image: Uint8Array };
}> {
  const { model: config, vocabulary } = checkpoint.header;
  const metadata = graphMetadata(checkpoint, stored);
  const sentence = buildSentenceEncoder(config, stored, metadata);
  const image = buildImageProjection(config, stored, metadata);
  const vocabBytes = new TextEncoder().encode(
    `${JSON.stringify(Vocabulary.fromJSON(vocabulary).toJSON())}\n`,
  );
  const files: Record<string, ManifestFile> = {};
  for (const [name, bytes] of [
    [MODEL_FILES.sentenceEncoder, sentence],
    [MODEL_FILES.imageProjection, image],
    [MODEL_FILES.vocabulary, vocabBytes],
  ] as const) {
    await writeFile(join(dir, name), bytes);
    files[name] = fileEntryOf(bytes);
  }
  return { files, graphs: { sentence, image } };
}

/** What every exported ONNX graph carries in its metadata_props. */
function graphMetadata(checkpoint: Checkpoint, stored: StoredWeights): Record<string, string> {
  const { vocabulary } = checkpoint.header;
  return {
    vocabularyHash: vocabulary.hash,
    tokenizer: vocabulary.tokenizer,
    weights: stored.precision,
  };
}

function kib(bytes: number): string {
  return bytes >= 1 << 20
    ? `${(bytes / (1 << 20)).toFixed(1)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
}
