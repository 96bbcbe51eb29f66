// What `env` holds beyond worker/worker-configuration.d.ts (generated from wrangler.toml by
// `npm run types`): the keys a deploy sets and wrangler.toml therefore cannot declare. The model
// versions are vars chosen per deploy (or --var / the vitest pool's bindings locally), and each
// model version has its own Vectorize index (ids are unique across an index), so the Vectorize
// bindings are added per deploy by cli/deploy/wrangler-deploy.ts. Interface merging joins
// these to the generated Cloudflare.Env.
declare namespace Cloudflare {
  interface Env {
    /** The model versions served; see worker/api/served-models.ts. */
    RETRIEVAL_MODEL?: string;
    REGULARITIES_MODEL?: string;
    /** With VECTOR_INDEX flat (the default): which flat index files to load, float32 (default) or int8. */
    FLAT_INDEX_ENCODING?: string;
    /** Vectorize bindings, used when VECTOR_INDEX is 'vectorize' (one index per version). */
    RETRIEVAL_IMAGES?: Vectorize;
    RETRIEVAL_CAPTIONS?: Vectorize;
    REGULARITIES_IMAGES?: Vectorize;
  }
}
