/**
 * A manifest (core/manifest.ts) seen through the schema's Model type: the schema names fields
 * for clients (`featureDimension`), the manifest for the exporter (`model.featureDim`), and the
 * schema's enums are upper case where the manifest's values are lower case.
 */
import type {
  WeightPrecision as ManifestWeightPrecision,
  SentenceEncoderKind,
} from '../../../core/manifest.ts';
import type { Space as SpaceName } from '../../../core/model-files.ts';
import type {
  Resolvers,
  SentenceEncoder,
  Space,
  WeightPrecision,
} from '../generated/resolvers-types.ts';

// Total records: a value added to the manifest's lists fails the type check until it is mapped
// here (and added to the schema).
const SPACES: Record<SpaceName, Space> = { retrieval: 'RETRIEVAL', regularities: 'REGULARITIES' };
const ENCODERS: Record<SentenceEncoderKind, SentenceEncoder> = {
  lstm: 'LSTM',
  gru: 'GRU',
  bow: 'BOW',
  mean: 'MEAN',
};
const PRECISIONS: Record<ManifestWeightPrecision, WeightPrecision> = {
  float32: 'FLOAT32',
  float16: 'FLOAT16',
  int8: 'INT8',
};

export const modelResolvers: Pick<Resolvers, 'Model' | 'ServedModels'> = {
  ServedModels: {
    retrieval: (_parent, _args, { services }) => services.model('retrieval'),
    regularities: (_parent, _args, { services }) => services.model('regularities'),
  },
  Model: {
    space: (m) => SPACES[m.space],
    encoder: (m) => ENCODERS[m.model.encoder],
    weights: (m) => PRECISIONS[m.model.weights],
    dimension: (m) => m.model.dimension,
    wordDimension: (m) => m.model.wordDim,
    featureDimension: (m) => m.model.featureDim,
    maxTokens: (m) => m.model.maxTokens,
    vectors: (m) => ({
      images: m.vectors.images.count,
      captions: m.vectors.captions.count,
      splits: m.vectors.splits,
    }),
    // Versions exported before pictures came in have neither key: null, like a version without.
    extractor: (m) => m.model.extractor ?? null,
    imageEncoder: (m) => {
      const encoder = m.onnx.imageEncoder;
      if (!encoder) return null;
      return {
        extractor: encoder.extractor,
        width: encoder.width,
        height: encoder.height,
        resize: encoder.resize,
        weights: PRECISIONS[encoder.weights],
        parityMaxAbsDifference: encoder.parity.maxAbsDifference,
      };
    },
  },
};
