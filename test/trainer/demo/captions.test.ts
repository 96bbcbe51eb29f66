import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../core/tokenizer.ts';
import {
  COLOURS,
  type ImageAttributes,
  OBJECTS,
  SETTINGS,
} from '../../../trainer/demo/attributes.ts';
import { makeCaption, makeCaptions, TEMPLATE_COUNT } from '../../../trainer/demo/captions.ts';
import { Random } from '../../../trainer/random.ts';

const RED_DOGS: ImageAttributes = { colour: 'red', object: 'dog', setting: 'beach', count: 2 };

describe('captions', () => {
  it('makes five captions per picture, from different word orders', () => {
    const captions = makeCaptions(RED_DOGS, new Random(1));
    expect(captions).toHaveLength(5);
    expect(new Set(captions).size).toBe(5);
  });

  it('always names the object with one of its nouns, in the plural for more than one', () => {
    const rng = new Random(2);
    const plurals: string[] = OBJECTS.dog.nouns.map(([, plural]) => plural);
    for (let i = 0; i < 200; i++) {
      const tokens = tokenize(makeCaption(RED_DOGS, rng));
      expect(tokens.some((t) => plurals.includes(t))).toBe(true);
    }
  });

  it('uses synonyms, noise and omissions: not every caption holds the canonical words', () => {
    const rng = new Random(3);
    const tokenised = Array.from({ length: 400 }, () => tokenize(makeCaption(RED_DOGS, rng)));
    const share = (word: string) =>
      tokenised.filter((t) => t.includes(word)).length / tokenised.length;
    // The canonical colour is common (analogies need it) but not universal.
    expect(share('red')).toBeGreaterThan(0.35);
    expect(share('red')).toBeLessThan(0.85);
    expect(share('crimson') + share('scarlet')).toBeGreaterThan(0.1);
    expect(share('puppies')).toBeGreaterThan(0.05);
    expect(share('beach')).toBeGreaterThan(0.2);
    // No caption mentions another colour or setting: the text never contradicts the picture.
    const otherColours = Object.entries(COLOURS)
      .filter(([name]) => name !== 'red')
      .flatMap(([, c]) => c.words.flatMap((w) => w.split(' ')))
      .filter((w) => w !== 'snowy' && w !== 'dark');
    const otherSettings = Object.entries(SETTINGS)
      .filter(([name]) => name !== 'beach')
      .map(([name]) => name);
    for (const t of tokenised) {
      expect(t.filter((w) => otherColours.includes(w) || otherSettings.includes(w))).toEqual([]);
    }
  });

  it('uses "an" before a vowel and agrees the verb with the count', () => {
    const rng = new Random(4);
    const one: ImageAttributes = {
      colour: 'orange',
      object: 'umbrella',
      setting: 'park',
      count: 1,
    };
    const texts = Array.from({ length: 300 }, () => makeCaption(one, rng).toLowerCase());
    expect(texts.some((t) => /\ban orange\b/.test(t))).toBe(true);
    expect(texts.some((t) => /\ba orange\b|\ba umbrella\b/.test(t))).toBe(false);
    expect(texts.some((t) => /\bare\b/.test(t))).toBe(false);
  });

  it('every word order produces a tidy caption', () => {
    const rng = new Random(5);
    for (let t = 0; t < TEMPLATE_COUNT; t++) {
      for (let i = 0; i < 20; i++) {
        const caption = makeCaption(RED_DOGS, rng, t);
        expect(caption).not.toMatch(/\s{2}|\s,|,,|^,|,$|,\.$/);
        expect(tokenize(caption).length).toBeGreaterThan(1);
      }
    }
  });
});
