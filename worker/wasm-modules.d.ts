// wrangler's default CompiledWasm rule (and @cloudflare/vitest-pool-workers) turn an imported
// `.wasm` file into a compiled module: workerd cannot compile WebAssembly from bytes at run time.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}

// @jsquash/png ships a declaration of its `.wasm` as an ES module of exports (the wasm-bindgen
// build's own view), which would hide the pattern above; the worker imports it compiled too.
declare module '@jsquash/png/codec/pkg/squoosh_png_bg.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
