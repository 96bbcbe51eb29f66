import { IMAGE_PROJECTION_IO } from '../../../core/model-files.ts';
import type { ModelConfig } from '../../model/config.ts';
import { matrix, type StoredWeights } from '../stored-weights.ts';
import { DataType, GraphBuilder } from './graph-builder.ts';
import { l2Normalize } from './normalize.ts';

/**
 * The image side as an ONNX graph: CNN features in (float32 [batch, F], raw or unit-scaled:
 * the map has no bias and its output is normalised, so the scale of a feature does not matter),
 * unit-length image vectors x = W_I q / |W_I q| out ([batch, D]).
 */
export function buildImageProjection(
  config: ModelConfig,
  weights: StoredWeights,
  metadata: Record<string, string>,
): Uint8Array {
  const g = new GraphBuilder(`jointspace_${config.encoder}_image_projection`);
  const q = g.input(IMAGE_PROJECTION_IO.input, DataType.FLOAT, ['batch', config.featureDim]);
  const W = g.weight('image_W', matrix(weights, 'image.W'), [config.featureDim, config.jointDim]);
  g.alias(l2Normalize(g, g.node('MatMul', [q, W], {}, 'projected')), IMAGE_PROJECTION_IO.output);
  g.output(IMAGE_PROJECTION_IO.output, DataType.FLOAT, ['batch', config.jointDim]);
  return g.encode(
    { ...metadata, dimension: String(config.jointDim), featureDim: String(config.featureDim) },
    `jointspace image projection: ${IMAGE_PROJECTION_IO.input} (float32 [batch, ${config.featureDim}]) -> ${IMAGE_PROJECTION_IO.output} (float32 [batch, ${config.jointDim}], unit length)`,
  );
}
