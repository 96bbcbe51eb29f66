/**
 * The one check of a model version's files against its manifest, and the list of files a
 * server reads. Pure: callers hash the bytes they have (Node streams a file from disk, the
 * worker digests what R2 returned) and ask here whether they belong. Export (before a folder is
 * kept), local serving and deploy (before anything is uploaded) and the worker (before a model
 * is served) all decide with these functions, so they cannot disagree.
 */

import { JointspaceFormatError } from './errors.ts';
import type { ManifestFile, ModelManifest } from './manifest.ts';
import {
  type FlatIndexEncoding,
  MODEL_FILES,
  SPACE_SERVES,
  type VectorKind,
} from './model-files.ts';

/**
 * Why the file `name` does not belong to the version, or null when it does. `actual` is its
 * size and SHA-256, or null when the file is not there.
 */
export function fileProblem(
  manifest: ModelManifest,
  name: string,
  actual: ManifestFile | null,
): string | null {
  const expected = manifest.files[name];
  if (!expected) return `${name} is not listed in the manifest`;
  if (actual === null) return `${name} is listed in the manifest but missing`;
  if (actual.bytes !== expected.bytes) {
    return `${name} does not match the manifest: ${actual.bytes} bytes, not ${expected.bytes} (changed, truncated, or a file of another version)`;
  }
  if (actual.sha256 !== expected.sha256) {
    return `${name} does not match the manifest: its SHA-256 differs (changed, or a file of another version)`;
  }
  return null;
}

/** Why a vector index does not hold this version's vectors of `kind`, or null when it does. */
export function indexProblem(
  manifest: ModelManifest,
  kind: VectorKind,
  index: { dimension: number; count: number },
): string | null {
  if (index.dimension !== manifest.model.dimension) {
    return `its ${kind} index holds ${index.dimension}-d vectors; the model makes ${manifest.model.dimension}-d`;
  }
  const expected = manifest.vectors[kind].count;
  if (index.count !== expected) {
    return `its ${kind} index holds ${index.count} vectors; the export wrote ${expected}`;
  }
  return null;
}

/**
 * The flat index file of one kind and encoding. Versions exported before flat index files were
 * part of a version have none: they are refused with what to do.
 */
export function flatFileOf(
  manifest: ModelManifest,
  kind: VectorKind,
  encoding: FlatIndexEncoding,
): string {
  const file = manifest.vectors[kind].flat?.[encoding];
  if (file === undefined) {
    throw new JointspaceFormatError(
      `model version ${manifest.version} has no flat index files (it was exported by an older jointspace): export it again, or serve it from Vectorize`,
    );
  }
  return file;
}

/**
 * Every file a server of this version reads, the manifest first: the vocabulary, the ONNX
 * files its space needs (the retrieval space's image encoder too, when the version has one: it
 * serves queries by picture; analogy starts from stored images and never needs it), and, when its vectors are served from flat index files (`flat` is their encoding;
 * null for Vectorize), the flat files of the kinds its space serves.
 */
export function servedFiles(manifest: ModelManifest, flat: FlatIndexEncoding | null): string[] {
  const serves = SPACE_SERVES[manifest.space];
  const files = [
    MODEL_FILES.manifest,
    manifest.vocabulary.file,
    manifest.onnx.sentenceEncoder.file,
  ];
  if (serves.imageProjection) files.push(manifest.onnx.imageProjection.file);
  if (serves.imageEncoder && manifest.onnx.imageEncoder)
    files.push(manifest.onnx.imageEncoder.file);
  if (flat !== null) for (const kind of serves.kinds) files.push(flatFileOf(manifest, kind, flat));
  return files;
}
