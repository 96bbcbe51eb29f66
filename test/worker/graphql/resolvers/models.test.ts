import { describe, expect, it } from 'vitest';
import {
  type ModelManifest,
  SENTENCE_ENCODERS,
  type SentenceEncoderKind,
  WEIGHT_PRECISIONS,
  type WeightPrecision,
} from '../../../../core/manifest.ts';
import { SPACES } from '../../../../core/model-files.ts';
import { createFakeServices, fakeManifest, IMAGES } from '../../../support/fake-services.ts';
import { graphqlClient } from '../../../support/graphql-client.ts';

// A manifest seen through the schema's Model type: fields renamed for clients, and the
// manifest's lower-case values as the schema's upper-case enum values.

/** A client whose retrieval model is the fake manifest with `model` changed. */
function clientServing(model: Partial<ModelManifest['model']>) {
  const retrieval = fakeManifest('retrieval');
  return graphqlClient({
    ...createFakeServices(),
    model: async (space) =>
      space === 'retrieval'
        ? { ...retrieval, model: { ...retrieval.model, ...model } }
        : fakeManifest('regularities'),
  });
}

/** The values of one of the schema's enums, as introspection lists them. */
async function enumValues(name: string): Promise<string[]> {
  const { body } = await graphqlClient(createFakeServices()).query(
    `{ __type(name: "${name}") { enumValues { name } } }`,
  );
  return body.data.__type.enumValues.map((v: { name: string }) => v.name);
}

describe('Model', () => {
  it("shows both served models' manifests", async () => {
    const { body } = await graphqlClient(createFakeServices()).query(
      `{ models {
          retrieval {
            version space encoder dimension wordDimension featureDimension maxTokens weights
            vocabulary { hash size tokenizer minCount }
            data { name format source }
            vectors { images captions splits }
            evaluation { split images captions rsum
              annotation { r1 r5 r10 medianRank meanRank }
              search { r1 r5 r10 medianRank meanRank } }
            createdAt
          }
          regularities { version space encoder weights evaluation { rsum } }
        } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.models.retrieval).toEqual({
      version: 'lstm8-fake-f32-00000001',
      space: 'RETRIEVAL',
      encoder: 'LSTM',
      dimension: 8,
      wordDimension: 6,
      featureDimension: 4,
      maxTokens: 12,
      weights: 'FLOAT32',
      vocabulary: { hash: 'a'.repeat(64), size: 12, tokenizer: 'jointspace-words-v1', minCount: 1 },
      data: { name: 'fake', format: 'demo', source: 'fake-world' },
      vectors: { images: IMAGES.length, captions: IMAGES.length * 2, splits: ['train', 'test'] },
      evaluation: {
        split: 'test',
        images: 3,
        captions: 6,
        rsum: 583.3,
        annotation: { r1: 33.3, r5: 100, r10: 100, medianRank: 2, meanRank: 1.7 },
        search: { r1: 50, r5: 100, r10: 100, medianRank: 1, meanRank: 1.5 },
      },
      createdAt: '2026-05-01T12:00:00.000Z',
    });
    expect(body.data.models.regularities).toEqual({
      version: 'bow8-fake-int8-00000002',
      space: 'REGULARITIES',
      encoder: 'BOW',
      weights: 'INT8',
      evaluation: null,
    });
  });

  it('reads each number from its own manifest field', async () => {
    // Distinct values, so that a field read from its neighbour shows.
    const client = clientServing({
      dimension: 301,
      wordDim: 302,
      featureDim: 303,
      maxTokens: 304,
      vocabSize: 305,
    });
    const { body } = await client.query(
      '{ models { retrieval { dimension wordDimension featureDimension maxTokens } } }',
    );
    expect(body.data.models.retrieval).toEqual({
      dimension: 301,
      wordDimension: 302,
      featureDimension: 303,
      maxTokens: 304,
    });
  });

  it.each<SentenceEncoderKind>([...SENTENCE_ENCODERS])(
    'shows the encoder %s as its enum value',
    async (encoder) => {
      const { body } = await clientServing({ encoder }).query(
        '{ models { retrieval { encoder } } }',
      );
      expect(body.errors).toBeUndefined();
      expect(body.data.models.retrieval.encoder).toBe(encoder.toUpperCase());
    },
  );

  it.each<WeightPrecision>([...WEIGHT_PRECISIONS])(
    'shows the weights %s as their enum value',
    async (weights) => {
      const { body } = await clientServing({ weights }).query(
        '{ models { retrieval { weights } } }',
      );
      expect(body.errors).toBeUndefined();
      expect(body.data.models.retrieval.weights).toBe(weights.toUpperCase());
    },
  );

  it("maps onto every value of the schema's enums, and onto nothing else", async () => {
    const upper = (values: readonly string[]) => values.map((v) => v.toUpperCase());
    expect(await enumValues('Space')).toEqual(upper(SPACES));
    expect(await enumValues('SentenceEncoder')).toEqual(upper(SENTENCE_ENCODERS));
    expect(await enumValues('WeightPrecision')).toEqual(upper(WEIGHT_PRECISIONS));
  });

  it('has no extractor and no image encoder when the manifest names none (older exports too)', async () => {
    const { body } = await graphqlClient(createFakeServices()).query(
      '{ models { retrieval { extractor imageEncoder { extractor } } } }',
    );
    expect(body).toEqual({
      data: { models: { retrieval: { extractor: null, imageEncoder: null } } },
    });
  });

  it("shows the extractor and the image encoder's facts from the manifest", async () => {
    const retrieval = fakeManifest('retrieval');
    const served: ModelManifest = {
      ...retrieval,
      model: { ...retrieval.model, extractor: 'nsfwjs-mobilenetv2-mid' },
      onnx: {
        ...retrieval.onnx,
        imageEncoder: {
          file: 'image_encoder.onnx',
          input: 'pixels',
          output: 'image_vector',
          extractor: 'nsfwjs-mobilenetv2-mid',
          height: 224,
          width: 225,
          resize: 'exif-orient+centre-square+area-average@224',
          weights: 'int8',
          parity: { pictures: 6, maxAbsDifference: 1.3e-6, minCosine: 0.9999999 },
        },
      },
    };
    const client = graphqlClient({
      ...createFakeServices(),
      model: async (space) => (space === 'retrieval' ? served : fakeManifest('regularities')),
    });
    const { body } = await client.query(
      '{ models { retrieval { extractor imageEncoder { extractor width height resize weights parityMaxAbsDifference } } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.models.retrieval).toEqual({
      extractor: 'nsfwjs-mobilenetv2-mid',
      imageEncoder: {
        extractor: 'nsfwjs-mobilenetv2-mid',
        width: 225,
        height: 224,
        resize: 'exif-orient+centre-square+area-average@224',
        weights: 'INT8',
        parityMaxAbsDifference: 1.3e-6,
      },
    });
  });
});
