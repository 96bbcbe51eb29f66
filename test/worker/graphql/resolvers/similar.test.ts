import { describe, expect, it } from 'vitest';
import { createFakeServices } from '../../../support/fake-services.ts';
import { graphqlClient } from '../../../support/graphql-client.ts';

// SimilarConnection.image: the image the list started from, looked up only when selected.

describe('SimilarConnection.image', () => {
  it('shows the image the list started from, asking the services only when selected', async () => {
    const services = createFakeServices();
    const { body } = await graphqlClient(services).query(
      '{ similar(imageId: "img_05.jpg", first: 1) { image { id file split } edges { node { id } } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.similar.image).toEqual({
      id: 'img_05.jpg',
      file: 'img_05.jpg',
      split: 'train',
    });
    expect(services.calls).toEqual(['similar("img_05.jpg", 2)', 'image("img_05.jpg")']);

    const quiet = createFakeServices();
    await graphqlClient(quiet).query(
      '{ similar(imageId: "img_05.jpg", first: 1) { edges { node { id } } } }',
    );
    expect(quiet.calls).toEqual(['similar("img_05.jpg", 2)']);
  });

  it('is UNKNOWN_IMAGE if the image vanished between the query and the lookup', async () => {
    const services = { ...createFakeServices(), image: async () => null };
    const { status, body } = await graphqlClient(services).query(
      '{ similar(imageId: "img_02.jpg") { image { id } } }',
    );
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({
      message: 'no image has the id "img_02.jpg"',
      path: ['similar', 'image'],
      extensions: { code: 'UNKNOWN_IMAGE', details: { imageId: 'img_02.jpg' } },
    });
  });
});
