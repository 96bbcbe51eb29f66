import { describe, expect, it } from 'vitest';
import { createFakeServices } from '../../../support/fake-services.ts';
import { type GraphQLResponseJSON, graphqlClient } from '../../../support/graphql-client.ts';
import { pictureRequest } from '../../../support/multipart.ts';

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
    // The field is nullable (null for a list that started from a picture): the list stays.
    expect(body.data).toEqual({ similar: { image: null } });
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({
      message: 'no image has the id "img_02.jpg"',
      path: ['similar', 'image'],
      extensions: { code: 'UNKNOWN_IMAGE', details: { imageId: 'img_02.jpg' } },
    });
  });

  it('is null for a list that started from an uploaded picture, without a lookup', async () => {
    const services = createFakeServices();
    const res = await graphqlClient(services).send(
      pictureRequest(
        'query ($picture: File) { similar(picture: $picture, first: 1) { image { id } } }',
        new File([new Uint8Array(4)], 'img_02.jpg'),
      ),
    );
    const body = (await res.json()) as GraphQLResponseJSON;
    expect(body).toEqual({ data: { similar: { image: null } } });
    expect(services.calls).toEqual(['similarToPicture("img_02.jpg" (4 bytes), 2)']);
  });
});
