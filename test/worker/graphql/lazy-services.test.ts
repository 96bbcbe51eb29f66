import { describe, expect, it } from 'vitest';
import type { JointspaceServices } from '../../../worker/api/services.ts';
import { lazyServices } from '../../../worker/graphql/lazy-services.ts';
import { QueryError } from '../../../worker/query-error.ts';
import {
  CAPTIONS,
  createFakeServices,
  type FakeServices,
  IMAGES,
} from '../../support/fake-services.ts';

// Services loaded on first use: nothing is loaded until a method is called, then one load is
// shared by every call of the request, a failed one included.

/** Lazy services over the fake ones, counting the loads. */
function counted(load: () => Promise<FakeServices> | FakeServices = createFakeServices) {
  const state = { loads: 0, inner: undefined as FakeServices | undefined };
  const services = lazyServices(async () => {
    state.loads++;
    state.inner = await load();
    return state.inner;
  });
  return { services, state };
}

describe('lazyServices', () => {
  it('loads nothing until a method is called', async () => {
    const { services, state } = counted();
    expect(state.loads).toBe(0);
    await services.image('img_00.jpg');
    expect(state.loads).toBe(1);
  });

  it('loads once, however many calls and methods use it, concurrent ones included', async () => {
    const { services, state } = counted();
    await Promise.all([services.models(), services.image('img_01.jpg'), services.search('red', 2)]);
    await services.captionsOf('img_01.jpg');
    expect(state.loads).toBe(1);
  });

  it('passes every method its arguments and gives back its answer', async () => {
    const { services, state } = counted();
    expect((await services.models()).retrieval.version).toBe('lstm8-fake-f32-00000001');
    expect((await services.search('red car', 3)).results).toHaveLength(3);
    expect((await services.annotateImage('img_05.jpg', 2)).map((r) => r.item.id)).toEqual([
      'img_05.jpg#0',
      'img_05.jpg#1',
    ]);
    expect(await services.annotateFeatures([0, 0, 1, 0], 1)).toEqual([
      { item: CAPTIONS[4], score: 1 },
    ]);
    const analogy = await services.analogy('img_00.jpg', ['red'], ['blue'], 6, 2);
    expect(analogy.minus.tokens).toEqual(['red']);
    expect(analogy.plus.tokens).toEqual(['blue']);
    expect(analogy.results).toHaveLength(2);
    expect(await services.image('img_03.jpg')).toEqual(IMAGES[3]);
    expect(await services.captionsOf('img_03.jpg')).toEqual(CAPTIONS.slice(6, 8));
    expect(state.inner?.calls).toEqual([
      'models()',
      'search("red car", 3)',
      'annotateImage("img_05.jpg", 2)',
      'annotateFeatures([0,0,1,0], 1)',
      'analogy("img_00.jpg", ["red"], ["blue"], 6, 2)',
      'image("img_03.jpg")',
      'captionsOf("img_03.jpg")',
    ]);
  });

  it('passes on the refusals of the services it loaded', async () => {
    const { services } = counted();
    await expect(services.annotateImage('nope.jpg', 2)).rejects.toMatchObject({
      code: 'UNKNOWN_IMAGE',
      details: { imageId: 'nope.jpg' },
    });
  });

  it('takes a load that answers at once, without a promise', async () => {
    const inner = createFakeServices();
    const services = lazyServices(() => inner);
    expect(await services.image('img_02.jpg')).toEqual(IMAGES[2]);
    expect(inner.calls).toEqual(['image("img_02.jpg")']);
  });

  it('shares a failed load: every call is refused with its error, and it is not retried', async () => {
    let loads = 0;
    const error = new QueryError('MODEL_UNAVAILABLE', 'manifest and vectors disagree');
    const services = lazyServices(async (): Promise<JointspaceServices> => {
      loads++;
      throw error;
    });
    await expect(services.models()).rejects.toBe(error);
    await expect(services.image('img_00.jpg')).rejects.toBe(error);
    await expect(services.search('red', 1)).rejects.toBe(error);
    expect(loads).toBe(1);
  });

  it('treats a load that throws at once like one that rejects: a refusal, shared', async () => {
    let loads = 0;
    const error = new Error('no R2 binding');
    const services = lazyServices(() => {
      loads++;
      throw error;
    });
    await expect(services.captionsOf('img_00.jpg')).rejects.toBe(error);
    await expect(services.image('img_00.jpg')).rejects.toBe(error);
    expect(loads).toBe(1);
  });
});
