import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { VocabularyJSON } from '../../core/vocabulary.ts';
import type { ModelConfig, TrainConfig } from '../model/config.ts';
import { type JointModel, paramShapes } from '../model/model.ts';

/**
 * A checkpoint is one file: a magic line, a JSON header (configs, vocabulary, progress, and
 * where each tensor lies), then the float32 values of the model's weights and the optimizer's
 * state. It is written to a temporary file beside the target, flushed to disk, and renamed over
 * the target: a crash at any moment leaves either the old checkpoint or the new one, never a
 * torn file. `snapshot` and `restoreOptimizer` move a model and Adam's state in and out of one,
 * so that a resumed run is bitwise the run that was never interrupted.
 */

const MAGIC = 'JOINTSPACE-CKPT-1\n';

export interface TrainingProgress {
  /** Epoch in progress (0-based) and how many of its batches are done. */
  epoch: number;
  batchInEpoch: number;
  /** Updates done in all. */
  update: number;
  bestRsum: number;
  bestUpdate: number;
  /** Training seconds so far, across resumes. */
  seconds: number;
}

export interface CheckpointHeader {
  model: ModelConfig;
  train: TrainConfig;
  vocabulary: VocabularyJSON;
  progress: TrainingProgress;
  /** Where the data came from, for the record. */
  dataset: { name: string; format: string; source: string };
  backend: string;
  createdAt: string;
}

export interface Checkpoint {
  header: CheckpointHeader;
  /** Model weights by parameter name. */
  weights: Record<string, Float32Array>;
  /** Optimizer state by the optimizer's own names (relative to the model prefix). */
  optimizer: Record<string, Float32Array>;
  shapes: Record<string, number[]>;
}

interface TensorEntry {
  group: 'weights' | 'optimizer';
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

export class CheckpointError extends Error {
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'CheckpointError';
  }
}

export async function saveCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const group of ['weights', 'optimizer'] as const) {
    for (const [name, values] of Object.entries(checkpoint[group])) {
      const shape = checkpoint.shapes[`${group}:${name}`] ?? [values.length];
      entries.push({ group, name, shape, offset, length: values.length });
      offset += values.length;
    }
  }
  const header = new TextEncoder().encode(
    JSON.stringify({ ...checkpoint.header, tensors: entries }),
  );
  const prefix = new Uint8Array(MAGIC.length + 4);
  prefix.set(new TextEncoder().encode(MAGIC));
  new DataView(prefix.buffer).setUint32(MAGIC.length, header.length, true);
  // Data starts on a 4-byte boundary so it can be viewed as float32 in place when read.
  const pad = (4 - ((prefix.length + header.length) % 4)) % 4;

  const tmp = `${path}.tmp-${process.pid}`;
  const file = await open(tmp, 'w');
  try {
    await file.write(prefix);
    await file.write(header);
    await file.write(new Uint8Array(pad));
    for (const e of entries) {
      const values = checkpoint[e.group][e.name] as Float32Array;
      await file.write(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    }
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(tmp, { force: true });
    throw error;
  }
  await file.close();
  await rename(tmp, path);
  // Make the rename itself durable.
  const dir = await open(dirname(path), 'r');
  await dir.sync().catch(() => undefined);
  await dir.close();
}

