import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  IMAGE_PROJECTION_IO,
  MANIFEST_FORMAT,
  MANIFEST_FORMAT_VERSION,
  type ManifestEvaluation,
  type ManifestFile,
  MODEL_FILES,
  type ModelManifest,
  SENTENCE_ENCODER_IO,
  type Space,
  type WeightPrecision,
} from '../../core/manifest.ts';
import type { RankingMetrics } from '../../core/metrics.ts';
import { captionVectorId, imageVectorId } from '../../core/vector-ids.ts';
import {
  type CaptionMetadata,
  formatVectorRecord,
  type ImageMetadata,
} from '../../core/vector-records.ts';
import { Vocabulary } from '../../core/vocabulary.ts';
import type { Dataset, SplitData, SplitName } from '../data/dataset.ts';
import { embedCaptions, embedImages } from '../evaluate/embed.ts';
import { directionRow, metricsOf } from '../evaluate/evaluate.ts';
import { JointModel } from '../model/model.ts';
import { Progress } from '../report/progress.ts';
import { encodeCaptions } from '../train/batches.ts';
import type { Checkpoint } from '../train/checkpoint.ts';
import {
  checkVersionName,
  contentHash,
  defaultVersion,
  fileEntryOf,
  installVersion,
} from './model-version.ts';
import { NdjsonWriter } from './ndjson-writer.ts';
import { ONNX_IR_VERSION, ONNX_OPSET } from './onnx/graph-builder.ts';
import { buildImageProjection } from './onnx/image-projection.ts';
import { buildSentenceEncoder } from './onnx/sentence-encoder.ts';
import { effectiveWeights, storeWeights } from './stored-weights.ts';
import { checkParity, type ParityReport, type ParitySample } from './verify-onnx.ts';

/**
 * `export`: a trained checkpoint -> a model version folder (DESIGN.md): the two ONNX encoders,
 * the vocabulary, image and caption vectors in Vectorize's NDJSON, and a manifest with a
 * checksum per file.
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

/** How many captions and images the onnxruntime-web check runs. */
const PARITY_CAPTIONS = 48;
const PARITY_IMAGES = 16;

function tableOf(metrics: RankingMetrics, split: SplitData): ManifestEvaluation {
  return {
    split: split.name,
    images: split.imageIds.length,
    captions: split.captions.length,
    annotation: directionRow(metrics.annotation),
    search: directionRow(metrics.search),
    rsum: metrics.rsum,
  };
}

/** Caption indices for the parity check: the shortest, the longest, ones with unknown words, and an even spread. */
function paritySampleIndices(ids: readonly Int32Array[]): number[] {
  const byLength = ids
    .map((_, i) => i)
    .sort((a, b) => (ids[a] as Int32Array).length - (ids[b] as Int32Array).length);
  const chosen = new Set<number>([...byLength.slice(0, 4), ...byLength.slice(-8)]);
  for (const [i, caption] of ids.entries()) {
    if (chosen.size >= PARITY_CAPTIONS / 2) break;
    if (caption.includes(1)) chosen.add(i);
  }
  const step = Math.max(1, Math.floor(ids.length / PARITY_CAPTIONS));
  for (let i = 0; i < ids.length && chosen.size < PARITY_CAPTIONS; i += step) chosen.add(i);
  return [...chosen];
}

