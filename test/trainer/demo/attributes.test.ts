import { describe, expect, it } from 'vitest';
import { isToken, tokenize } from '../../../core/tokenizer.ts';
import {
  COLOUR_NAMES,
  COLOURS,
  COUNT_VALUES,
  COUNTS,
  OBJECT_NAMES,
  OBJECTS,
  SETTING_NAMES,
  SETTINGS,
  SWAPPABLE,
} from '../../../trainer/demo/attributes.ts';

const HEX = /^#[0-9a-f]{6}$/;

describe('the attribute values', () => {
  it('are listed by name in their declared order', () => {
    expect(COLOUR_NAMES).toEqual([
      'red',
      'blue',
      'green',
      'yellow',
      'black',
      'white',
      'orange',
      'purple',
    ]);
    expect(OBJECT_NAMES).toEqual([
      'car',
      'dog',
      'cat',
      'bird',
      'boat',
      'house',
      'ball',
      'bicycle',
      'umbrella',
      'chair',
    ]);
    expect(SETTING_NAMES).toEqual(['beach', 'street', 'park', 'snow', 'room', 'forest']);
    expect(COUNT_VALUES).toEqual(Object.keys(COUNTS).map(Number));
    expect(COUNT_VALUES).toEqual([1, 2, 3]);
  });

  it('can swap colour, object and setting in an analogy, not count', () => {
    expect(SWAPPABLE).toEqual({
      colour: COLOUR_NAMES,
      object: OBJECT_NAMES,
      setting: SETTING_NAMES,
    });
  });
});

describe('canonical words', () => {
  // Analogy queries subtract and add these words, so each must be one word of the vocabulary.
  it('are the value names, and single tokens', () => {
    for (const c of COLOUR_NAMES) expect(COLOURS[c].words[0]).toBe(c);
    for (const o of OBJECT_NAMES) expect(OBJECTS[o].nouns[0]?.[0]).toBe(o);
    for (const s of SETTING_NAMES) expect(tokenize(SETTINGS[s].phrases[0])).toContain(s);
    for (const name of [...COLOUR_NAMES, ...OBJECT_NAMES, ...SETTING_NAMES]) {
      expect(isToken(name)).toBe(true);
    }
  });

  it('name one value each, across all swappable attributes', () => {
    const names = [...COLOUR_NAMES, ...OBJECT_NAMES, ...SETTING_NAMES];
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('synonyms', () => {
  it('never name two values of the same attribute', () => {
    const colourWords = COLOUR_NAMES.flatMap((c) => COLOURS[c].words);
    expect(new Set(colourWords).size).toBe(colourWords.length);
    const nouns = OBJECT_NAMES.flatMap((o) => OBJECTS[o].nouns.flat());
    expect(new Set(nouns).size).toBe(nouns.length);
    const phrases = SETTING_NAMES.flatMap((s) => SETTINGS[s].phrases);
    expect(new Set(phrases).size).toBe(phrases.length);
    const countWords = COUNT_VALUES.flatMap((n) => COUNTS[n].words);
    expect(new Set(countWords).size).toBe(countWords.length);
  });

  it('come as singular and plural nouns, with verbs, for every object', () => {
    for (const o of OBJECT_NAMES) {
      const { nouns, verbs } = OBJECTS[o];
      expect(nouns.length).toBeGreaterThanOrEqual(2);
      for (const [one, many] of nouns) expect(many).not.toBe(one);
      expect(verbs.length).toBeGreaterThan(0);
    }
    expect(OBJECTS.dog.nouns[1]).toEqual(['puppy', 'puppies']);
  });

  it('are written as the tokenizer reads them: lowercase words, single spaces', () => {
    const texts = [
      ...COLOUR_NAMES.flatMap((c) => COLOURS[c].words),
      ...OBJECT_NAMES.flatMap((o) => [...OBJECTS[o].nouns.flat(), ...OBJECTS[o].verbs]),
      ...SETTING_NAMES.flatMap((s) => SETTINGS[s].phrases),
      ...COUNT_VALUES.flatMap((n) => COUNTS[n].words),
    ];
    for (const text of texts) expect(tokenize(text).join(' ')).toBe(text);
  });
});

describe('picture colours', () => {
  it('are #rrggbb for every fill, sky and ground, and differ between colours', () => {
    const fills = COLOUR_NAMES.map((c) => COLOURS[c].fill);
    for (const fill of fills) expect(fill).toMatch(HEX);
    expect(new Set(fills).size).toBe(fills.length);
    for (const s of SETTING_NAMES) {
      expect(SETTINGS[s].sky).toMatch(HEX);
      expect(SETTINGS[s].ground).toMatch(HEX);
    }
  });
});
