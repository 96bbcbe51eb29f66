import type { ModelConfig } from '../model/config.ts';
import { paramShapes } from '../model/model.ts';
import {
  dequantize,
  type StoredMatrix,
  storeMatrix,
  type WeightPrecision,
} from './weight-precision.ts';

/**
 * A model's parameters as the export stores them: every matrix at the chosen precision, every
 * vector (biases) in float32. `effectiveWeights` gives back what those stored values stand for,
 * which is what the exporter loads into the trainer's model to compute the vectors it writes.
 */

export interface StoredWeights {
  precision: WeightPrecision;
  matrices: Record<string, StoredMatrix>;
  vectors: Record<string, Float32Array>;
}

export function storeWeights(
  config: ModelConfig,
  weights: Record<string, Float32Array>,
  precision: WeightPrecision,
): StoredWeights {
  const stored: StoredWeights = { precision, matrices: {}, vectors: {} };
  for (const [name, shape] of Object.entries(paramShapes(config))) {
    const values = weights[name];
    if (!values) throw new Error(`the model has no weights for ${name}`);
    if (shape.length === 2) {
      // A word table's units are its rows (one word each); a map's units are its output columns.
      const scaleAxis = name === 'embedding' ? 0 : 1;
      stored.matrices[name] = storeMatrix(
        values,
        shape[0] as number,
        shape[1] as number,
        precision,
        scaleAxis,
      );
    } else {
      stored.vectors[name] = Float32Array.from(values);
    }
  }
  return stored;
}

export function effectiveWeights(stored: StoredWeights): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, m] of Object.entries(stored.matrices)) out[name] = dequantize(m);
  for (const [name, v] of Object.entries(stored.vectors)) out[name] = Float32Array.from(v);
  return out;
}

export function matrix(stored: StoredWeights, name: string): StoredMatrix {
  const m = stored.matrices[name];
  if (!m) throw new Error(`no stored matrix ${name}`);
  return m;
}

export function vector(stored: StoredWeights, name: string): Float32Array {
  const v = stored.vectors[name];
  if (!v) throw new Error(`no stored vector ${name}`);
  return v;
}
