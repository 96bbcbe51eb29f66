import { join } from 'node:path';
import type { ManifestEvaluation, ManifestFile } from '../../core/manifest.ts';
import type { RankingMetrics } from '../../core/metrics.ts';
import { MODEL_FILES } from '../../core/model-files.ts';
import { captionVectorId, imageVectorId } from '../../core/vector-ids.ts';
import {
  type CaptionMetadata,
  formatVectorRecord,
  type ImageMetadata,
} from '../../core/vector-records.ts';
import type { Vocabulary } from '../../core/vocabulary.ts';
import type { Dataset, SplitData, SplitName } from '../data/dataset.ts';
import { embedCaptions, embedImages } from '../evaluate/embed.ts';
import { directionRow, metricsOf, type SplitEmbeddings } from '../evaluate/evaluate.ts';
import type { JointModel } from '../model/model.ts';
import { encodeCaptions } from '../model/token-batch.ts';
import { Progress } from '../report/progress.ts';
import { NdjsonWriter } from './ndjson-writer.ts';
import type { ParitySample } from './verify-onnx.ts';

/**
 * The vectors of a model version: every image and caption of the chosen splits, embedded by the
 * model and written as Vectorize's NDJSON (images.ndjson, captions.ndjson) with stable ids; the
 * evaluation table of one split, computed from the same vectors; and a sample of captions and
 * images with their vectors, for the ONNX parity check.
 */

export interface VectorFilesRequest {
  dir: string;
  model: JointModel;
  vocabulary: Vocabulary;
  /** Captions are cut to this many tokens, as in training. */
  maxLength: number;
  dataset: Dataset;
  /** Splits whose images and captions are written. */
  splits: readonly SplitName[];
  /** The split scored for the table; null for none. */
  evalSplit: SplitName | null;
  /** When set, each image's metadata carries `url`: this + its file name. */
  imageBaseUrl?: string | undefined;
  progressStream: { write(chunk: string): unknown; isTTY?: boolean };
}

export interface VectorFiles {
  images: ManifestFile & { count: number };
  captions: ManifestFile & { count: number };
  /** The evaluation as the trainer computes it (ranks included), and as the manifest's table. */
  metrics: RankingMetrics | null;
  evaluation: ManifestEvaluation | null;
  sample: ParitySample;
}

/** How many captions and images the onnxruntime-web check runs. */
const PARITY_CAPTIONS = 48;
const PARITY_IMAGES = 16;

export async function writeVectorFiles(request: VectorFilesRequest): Promise<VectorFiles> {
  const { dataset, splits, evalSplit } = request;
  const imagesOut = await NdjsonWriter.create(join(request.dir, MODEL_FILES.images));
  const captionsOut = await NdjsonWriter.create(join(request.dir, MODEL_FILES.captions));
  const records = new RecordWriter(imagesOut, captionsOut, request.imageBaseUrl);
  const sample: ParitySample = { captions: [], captionVectors: [], features: [], imageVectors: [] };
  let metrics: RankingMetrics | null = null;
  let evaluation: ManifestEvaluation | null = null;
  try {
    const toEmbed = evalSplit && !splits.includes(evalSplit) ? [...splits, evalSplit] : splits;
    for (const name of toEmbed) {
      const split = dataset.splits[name] as SplitData;
      const { embeddings, captionIds } = await embedWithProgress(request, name, split);
      if (name === evalSplit) {
        metrics = metricsOf(embeddings, split, request.model.config.jointDim);
        evaluation = tableOf(metrics, split);
      }
      if (!splits.includes(name)) continue;
      await records.writeSplit(name, split, embeddings, request.model.config.jointDim);
      if (sample.captions.length === 0) {
        addParitySample(sample, split, embeddings, captionIds, request.model.config.jointDim);
      }
    }
    const images = { ...(await imagesOut.close()), count: imagesOut.count };
    const captions = { ...(await captionsOut.close()), count: captionsOut.count };
    return { images, captions, metrics, evaluation, sample };
  } catch (e) {
    await imagesOut.abandon();
    await captionsOut.abandon();
    throw e;
  }
}

