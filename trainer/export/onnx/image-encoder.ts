import { IMAGE_ENCODER_IO } from '../../../core/model-files.ts';
import { PICTURE_INPUT } from '../../../core/picture-pixels.ts';
import type { ModelConfig } from '../../model/config.ts';
import { matrix, type StoredWeights } from '../stored-weights.ts';
import { addCnn, type CnnSource } from './cnn-graph.ts';
import { DataType, GraphBuilder } from './graph-builder.ts';
import { l2Normalize } from './normalize.ts';

/**
 * The image side from pixels: uint8 RGB [batch, 224, 224, 3] (core's fitPicture makes them) ->
 * float32 / 255, as the trainer's extractor feeds its CNN -> the CNN up to its feature node ->
 * the image projection x = W_I q -> unit length. One graph, so the worker turns an uploaded
 * picture into the vector its features would have had, in one call. The CNN's weights and W_I
 * are stored at the export's precision.
 */
export function buildImageEncoder(
  config: ModelConfig,
  weights: StoredWeights,
  cnn: CnnSource & { id: string },
  metadata: Record<string, string>,
): Uint8Array {
  if (config.featureDim !== cnn.featureDim) {
    throw new Error(
      `the model takes ${config.featureDim}-d features; the ${cnn.id} CNN makes ${cnn.featureDim}-d`,
    );
  }
  const { height, width, channels } = PICTURE_INPUT;
  const g = new GraphBuilder(`jointspace_${config.encoder}_image_encoder`);
  const pixels = g.input(IMAGE_ENCODER_IO.input, DataType.UINT8, [
    'batch',
    height,
    width,
    channels,
  ]);
  const scaled = g.node(
    'Div',
    [
      g.node('Cast', [pixels], { to: DataType.FLOAT }, 'pixels_float'),
      g.float('byte_max', [], new Float32Array([255])),
    ],
    {},
    'pixels_unit',
  );
  const features = addCnn(g, cnn, { value: scaled, height, width, channels }, weights.precision);
  const W = g.weight('image_W', matrix(weights, 'image.W'), [config.featureDim, config.jointDim]);
  const projected = g.node('MatMul', [features, W], {}, 'projected');
  g.alias(l2Normalize(g, projected), IMAGE_ENCODER_IO.output);
  g.output(IMAGE_ENCODER_IO.output, DataType.FLOAT, ['batch', config.jointDim]);
  return g.encode(
    {
      ...metadata,
      dimension: String(config.jointDim),
      featureDim: String(config.featureDim),
      extractor: cnn.id,
    },
    `jointspace image encoder: ${IMAGE_ENCODER_IO.input} (uint8 [batch, ${height}, ${width}, ${channels}], RGB) -> ${cnn.id} CNN -> ${IMAGE_ENCODER_IO.output} (float32 [batch, ${config.jointDim}], unit length)`,
  );
}
