import { Random } from '../random.ts';
import { type ImageAttributes, SWAPPABLE, type SwappableAttribute } from './attributes.ts';
import type { DemoWorld } from './world.ts';

/**
 * Analogy queries with known answers: take a picture of a red car, subtract "red", add "blue";
 * the right answers are the blue cars. `expect` names the attributes an answer must have: the
 * swapped-in value, and the picture's identity otherwise (its object, or for an object swap its
 * colour). Setting and count are left free except when the setting is what was swapped.
 */
export interface AnalogyCase {
  image: string;
  attribute: SwappableAttribute;
  minus: string[];
  plus: string[];
  expect: Partial<ImageAttributes>;
  /** How many pictures in the whole world satisfy `expect`: the best a top-k can find. */
  matches: number;
}

export function matchesExpectation(
  attrs: ImageAttributes,
  expect: Partial<ImageAttributes>,
): boolean {
  return (Object.keys(expect) as (keyof ImageAttributes)[]).every((k) => attrs[k] === expect[k]);
}

function expectation(
  attrs: ImageAttributes,
  attribute: SwappableAttribute,
  to: string,
): Partial<ImageAttributes> {
  switch (attribute) {
    case 'colour':
      return { colour: to as ImageAttributes['colour'], object: attrs.object };
    case 'object':
      return { object: to as ImageAttributes['object'], colour: attrs.colour };
    case 'setting':
      return { setting: to as ImageAttributes['setting'], object: attrs.object };
  }
}

/**
 * `perAttribute` cases for each swappable attribute, from test-split pictures (so that a model
 * never trained on the query picture), keeping only cases that have at least one answer.
 */
export function makeAnalogyCases(world: DemoWorld, perAttribute = 100): AnalogyCase[] {
  const rng = new Random(world.options.seed + 0x2545f491);
  const queries = world.images.filter((im) => im.split === 'test');
  if (queries.length === 0) return [];
  const cases: AnalogyCase[] = [];
  for (const attribute of Object.keys(SWAPPABLE) as SwappableAttribute[]) {
    const values: readonly string[] = SWAPPABLE[attribute];
    for (
      let attempts = 0, made = 0;
      made < perAttribute && attempts < perAttribute * 10;
      attempts++
    ) {
      const image = rng.pick(queries);
      const from = image.attributes[attribute];
      const to = rng.pick(values.filter((v) => v !== from));
      const expect = expectation(image.attributes, attribute, to);
      const matches = world.images.filter((im) => matchesExpectation(im.attributes, expect)).length;
      if (matches === 0) continue;
      cases.push({ image: image.id, attribute, minus: [from], plus: [to], expect, matches });
      made++;
    }
  }
  return cases;
}