export async function exportModel(request: ExportRequest): Promise<ExportResult> {
  const log = request.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const stream = request.progressStream ?? process.stderr;
  const { checkpoint, dataset } = request;
  const { model: config, train, vocabulary: vocabJSON, progress } = checkpoint.header;
  if (request.version !== undefined) checkVersionName(request.version);
  const vocab = Vocabulary.fromJSON(vocabJSON);
  for (const name of request.splits) {
    const split = dataset.splits[name];
    if (!split) throw new Error(`${dataset.name} has no ${name} split to export`);
    if (split.dim !== config.featureDim) {
      throw new Error(
        `${dataset.name}'s features are ${split.dim}-d; the model takes ${config.featureDim}-d`,
      );
    }
  }
  if (request.evalSplit && !dataset.splits[request.evalSplit]) {
    throw new Error(`${dataset.name} has no ${request.evalSplit} split to evaluate on`);
  }

  const stored = storeWeights(config, checkpoint.weights, request.precision);
  const model = new JointModel(config, effectiveWeights(stored));
  const staging = join(request.outRoot, `.export-${process.pid}-${Date.now()}`);
  await mkdir(staging, { recursive: true });
  const writers: NdjsonWriter[] = [];
  try {
    const onnxMetadata = {
      vocabularyHash: vocabJSON.hash,
      tokenizer: vocabJSON.tokenizer,
      weights: request.precision,
    };
    const sentenceBytes = buildSentenceEncoder(config, stored, onnxMetadata);
    const imageBytes = buildImageProjection(config, stored, onnxMetadata);
    const vocabBytes = new TextEncoder().encode(`${JSON.stringify(vocab.toJSON())}\n`);
    const files: Record<string, ManifestFile> = {};
    for (const [name, bytes] of [
      [MODEL_FILES.sentenceEncoder, sentenceBytes],
      [MODEL_FILES.imageProjection, imageBytes],
      [MODEL_FILES.vocabulary, vocabBytes],
    ] as const) {
      await writeFile(join(staging, name), bytes);
      files[name] = fileEntryOf(bytes);
    }
    log(
      `wrote ${MODEL_FILES.sentenceEncoder} (${kib(sentenceBytes.length)}) and ${MODEL_FILES.imageProjection} (${kib(imageBytes.length)}), ${request.precision} weights, opset ${ONNX_OPSET}`,
    );

    const imagesOut = await NdjsonWriter.create(join(staging, MODEL_FILES.images));
    writers.push(imagesOut);
    const captionsOut = await NdjsonWriter.create(join(staging, MODEL_FILES.captions));
    writers.push(captionsOut);
    const seenImages = new Map<string, string>();
    const D = config.jointDim;
    const sample: ParitySample = {
      captions: [],
      captionVectors: [],
      features: [],
      imageVectors: [],
    };
    let metrics: RankingMetrics | null = null;
    let evaluation: ManifestEvaluation | null = null;

    const splitsToEmbed = [...request.splits];
    if (request.evalSplit && !splitsToEmbed.includes(request.evalSplit))
      splitsToEmbed.push(request.evalSplit);
    for (const name of splitsToEmbed) {
      const split = dataset.splits[name] as SplitData;
      const written = request.splits.includes(name);
      const nImages = split.imageIds.length;
      const bar = new Progress({ total: nImages, label: `${name} images`, unit: 'images', stream });
      const images = await embedImages(model, split.features, split.dim, 1000, (done) =>
        bar.update(done),
      );
      bar.finish();
      const encoded = encodeCaptions(split.tokens, split.captionImage, vocab, train.maxLength);
      const capBar = new Progress({
        total: encoded.ids.length,
        label: `${name} captions`,
        unit: 'captions',
        stream,
      });
      const captions = await embedCaptions(model, encoded.ids, 256, (done) => capBar.update(done));
      capBar.finish();

      if (name === request.evalSplit) {
        metrics = metricsOf({ images, captions }, split, D);
        evaluation = tableOf(metrics, split);
      }
      if (!written) continue;

      const ids = split.imageIds.map((file) => {
        const id = imageVectorId(file);
        const other = seenImages.get(id);
        if (other !== undefined) {
          throw new Error(
            `two images would share the vector id ${JSON.stringify(id)}: ${JSON.stringify(other)} and ${JSON.stringify(file)}`,
          );
        }
        seenImages.set(id, file);
        return id;
      });
      for (let i = 0; i < nImages; i++) {
        const file = split.imageIds[i] as string;
        const metadata: ImageMetadata = { file, split: name };
        if (request.imageBaseUrl !== undefined)
          metadata.url = request.imageBaseUrl + encodeURIComponent(file);
        await imagesOut.write(
          formatVectorRecord(ids[i] as string, images.subarray(i * D, (i + 1) * D), metadata),
        );
      }
      const ordinal = new Int32Array(nImages);
      for (let j = 0; j < split.captions.length; j++) {
        const image = split.captionImage[j] as number;
        const metadata: CaptionMetadata = {
          text: split.captions[j] as string,
          imageId: ids[image] as string,
          split: name,
        };
        const id = captionVectorId(ids[image] as string, ordinal[image] as number);
        ordinal[image] = (ordinal[image] as number) + 1;
        await captionsOut.write(
          formatVectorRecord(id, captions.subarray(j * D, (j + 1) * D), metadata),
        );
      }
      if (sample.captions.length === 0) {
        for (const j of paritySampleIndices(encoded.ids)) {
          sample.captions.push(encoded.ids[j] as Int32Array);
          sample.captionVectors.push(captions.slice(j * D, (j + 1) * D));
        }
        for (let i = 0; i < Math.min(PARITY_IMAGES, nImages); i++) {
          sample.features.push(split.features.slice(i * split.dim, (i + 1) * split.dim));
          sample.imageVectors.push(images.slice(i * D, (i + 1) * D));
        }
      }
    }
    files[MODEL_FILES.images] = await imagesOut.close();
    files[MODEL_FILES.captions] = await captionsOut.close();
    writers.length = 0;

    const parity = await checkParity(sentenceBytes, imageBytes, sample);
    log(
      `checked in onnxruntime-web: ${parity.captions} captions and ${parity.images} images, max |difference| ${parity.sentenceMaxDiff.toExponential(1)} and ${parity.imageMaxDiff.toExponential(1)}`,
    );

    const version =
      request.version ??
      defaultVersion({
        encoder: config.encoder,
        dimension: config.jointDim,
        data: dataset.name,
        precision: request.precision,
        hash: contentHash(files, request.space),
      });
    const manifest: ModelManifest = {
      format: MANIFEST_FORMAT,
      formatVersion: MANIFEST_FORMAT_VERSION,
      version,
      space: request.space,
      createdAt: new Date().toISOString(),
      model: {
        encoder: config.encoder,
        dimension: config.jointDim,
        wordDim: config.wordDim,
        featureDim: config.featureDim,
        vocabSize: config.vocabSize,
        maxTokens: train.maxLength,
        weights: request.precision,
      },
      onnx: {
        opset: ONNX_OPSET,
        irVersion: ONNX_IR_VERSION,
        sentenceEncoder: { file: MODEL_FILES.sentenceEncoder, ...SENTENCE_ENCODER_IO },
        imageProjection: { file: MODEL_FILES.imageProjection, ...IMAGE_PROJECTION_IO },
      },
      vocabulary: {
        file: MODEL_FILES.vocabulary,
        hash: vocabJSON.hash,
        tokenizer: vocabJSON.tokenizer,
        size: vocab.size,
        minCount: vocabJSON.minCount,
      },
      vectors: {
        images: { file: MODEL_FILES.images, count: imagesOut.count },
        captions: { file: MODEL_FILES.captions, count: captionsOut.count },
        splits: [...request.splits],
      },
      data: { name: dataset.name, format: dataset.format, source: basename(dataset.source) },
      training: {
        update: progress.update,
        bestDevRsum: progress.bestRsum,
        seconds: progress.seconds,
        config: { ...train },
      },
      evaluation,
      files,
    };
    await writeFile(join(staging, MODEL_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
    const dir = join(request.outRoot, version);
    const written = await installVersion(staging, dir, files, request.force ?? false);
    return { dir, manifest, written, parity, metrics };
  } catch (e) {
    for (const w of writers) await w.abandon();
    await rm(staging, { recursive: true, force: true });
    throw e;
  } finally {
    model.dispose();
  }
}

function kib(bytes: number): string {
  return bytes >= 1 << 20
    ? `${(bytes / (1 << 20)).toFixed(1)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
}
