/**
 * Services that are loaded on first use. A request that needs no model (introspection, GraphiQL's
 * schema fetch) then loads none, and a failure to load (MODEL_UNAVAILABLE) surfaces on the fields
 * that needed the model, with its code, instead of failing the whole request before execution.
 */
import type { JointspaceServices } from '../api/services.ts';

export function lazyServices(
  load: () => Promise<JointspaceServices> | JointspaceServices,
): JointspaceServices {
  let loaded: Promise<JointspaceServices> | undefined;
  // One load per request, shared by every field; a rejected load is shared too, so a broken
  // model is reported once per field without being retried within the request.
  const services = (): Promise<JointspaceServices> => {
    loaded ??= Promise.resolve().then(load);
    return loaded;
  };
  return {
    models: async () => (await services()).models(),
    search: async (text, topK) => (await services()).search(text, topK),
    annotateImage: async (imageId, topK) => (await services()).annotateImage(imageId, topK),
    annotateFeatures: async (features, topK) => (await services()).annotateFeatures(features, topK),
    analogy: async (imageId, minus, plus, pool, k) =>
      (await services()).analogy(imageId, minus, plus, pool, k),
    image: async (id) => (await services()).image(id),
    captionsOf: async (imageId) => (await services()).captionsOf(imageId),
  };
}
