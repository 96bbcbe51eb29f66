import { describe, expect, it } from 'vitest';
import { makeAnalogyCases, matchesExpectation } from '../../../trainer/demo/analogies.ts';
import { DEFAULT_WORLD_OPTIONS, generateDemoWorld } from '../../../trainer/demo/world.ts';

const world = generateDemoWorld({ ...DEFAULT_WORLD_OPTIONS, images: 800, val: 100, test: 100 });
const byId = new Map(world.images.map((im) => [im.id, im]));

describe('makeAnalogyCases', () => {
  const cases = makeAnalogyCases(world, 30);

  it('makes cases for each swappable attribute from test pictures', () => {
    for (const attribute of ['colour', 'object', 'setting']) {
      expect(cases.filter((c) => c.attribute === attribute)).toHaveLength(30);
    }
    expect(cases.every((c) => byId.get(c.image)?.split === 'test')).toBe(true);
  });

  it("subtracts the picture's own value and adds a different one", () => {
    for (const c of cases) {
      const attrs = byId.get(c.image)!.attributes;
      expect(c.minus).toEqual([attrs[c.attribute]]);
      expect(c.plus).toHaveLength(1);
      expect(c.plus[0]).not.toBe(c.minus[0]);
      expect(c.expect[c.attribute]).toBe(c.plus[0]);
    }
  });

  it("expects the swapped value and keeps the picture's identity", () => {
    const c = cases.find((x) => x.attribute === 'colour')!;
    const attrs = byId.get(c.image)!.attributes;
    expect(c.expect).toEqual({ colour: c.plus[0], object: attrs.object });
    const o = cases.find((x) => x.attribute === 'object')!;
    expect(o.expect).toEqual({ object: o.plus[0], colour: byId.get(o.image)!.attributes.colour });
  });

  it('counts the answers in the whole world, and only keeps cases that have one', () => {
    for (const c of cases) {
      const answers = world.images.filter((im) => matchesExpectation(im.attributes, c.expect));
      expect(c.matches).toBe(answers.length);
      expect(c.matches).toBeGreaterThan(0);
      // The query picture itself is never a right answer: it has the value that was taken away.
      expect(answers.some((im) => im.id === c.image)).toBe(false);
    }
  });
});

describe('matchesExpectation', () => {
  it('checks only the attributes named', () => {
    const attrs = { colour: 'blue', object: 'car', setting: 'snow', count: 2 } as const;
    expect(matchesExpectation(attrs, { colour: 'blue', object: 'car' })).toBe(true);
    expect(matchesExpectation(attrs, { colour: 'red', object: 'car' })).toBe(false);
    expect(matchesExpectation(attrs, {})).toBe(true);
  });
});
