// wrangler's default CompiledWasm rule (and @cloudflare/vitest-pool-workers) turn an imported
// `.wasm` file into a compiled module: workerd cannot compile WebAssembly from bytes at run time.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
