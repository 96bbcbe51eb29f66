/**
 * ONNX Runtime (onnxruntime-web 1.30, WebAssembly CPU backend) set up for workerd.
 *
 * `onnxruntime-web/wasm` is the bundled build: its emscripten glue is built in, so it needs no
 * dynamic `import()` and no `import.meta.url` (undefined in a deployed Worker). Its `.wasm` comes
 * in as a compiled module and is handed over by precompiled-wasm.ts. ORT initialises its backend
 * once per isolate, on the first `InferenceSession.create`, and shares that one initialisation
 * between concurrent first calls; a failed initialisation is final for the isolate.
 */
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm';
import * as ort from 'onnxruntime-web/wasm';
import { routeInstantiateTo } from './precompiled-wasm.ts';

export type InferenceSession = ort.InferenceSession;
/** ORT's Tensor from the same bundle as the sessions: its sessions expect their own class. */
export const Tensor = ort.Tensor;

let configured = false;

/** Sets ORT's global flags once; they are read when its backend initialises. */
function configureOnce(): void {
  if (configured) return;
  configured = true;
  // workerd has no Web Workers to run wasm threads or a proxy worker on.
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmBinary = routeInstantiateTo(ortWasm);
}

/**
 * The ORT call in flight in this isolate. onnxruntime-web's single-threaded wasm backend is one
 * WebAssembly instance for every session, and does not take a second call while one is under
 * way: the fuzz suite found it reading freed tensor metadata (a TypeError) when a search and an
 * analogy of one request overlapped. Requests of an isolate interleave at every await, so
 * session creations and runs queue here, one after another.
 */
let last: Promise<unknown> = Promise.resolve();

export function exclusive<T>(work: () => Promise<T>): Promise<T> {
  const next = last.then(work, work);
  last = next.catch(() => undefined);
  return next;
}

/** Creates a CPU (wasm) inference session from the bytes of an ONNX model. */
export async function createSession(model: Uint8Array | ArrayBuffer): Promise<InferenceSession> {
  configureOnce();
  const bytes = model instanceof Uint8Array ? model : new Uint8Array(model);
  return exclusive(() => ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] }));
}