export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new CheckpointError(path, `cannot read (${(e as Error).message})`);
  }
  if (bytes.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) {
    throw new CheckpointError(path, 'not a jointspace checkpoint');
  }
  const headerStart = MAGIC.length + 4;
  const headerLength = bytes.length >= headerStart ? bytes.readUInt32LE(MAGIC.length) : -1;
  if (headerLength < 0 || headerStart + headerLength > bytes.length) {
    throw new CheckpointError(
      path,
      `the file ends inside its header (${bytes.length} bytes; the file is truncated)`,
    );
  }
  let parsed: CheckpointHeader & { tensors: TensorEntry[] };
  try {
    parsed = JSON.parse(bytes.subarray(headerStart, headerStart + headerLength).toString('utf8'));
  } catch {
    throw new CheckpointError(path, 'header is not valid JSON (the file is damaged)');
  }
  if (!Array.isArray(parsed?.tensors)) {
    throw new CheckpointError(path, 'header lists no tensors (the file is damaged)');
  }
  const dataStart = headerStart + headerLength + ((4 - ((headerStart + headerLength) % 4)) % 4);
  const total = parsed.tensors.reduce((sum, e) => sum + e.length, 0);
  if (bytes.length !== dataStart + total * 4) {
    throw new CheckpointError(
      path,
      `expected ${dataStart + total * 4} bytes, found ${bytes.length} (the file is truncated or damaged)`,
    );
  }
  // Copy out of the file buffer so the arrays are aligned and independent.
  const data = new Float32Array(total);
  new Uint8Array(data.buffer).set(bytes.subarray(dataStart));
  const checkpoint: Checkpoint = { header: parsed, weights: {}, optimizer: {}, shapes: {} };
  for (const e of parsed.tensors) {
    checkpoint[e.group][e.name] = data.subarray(e.offset, e.offset + e.length);
    checkpoint.shapes[`${e.group}:${e.name}`] = e.shape;
  }
  const { tensors: _, ...header } = parsed;
  checkpoint.header = header;
  return checkpoint;
}

/**
 * Adam's running powers beta1^t and beta2^t. tfjs keeps them as variables updated by one
 * multiplication per step, but its setWeights recomputes them as pow(beta, t + 1), which differs
 * in the last bits: a resumed run would drift from an uninterrupted one. So they are saved and
 * restored as they are. (Private in tfjs's typings, hence the structural access.)
 */
const ADAM_POWERS = ['accBeta1', 'accBeta2'] as const;
const ADAM_POWER_PREFIX = 'adam:';
type AdamPowers = Partial<Record<(typeof ADAM_POWERS)[number], tf.Variable>>;

/** Model and optimizer state as a checkpoint. */
export async function snapshot(
  model: JointModel,
  optimizer: tf.Optimizer | undefined,
  header: CheckpointHeader,
): Promise<Checkpoint> {
  const weights = await model.weights();
  const shapes: Record<string, number[]> = {};
  for (const [name, shape] of Object.entries(paramShapes(model.config)))
    shapes[`weights:${name}`] = shape;
  const state: Record<string, Float32Array> = {};
  if (optimizer) {
    for (const { name, tensor } of await optimizer.getWeights()) {
      const relative = name.startsWith(`${model.prefix}/`)
        ? name.slice(model.prefix.length + 1)
        : name;
      // Stored as float32, whatever the dtype: the iteration count is an int32 tensor, whose
      // bytes read back as float32 would be a denormal (so Adam's bias correction restarted).
      state[relative] = Float32Array.from(await tensor.data());
      shapes[`optimizer:${relative}`] = tensor.shape;
    }
    for (const key of ADAM_POWERS) {
      const power = (optimizer as unknown as AdamPowers)[key];
      if (!power) continue;
      state[`${ADAM_POWER_PREFIX}${key}`] = Float32Array.from(await power.data());
      shapes[`optimizer:${ADAM_POWER_PREFIX}${key}`] = [];
    }
  }
  return { header, weights, optimizer: state, shapes };
}

export async function restoreOptimizer(
  optimizer: tf.Optimizer,
  model: JointModel,
  checkpoint: Checkpoint,
) {
  const entries = Object.entries(checkpoint.optimizer).filter(
    ([name]) => !name.startsWith(ADAM_POWER_PREFIX),
  );
  if (entries.length === 0) return;
  const tensors = entries.map(([name, values]) => {
    if (name === 'iter' && !Number.isInteger(values[0])) {
      // Written by a version that stored the int32 count's bytes as they were.
      values = Float32Array.from(new Int32Array(values.buffer, values.byteOffset, 1));
    }
    return {
      name: name === 'iter' ? name : `${model.prefix}/${name}`,
      tensor: tf.tensor(values, checkpoint.shapes[`optimizer:${name}`]),
    };
  });
  await optimizer.setWeights(tensors);
  tf.dispose(tensors.map((t) => t.tensor));
  for (const key of ADAM_POWERS) {
    const saved = checkpoint.optimizer[`${ADAM_POWER_PREFIX}${key}`];
    const power = (optimizer as unknown as AdamPowers)[key];
    if (saved && power) tf.tidy(() => power.assign(tf.scalar(saved[0] as number)));
  }
}
