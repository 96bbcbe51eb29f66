import { describe, expect, it } from 'vitest';
import type { ImageAttributes } from '../../../trainer/demo/attributes.ts';
import {
  DEFAULT_FEATURE_OPTIONS,
  FeatureGenerator,
  type FeatureOptions,
} from '../../../trainer/demo/features.ts';
import { Random } from '../../../trainer/random.ts';
import { cosine } from '../../support/random-vectors.ts';

const SMALL: FeatureOptions = { dim: 32, latentDim: 8, noise: 2 };
const RED_CAR: ImageAttributes = { colour: 'red', object: 'car', setting: 'street', count: 1 };

/** The features of one picture drawn with its own seeded random source. */
function picture(generator: FeatureGenerator, attrs: ImageAttributes, seed: number): Float32Array {
  return generator.generate(attrs, new Random(seed));
}

describe('FeatureGenerator', () => {
  it('defaults to 512-d features from a 64-d latent', () => {
    expect(DEFAULT_FEATURE_OPTIONS).toEqual({ dim: 512, latentDim: 64, noise: 2 });
    const generator = new FeatureGenerator(new Random(1));
    expect(generator.options).toBe(DEFAULT_FEATURE_OPTIONS);
    expect(picture(generator, RED_CAR, 2)).toHaveLength(512);
  });

  it.each([0, -3, 1.5])('refuses a feature dim of %s', (dim) => {
    expect(() => new FeatureGenerator(new Random(1), { ...SMALL, dim })).toThrow(
      `feature dim must be >= 1, got ${dim}`,
    );
  });

  it('makes non-negative, finite, ReLU-like features: about half of them zero', () => {
    const generator = new FeatureGenerator(new Random(1));
    const rng = new Random(2);
    let zeros = 0;
    let total = 0;
    for (let i = 0; i < 50; i++) {
      const f = generator.generate({ ...RED_CAR, count: ((i % 3) + 1) as 1 | 2 | 3 }, rng);
      expect(f.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
      zeros += f.filter((v) => v === 0).length;
      total += f.length;
    }
    expect(zeros / total).toBeGreaterThan(0.3);
    expect(zeros / total).toBeLessThan(0.7);
  });

  it('is deterministic: the world from its seed, each picture from its own', () => {
    const a = new FeatureGenerator(new Random(1), SMALL);
    const b = new FeatureGenerator(new Random(1), SMALL);
    const otherWorld = new FeatureGenerator(new Random(9), SMALL);
    expect(picture(b, RED_CAR, 5)).toEqual(picture(a, RED_CAR, 5));
    expect(picture(otherWorld, RED_CAR, 5)).not.toEqual(picture(a, RED_CAR, 5));
    // Same picture attributes, another draw of lighting, framing and noise.
    expect(picture(a, RED_CAR, 6)).not.toEqual(picture(a, RED_CAR, 5));
  });

  it.each([
    ['colour', { colour: 'blue' }],
    ['object', { object: 'dog' }],
    ['setting', { setting: 'beach' }],
    ['count', { count: 3 }],
  ] as const)('shows a change of %s, all else equal', (_, change) => {
    const generator = new FeatureGenerator(new Random(1), SMALL);
    expect(picture(generator, { ...RED_CAR, ...change }, 5)).not.toEqual(
      picture(generator, RED_CAR, 5),
    );
  });

  it('makes pictures of the same attributes more alike the less noise there is', () => {
    // Same world (seed 1) at two noise levels; pairs of pictures of a red car.
    const meanCosine = (noise: number) => {
      const generator = new FeatureGenerator(new Random(1), { ...SMALL, noise });
      let sum = 0;
      for (let i = 0; i < 20; i++) {
        sum += cosine(picture(generator, RED_CAR, 100 + i), picture(generator, RED_CAR, 200 + i));
      }
      return sum / 20;
    };
    expect(meanCosine(0)).toBeGreaterThan(meanCosine(2) + 0.2);
  });

  it('refuses an attribute value it has no latent for', () => {
    const generator = new FeatureGenerator(new Random(1), SMALL);
    const pink = { ...RED_CAR, colour: 'pink' } as unknown as ImageAttributes;
    expect(() => picture(generator, pink, 5)).toThrow('no latent for colour:pink');
  });
});
