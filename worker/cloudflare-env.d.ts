// Types that `wrangler types` would generate from wrangler.toml, kept by hand while the
// bindings are few: they tell `cloudflare:workers` what the main module exports.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('./index');
  }
}
