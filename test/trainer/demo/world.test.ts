import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../core/tokenizer.ts';
import {
  DEFAULT_WORLD_OPTIONS,
  type DemoWorldOptions,
  generateDemoWorld,
  toKarpathy,
} from '../../../trainer/demo/world.ts';

const SMALL: DemoWorldOptions = { ...DEFAULT_WORLD_OPTIONS, images: 300, val: 40, test: 60 };

describe('generateDemoWorld', () => {
  it('is deterministic from its seed', () => {
    const a = generateDemoWorld(SMALL);
    const b = generateDemoWorld(SMALL);
    const c = generateDemoWorld({ ...SMALL, seed: 2 });
    expect(b.images).toEqual(a.images);
    expect(b.features).toEqual(a.features);
    expect(c.features).not.toEqual(a.features);
    expect(c.images.map((im) => im.captions)).not.toEqual(a.images.map((im) => im.captions));
  });

  it('splits the pictures as asked, with five captions each and stable ids', () => {
    const world = generateDemoWorld(SMALL);
    const count = (s: string) => world.images.filter((im) => im.split === s).length;
    expect([count('train'), count('val'), count('test')]).toEqual([200, 40, 60]);
    expect(world.images.every((im) => im.captions.length === 5)).toBe(true);
    expect(world.images[12]?.id).toBe('demo_000012');
    expect(world.images[12]?.filename).toBe('demo_000012.svg');
  });

  it('makes non-negative ReLU-like features, about half zeros', () => {
    const { features } = generateDemoWorld(SMALL);
    expect(features).toHaveLength(300 * 512);
    expect(features.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    const zeros = features.filter((v) => v === 0).length / features.length;
    expect(zeros).toBeGreaterThan(0.3);
    expect(zeros).toBeLessThan(0.7);
  });

  it('features carry the attributes: same-attribute pictures are closer than others', () => {
    // Cosine similarity of mean-centred features; the attributes, not the noise, must dominate.
    const world = generateDemoWorld({ ...SMALL, images: 600 });
    const dim = 512;
    const mean = new Float64Array(dim);
    world.images.forEach((_, i) => {
      for (let d = 0; d < dim; d++)
        mean[d] = (mean[d] as number) + (world.features[i * dim + d] as number) / 600;
    });
    const centred = (i: number) =>
      Array.from(
        { length: dim },
        (_, d) => (world.features[i * dim + d] as number) - (mean[d] as number),
      );
    const cos = (a: number[], b: number[]) => {
      let ab = 0;
      let aa = 0;
      let bb = 0;
      a.forEach((x, k) => {
        const y = b[k] as number;
        ab += x * y;
        aa += x * x;
        bb += y * y;
      });
      return ab / Math.sqrt(aa * bb);
    };
    const same: number[] = [];
    const different: number[] = [];
    for (let i = 0; i < 200; i++) {
      for (let j = i + 1; j < 200; j++) {
        const a = world.images[i]!.attributes;
        const b = world.images[j]!.attributes;
        const shared = (['colour', 'object', 'setting', 'count'] as const).filter(
          (k) => a[k] === b[k],
        ).length;
        if (shared >= 3) same.push(cos(centred(i), centred(j)));
        if (shared === 0) different.push(cos(centred(i), centred(j)));
      }
    }
    const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(same.length).toBeGreaterThan(10);
    expect(avg(same)).toBeGreaterThan(avg(different) + 0.2);
  });

  it('rejects impossible options with a clear message', () => {
    expect(() => generateDemoWorld({ ...SMALL, val: 200, test: 100 })).toThrow(
      'val (200) + test (100) must leave training images out of 300',
    );
    expect(() => generateDemoWorld({ ...SMALL, images: 0 })).toThrow(
      'images must be a whole number >= 1, got 0',
    );
  });
});

describe('toKarpathy', () => {
  it('writes the split file format with tokens from the shared tokenizer', () => {
    const world = generateDemoWorld(SMALL);
    const k = toKarpathy(world);
    expect(k.images).toHaveLength(300);
    const im = k.images[3]!;
    expect(im.imgid).toBe(3);
    expect(im.sentids).toEqual([15, 16, 17, 18, 19]);
    expect(im.sentences.map((s) => s.raw)).toEqual(world.images[3]!.captions);
    for (const s of im.sentences) {
      expect(s.tokens).toEqual(tokenize(s.raw));
      expect(s.imgid).toBe(3);
    }
  });
});
