import { describe, expect, it } from 'vitest';
import { Random } from '../../trainer/random.ts';

describe('Random', () => {
  it('repeats its sequence for the same seed and not for another', () => {
    const draw = (seed: number) => {
      const r = new Random(seed);
      return [r.float(), r.int(0, 1000), r.gaussian(), r.gaussian()];
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('draws standard normals (mean 0, variance 1 within sampling error)', () => {
    const g = new Random(1).gaussians(20_000);
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    const variance = g.reduce((a, b) => a + (b - mean) ** 2, 0) / g.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('keeps ints within bounds and reaches both ends', () => {
    const r = new Random(3);
    const seen = new Set(Array.from({ length: 500 }, () => r.int(2, 5)));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });

  it('shuffles into a permutation', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = new Random(5).shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  });

  it('refuses a fractional seed and an empty pick', () => {
    expect(() => new Random(1.5)).toThrow('seed must be an integer, got 1.5');
    expect(() => new Random(1).pick([])).toThrow('cannot pick from an empty list');
  });
});
