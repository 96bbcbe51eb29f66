/**
 * Hands ONNX Runtime a WebAssembly module that was compiled ahead of time.
 *
 * workerd refuses to compile WebAssembly from bytes at run time ("Wasm code generation disallowed
 * by embedder"): a Worker's `.wasm` arrives as an already compiled `WebAssembly.Module` (wrangler's
 * CompiledWasm rule), and only `WebAssembly.instantiate(module, imports)` is allowed. ORT 1.30 has
 * no option that takes a Module: `env.wasm.wasmBinary` takes bytes, `env.wasm.wasmPaths` a URL,
 * and the emscripten `instantiateWasm` hook is not reachable through ORT's config. So ORT gets a
 * placeholder buffer as `wasmBinary` (which also makes it use its embedded loader, the one path
 * that needs no `import.meta.url`), and the single `WebAssembly.instantiate` call that receives
 * that placeholder is answered with the compiled module. Every other call passes straight through,
 * and the hook removes itself once it has answered.
 */

type InstantiateSource = BufferSource | WebAssembly.Module;
type Instantiated = { instance: WebAssembly.Instance; module: WebAssembly.Module };
type Instantiate = (source: InstantiateSource, imports?: WebAssembly.Imports) => Promise<unknown>;

/** Is `source` the placeholder, or the Uint8Array view that emscripten wraps it in? */
function isPlaceholder(source: InstantiateSource, placeholder: ArrayBuffer): boolean {
  return source === placeholder || (ArrayBuffer.isView(source) && source.buffer === placeholder);
}

/**
 * Installs the hook and returns the placeholder to set as `env.wasm.wasmBinary`. Call once per
 * isolate, before ORT initialises (its first `InferenceSession.create`).
 */
export function routeInstantiateTo(module: WebAssembly.Module): ArrayBuffer {
  // Never read by anyone: it only marks ORT's call. Emscripten wraps it in `new Uint8Array(buf)`,
  // a view that shares this exact buffer, which is how the hook recognises it.
  const placeholder = new ArrayBuffer(8);
  const original = WebAssembly.instantiate as Instantiate;
  const hook: Instantiate = (source, imports) => {
    if (!isPlaceholder(source, placeholder)) return original(source, imports);
    WebAssembly.instantiate = original as typeof WebAssembly.instantiate;
    // With a Module, instantiate resolves to the Instance alone; emscripten expects the
    // { instance, module } pair that the bytes overload returns.
    return (original(module, imports) as Promise<WebAssembly.Instance>).then(
      (instance): Instantiated => ({ instance, module }),
    );
  };
  WebAssembly.instantiate = hook as typeof WebAssembly.instantiate;
  return placeholder;
}
