/**
 * core/: the runtime-free half of jointspace, shared by the trainer (Node) and the worker
 * (workerd). Standard ECMAScript and Web APIs only; no imports from outside this folder.
 */

export * from './analogy.ts';
export * from './errors.ts';
export * from './flat-index.ts';
export * from './hash.ts';
export * from './limits.ts';
export * from './manifest.ts';
export * from './metrics.ts';
export * from './metrics-table.ts';
export * from './model-files.ts';
export * from './r2-layout.ts';
export * from './tokenizer.ts';
export * from './topk.ts';
export * from './vector-ids.ts';
export * from './vector-records.ts';
export * from './vectors.ts';
export * from './version-check.ts';
export * from './vocabulary.ts';