/** A split's image and caption vectors, with a progress bar each. */
async function embedWithProgress(
  request: VectorFilesRequest,
  name: SplitName,
  split: SplitData,
): Promise<{ embeddings: SplitEmbeddings; captionIds: Int32Array[] }> {
  const stream = request.progressStream;
  const imageBar = new Progress({
    total: split.imageIds.length,
    label: `${name} images`,
    unit: 'images',
    stream,
  });
  const images = await embedImages(request.model, split.features, split.dim, 1000, (done) =>
    imageBar.update(done),
  );
  imageBar.finish();
  const { ids } = encodeCaptions(
    split.tokens,
    split.captionImage,
    request.vocabulary,
    request.maxLength,
  );
  const captionBar = new Progress({
    total: ids.length,
    label: `${name} captions`,
    unit: 'captions',
    stream,
  });
  const captions = await embedCaptions(request.model, ids, 256, (done) => captionBar.update(done));
  captionBar.finish();
  return { embeddings: { images, captions }, captionIds: ids };
}

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

/**
 * Writes image and caption records with ids made from names (core/vector-ids.ts), refusing two
 * images whose ids would collide across the splits written.
 */
class RecordWriter {
  private readonly fileOfId = new Map<string, string>();

  constructor(
    private readonly images: NdjsonWriter,
    private readonly captions: NdjsonWriter,
    private readonly imageBaseUrl: string | undefined,
  ) {}

  async writeSplit(
    name: SplitName,
    split: SplitData,
    embeddings: SplitEmbeddings,
    dim: number,
  ): Promise<void> {
    const ids = split.imageIds.map((file) => this.claimImageId(file));
    for (const [i, file] of split.imageIds.entries()) {
      const metadata: ImageMetadata = { file, split: name };
      if (this.imageBaseUrl !== undefined)
        metadata.url = this.imageBaseUrl + encodeURIComponent(file);
      const values = embeddings.images.subarray(i * dim, (i + 1) * dim);
      await this.images.write(formatVectorRecord(ids[i] as string, values, metadata));
    }
    // A caption's id is its image's id and its place among that image's captions.
    const ordinal = new Int32Array(split.imageIds.length);
    for (const [j, text] of split.captions.entries()) {
      const image = split.captionImage[j] as number;
      const imageId = ids[image] as string;
      const metadata: CaptionMetadata = { text, imageId, split: name };
      const id = captionVectorId(imageId, ordinal[image] as number);
      ordinal[image] = (ordinal[image] as number) + 1;
      const values = embeddings.captions.subarray(j * dim, (j + 1) * dim);
      await this.captions.write(formatVectorRecord(id, values, metadata));
    }
  }

  private claimImageId(file: string): string {
    const id = imageVectorId(file);
    const other = this.fileOfId.get(id);
    if (other !== undefined) {
      throw new Error(
        `two images would share the vector id ${JSON.stringify(id)}: ${JSON.stringify(other)} and ${JSON.stringify(file)}`,
      );
    }
    this.fileOfId.set(id, file);
    return id;
  }
}

/** The parity sample: chosen captions (see paritySampleIndices) and the first images. */
function addParitySample(
  sample: ParitySample,
  split: SplitData,
  embeddings: SplitEmbeddings,
  captionIds: readonly Int32Array[],
  dim: number,
): void {
  for (const j of paritySampleIndices(captionIds)) {
    sample.captions.push(captionIds[j] as Int32Array);
    sample.captionVectors.push(embeddings.captions.slice(j * dim, (j + 1) * dim));
  }
  for (let i = 0; i < Math.min(PARITY_IMAGES, split.imageIds.length); i++) {
    sample.features.push(split.features.slice(i * split.dim, (i + 1) * split.dim));
    sample.imageVectors.push(embeddings.images.slice(i * dim, (i + 1) * dim));
  }
}

/** Caption indices for the parity check: the shortest, the longest, ones with unknown words, and an even spread. */
export function paritySampleIndices(ids: readonly Int32Array[]): number[] {
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
