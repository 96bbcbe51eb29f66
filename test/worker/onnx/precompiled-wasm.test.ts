import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { routeInstantiateTo } from '../../../worker/onnx/precompiled-wasm.ts';

// The hook on WebAssembly.instantiate that hands ONNX Runtime its compiled module in workerd,
// where WebAssembly cannot be compiled from bytes. Tested with ORT's own module (the one the
// worker hands over), instantiated for real with stand-in imports: a function that does
// nothing for each function, and a shared memory of the size the module declares.
// (test/worker/onnx/ort-runtime.test.ts shows ORT itself going through the hook.)

const ORT_MEMORY = { initial: 256, maximum: 65536, shared: true };

function standInImports(module: WebAssembly.Module): WebAssembly.Imports {
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
    imports[from] ??= {};
    imports[from][name] = kind === 'memory' ? new WebAssembly.Memory(ORT_MEMORY) : () => 0;
  }
  return imports;
}

const exportNames = (module: WebAssembly.Module) =>
  WebAssembly.Module.exports(module).map((e) => e.name);

let original: typeof WebAssembly.instantiate;

beforeEach(() => {
  original = WebAssembly.instantiate;
});

afterEach(() => {
  // A hook left behind by a failed case must not reach the next one.
  WebAssembly.instantiate = original;
});

describe('routeInstantiateTo', () => {
  it('returns a placeholder buffer and installs its hook', () => {
    const placeholder = routeInstantiateTo(ortWasm);
    expect(placeholder).toBeInstanceOf(ArrayBuffer);
    expect(placeholder.byteLength).toBe(8);
    expect(WebAssembly.instantiate).not.toBe(original);
    // Each call marks its own placeholder.
    expect(routeInstantiateTo(ortWasm)).not.toBe(placeholder);
  });

  it('answers the placeholder with { instance, module } of the compiled module, then removes itself', async () => {
    const placeholder = routeInstantiateTo(ortWasm);
    const result = (await WebAssembly.instantiate(
      placeholder,
      standInImports(ortWasm),
    )) as unknown as WebAssembly.WebAssemblyInstantiatedSource;
    expect(result.module).toBe(ortWasm);
    expect(result.instance).toBeInstanceOf(WebAssembly.Instance);
    expect(Object.keys(result.instance.exports).sort()).toEqual(exportNames(ortWasm).sort());
    expect(WebAssembly.instantiate).toBe(original);
  });

  it('recognises the placeholder inside the Uint8Array that emscripten wraps it in', async () => {
    const placeholder = routeInstantiateTo(ortWasm);
    const result = (await WebAssembly.instantiate(
      new Uint8Array(placeholder),
      standInImports(ortWasm),
    )) as unknown as WebAssembly.WebAssemblyInstantiatedSource;
    expect(result.module).toBe(ortWasm);
    expect(WebAssembly.instantiate).toBe(original);
  });

  it('passes every other call straight through, and stays installed for the placeholder', async () => {
    const placeholder = routeInstantiateTo(ortWasm);
    const hook = WebAssembly.instantiate;
    // A Module: instantiate's own answer, the Instance alone.
    const instance = await WebAssembly.instantiate(ortWasm, standInImports(ortWasm));
    expect(instance).toBeInstanceOf(WebAssembly.Instance);
    // Other bytes, even 8 of them, are not the placeholder: they go to WebAssembly, which
    // refuses to compile them (workerd compiles nothing from bytes, and these are no module).
    await expect(WebAssembly.instantiate(new Uint8Array(8), {})).rejects.toThrow(
      WebAssembly.CompileError,
    );
    await expect(WebAssembly.instantiate(new ArrayBuffer(8), {})).rejects.toThrow(
      WebAssembly.CompileError,
    );
    expect(WebAssembly.instantiate).toBe(hook);
    const answered = (await WebAssembly.instantiate(
      placeholder,
      standInImports(ortWasm),
    )) as unknown as WebAssembly.WebAssemblyInstantiatedSource;
    expect(answered.module).toBe(ortWasm);
    expect(WebAssembly.instantiate).toBe(original);
  });
});
