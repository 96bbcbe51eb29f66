import { describe, expect, it } from 'vitest';
import { fakePictures, graphqlClientWithPictures } from '../../../support/fake-pictures.ts';
import { createFakeServices } from '../../../support/fake-services.ts';
import { graphqlClient } from '../../../support/graphql-client.ts';

// The fields looked up on demand (an image's captions, its picture, the image of an annotation
// or an analogy): each asks the services only when selected, and for the right id.

describe('Image.captions', () => {
  it("shows an image's own captions, looked up only when asked for", async () => {
    const services = createFakeServices();
    const { body } = await graphqlClient(services).query(
      '{ search(text: "blue boat", first: 1) { edges { node { id captions { id text imageId split } } } } }',
    );
    expect(body.data.search.edges[0].node).toEqual({
      id: 'img_06.jpg',
      captions: [
        { id: 'img_06.jpg#0', text: 'a blue boat', imageId: 'img_06.jpg', split: 'train' },
        { id: 'img_06.jpg#1', text: 'the boat is blue', imageId: 'img_06.jpg', split: 'train' },
      ],
    });
    expect(services.calls).toEqual(['search("blue boat", 2)', 'captionsOf("img_06.jpg")']);
  });

  it('is looked up once per image shown, and not at all when not selected', async () => {
    const services = createFakeServices();
    const client = graphqlClient(services);
    const { body } = await client.query(
      '{ a: image(id: "img_03.jpg") { captions { text } } b: image(id: "img_11.jpg") { id } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.a.captions).toEqual([{ text: 'a red house' }, { text: 'the house is red' }]);
    expect(services.calls).toEqual([
      'image("img_03.jpg")',
      'image("img_11.jpg")',
      'captionsOf("img_03.jpg")',
    ]);
  });
});

describe('Image.url', () => {
  const TWO_IMAGES = '{ a: image(id: "img_00.jpg") { url } b: image(id: "img_01.jpg") { url } }';

  it('is the exported URL when the metadata has one, without a picture lookup', async () => {
    const pictures = fakePictures('lstm-v1', ['img_00.jpg']);
    const body = await graphqlClientWithPictures(
      createFakeServices(),
      pictures,
    )('{ image(id: "img_00.jpg") { url } }');
    expect(body).toEqual({ data: { image: { url: 'https://images.example/img_00.jpg' } } });
    expect(pictures.asked).toEqual([]);
  });

  it('is the picture route for a stored picture, and null for an image without one', async () => {
    const pictures = fakePictures('lstm-v1', ['img_01.jpg', 'img_05.jpg']);
    const services = createFakeServices();
    const body = await graphqlClientWithPictures(
      services,
      pictures,
    )('{ search(text: "red", first: 4) { edges { node { id url } } } }');
    expect(body.errors).toBeUndefined();
    const urls = Object.fromEntries(
      body.data.search.edges.map((e: { node: { id: string; url: string | null } }) => [
        e.node.id,
        e.node.url,
      ]),
    );
    expect(urls).toEqual({
      'img_00.jpg': 'https://images.example/img_00.jpg',
      'img_01.jpg': '/images/lstm-v1/img_01.jpg',
      'img_02.jpg': null,
      'img_03.jpg': null,
    });
    expect(pictures.asked).toEqual(['img_01.jpg', 'img_02.jpg', 'img_03.jpg']);
  });

  it("looks the picture up by the image's file name, not its id, and encodes it in the path", async () => {
    const pictures = fakePictures('lstm-v1', ['a long name #1.jpg']);
    const services = {
      ...createFakeServices(),
      image: async (id: string) => ({ id, file: 'a long name #1.jpg', split: 'test' }),
    };
    const body = await graphqlClientWithPictures(
      services,
      pictures,
    )('{ image(id: "h:0123abcd") { url } }');
    expect(body).toEqual({
      data: { image: { url: '/images/lstm-v1/a%20long%20name%20%231.jpg' } },
    });
    expect(pictures.asked).toEqual(['a long name #1.jpg']);
  });

  it('is null for every picture when the worker has no pictures (no retrieval version)', async () => {
    const body = await graphqlClientWithPictures(createFakeServices(), null)(TWO_IMAGES);
    expect(body).toEqual({
      data: { a: { url: 'https://images.example/img_00.jpg' }, b: { url: null } },
    });
    const { body: plain } = await graphqlClient(createFakeServices()).query(TWO_IMAGES);
    expect(plain).toEqual(body);
  });

  it('is not looked up when not selected', async () => {
    const pictures = fakePictures('lstm-v1', ['img_01.jpg']);
    await graphqlClientWithPictures(
      createFakeServices(),
      pictures,
    )('{ image(id: "img_01.jpg") { id file } }');
    expect(pictures.asked).toEqual([]);
  });
});

describe('AnnotationConnection.image', () => {
  it('is the image annotated by id, looked up only when asked for', async () => {
    const services = createFakeServices();
    const client = graphqlClient(services);
    const { body } = await client.query(
      '{ annotate(image: { id: "img_05.jpg" }, first: 1) { image { id file split } } }',
    );
    expect(body.data.annotate.image).toEqual({
      id: 'img_05.jpg',
      file: 'img_05.jpg',
      split: 'train',
    });
    expect(services.calls).toEqual(['annotateImage("img_05.jpg", 2)', 'image("img_05.jpg")']);

    const quiet = createFakeServices();
    await graphqlClient(quiet).query(
      '{ annotate(image: { id: "img_05.jpg" }, first: 1) { edges { score } } }',
    );
    expect(quiet.calls).toEqual(['annotateImage("img_05.jpg", 2)']);
  });

  it('is null for an image given by features, without a lookup', async () => {
    const services = createFakeServices();
    const { body } = await graphqlClient(services).query(
      '{ annotate(image: { features: [1, 0, 0, 0] }, first: 1) { image { id } } }',
    );
    expect(body).toEqual({ data: { annotate: { image: null } } });
    expect(services.calls).toEqual(['annotateFeatures([1,0,0,0], 2)']);
  });
});

describe('AnalogyResult.image', () => {
  it('is the image the analogy started from, looked up only when asked for', async () => {
    const services = createFakeServices();
    const { body } = await graphqlClient(services).query(
      '{ analogy(imageId: "img_00.jpg", k: 1) { image { id url } } }',
    );
    expect(body.data.analogy.image).toEqual({
      id: 'img_00.jpg',
      url: 'https://images.example/img_00.jpg',
    });
    expect(services.calls).toEqual(['analogy("img_00.jpg", [], [], 20, 1)', 'image("img_00.jpg")']);

    const quiet = createFakeServices();
    await graphqlClient(quiet).query(
      '{ analogy(imageId: "img_00.jpg", k: 1) { matches { rank } } }',
    );
    expect(quiet.calls).toEqual(['analogy("img_00.jpg", [], [], 20, 1)']);
  });

  it('is UNKNOWN_IMAGE if the image vanished between the query and the lookup', async () => {
    const services = { ...createFakeServices(), image: async () => null };
    const { status, body } = await graphqlClient(services).query(
      '{ analogy(imageId: "img_00.jpg") { image { id } } }',
    );
    expect(status).toBe(200);
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({
      message: 'no image has the id "img_00.jpg"',
      path: ['analogy', 'image'],
      extensions: { code: 'UNKNOWN_IMAGE', details: { imageId: 'img_00.jpg' } },
    });
  });
});
