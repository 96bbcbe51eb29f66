// Types that `wrangler types` would generate from wrangler.toml, kept by hand while the
// bindings are few: they tell `cloudflare:workers` what the main module exports and what `env`
// holds. (`wrangler types --include-runtime=false` does run offline, but its output also
// re-declares the `*.onnx` module of wrangler.toml's rules, which test/fixtures/onnx declares
// already.) Keep Env in step with wrangler.toml's bindings.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('./index');
  }
  interface Env {
    /** [[r2_buckets]] MODELS: model versions' files and flat vector indexes. */
    MODELS: R2Bucket;
    /** [vars] (or --var): the model versions served; see worker/model/served-models.ts. */
    RETRIEVAL_MODEL?: string;
    REGULARITIES_MODEL?: string;
    /** [vars]: 'flat' (default) or 'vectorize'. */
    VECTOR_INDEX?: string;
    /** Vectorize bindings, used when VECTOR_INDEX is 'vectorize'. */
    RETRIEVAL_IMAGES?: Vectorize;
    RETRIEVAL_CAPTIONS?: Vectorize;
    REGULARITIES_IMAGES?: Vectorize;
  }
}
