import { describe, expect, it } from 'vitest';
import {
  effectiveWeights,
  matrix,
  storeWeights,
  vector,
} from '../../../trainer/export/stored-weights.ts';
import { dequantize, WEIGHT_PRECISIONS } from '../../../trainer/export/weight-precision.ts';
import { ENCODERS } from '../../../trainer/model/config.ts';
import { paramShapes } from '../../../trainer/model/model.ts';
import { tinyConfig, tinyWeights } from '../../support/tiny-model.ts';

describe('storeWeights', () => {
  it.each(ENCODERS)(
    'stores every 2-D parameter of %s as a matrix of its shape, every 1-D one as a vector',
    (encoder) => {
      const config = tinyConfig(encoder);
      const stored = storeWeights(config, tinyWeights(config), 'int8');
      const shapes = Object.entries(paramShapes(config));
      expect(Object.keys(stored.matrices).sort()).toEqual(
        shapes
          .filter(([, s]) => s.length === 2)
          .map(([name]) => name)
          .sort(),
      );
      expect(Object.keys(stored.vectors).sort()).toEqual(
        shapes
          .filter(([, s]) => s.length === 1)
          .map(([name]) => name)
          .sort(),
      );
      for (const [name, m] of Object.entries(stored.matrices)) {
        expect([m.rows, m.cols], name).toEqual(paramShapes(config)[name]);
        expect(m.precision).toBe('int8');
      }
    },
  );

  it('keeps float32 weights exactly, as copies of the values given', () => {
    const config = tinyConfig('lstm');
    const weights = tinyWeights(config);
    const stored = storeWeights(config, weights, 'float32');
    const expected = structuredClone(weights);
    // Changing the trainer's arrays afterwards must not change what was stored.
    for (const values of Object.values(weights)) values.fill(0);
    expect(effectiveWeights(stored)).toEqual(expected);
  });

  it('scales int8 word tables per word (row) and maps per output unit (column)', () => {
    const config = tinyConfig('gru');
    const stored = storeWeights(config, tinyWeights(config), 'int8');
    for (const [name, m] of Object.entries(stored.matrices)) {
      if (m.precision !== 'int8') throw new Error(`${name} is not int8`);
      const axis = name === 'embedding' ? 0 : 1;
      expect(m.scaleAxis, name).toBe(axis);
      expect(m.scale, name).toHaveLength(axis === 0 ? m.rows : m.cols);
    }
    // A word with one large weight does not flatten the other words' resolution.
    const weights = tinyWeights(config);
    (weights.embedding as Float32Array)[0] = 100;
    const table = matrix(storeWeights(config, weights, 'int8'), 'embedding');
    if (table.precision !== 'int8') throw new Error('embedding is not int8');
    expect(table.scale[0]).toBeCloseTo(100 / 127, 6);
    expect(table.scale[1]).toBeLessThan(0.05);
  });

  it('keeps biases in float32 whatever the precision', () => {
    const config = tinyConfig('lstm');
    const weights = tinyWeights(config);
    for (const precision of WEIGHT_PRECISIONS) {
      const stored = storeWeights(config, weights, precision);
      expect(vector(stored, 'lstm.b')).toEqual(weights['lstm.b']);
      expect(effectiveWeights(stored)['lstm.b']).toEqual(weights['lstm.b']);
    }
  });

  it('names a parameter the model has no weights for', () => {
    const config = tinyConfig('mean');
    const { 'mean.W': _, ...weights } = tinyWeights(config);
    expect(() => storeWeights(config, weights, 'float16')).toThrow(
      'the model has no weights for mean.W',
    );
  });
});

describe('effectiveWeights', () => {
  it.each(WEIGHT_PRECISIONS)(
    'gives the values the stored %s matrices stand for, close to the originals',
    (precision) => {
      const config = tinyConfig('lstm');
      const weights = tinyWeights(config);
      const stored = storeWeights(config, weights, precision);
      const effective = effectiveWeights(stored);
      expect(Object.keys(effective).sort()).toEqual(Object.keys(paramShapes(config)).sort());
      for (const [name, m] of Object.entries(stored.matrices)) {
        expect(effective[name], name).toEqual(dequantize(m));
        const original = weights[name] as Float32Array;
        const worst = Math.max(
          ...Array.from(original, (w, i) => Math.abs(w - (effective[name]?.[i] as number))),
        );
        // tinyWeights are N(0, 0.5^2): int8 half-steps stay below 0.01, float16 ones below 1e-3.
        expect(worst, name).toBeLessThan(precision === 'int8' ? 0.01 : 2e-3);
        if (precision === 'float32') expect(worst).toBe(0);
      }
    },
  );
});

describe('matrix and vector', () => {
  it('return a stored parameter, and name one that is not stored as such', () => {
    const config = tinyConfig('lstm');
    const stored = storeWeights(config, tinyWeights(config), 'float16');
    expect(matrix(stored, 'lstm.Wh')).toMatchObject({ precision: 'float16', rows: 5, cols: 20 });
    expect(vector(stored, 'lstm.b')).toHaveLength(20);
    expect(() => matrix(stored, 'lstm.b')).toThrow('no stored matrix lstm.b');
    expect(() => vector(stored, 'embedding')).toThrow('no stored vector embedding');
    expect(() => matrix(stored, 'gru.Wx')).toThrow('no stored matrix gru.Wx');
  });
});
