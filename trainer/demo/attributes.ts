/**
 * The demo world's attributes: what each picture shows, and the words captions may use for it.
 * Every value has one canonical word (used by analogy queries: "red", "dog", "beach") and
 * synonyms that only an encoder trained on the captions can learn to equate ("crimson",
 * "puppy", "by the sea").
 */

export const COLOURS = {
  red: { words: ['red', 'crimson', 'scarlet'], fill: '#d62828' },
  blue: { words: ['blue', 'navy', 'azure'], fill: '#1d4ed8' },
  green: { words: ['green', 'emerald', 'lime'], fill: '#2a9d3a' },
  yellow: { words: ['yellow', 'golden', 'lemon'], fill: '#f2c200' },
  black: { words: ['black', 'dark', 'ebony'], fill: '#1f1f1f' },
  white: { words: ['white', 'snowy white', 'ivory'], fill: '#f4f4f0' },
  orange: { words: ['orange', 'tangerine', 'amber'], fill: '#f07c12' },
  purple: { words: ['purple', 'violet', 'lilac'], fill: '#7b2cbf' },
} as const;

/** Singular and plural forms per synonym, and verbs the thing can be doing. */
export const OBJECTS = {
  car: {
    nouns: [
      ['car', 'cars'],
      ['automobile', 'automobiles'],
      ['sedan', 'sedans'],
    ],
    verbs: ['parked', 'driving', 'waiting'],
  },
  dog: {
    nouns: [
      ['dog', 'dogs'],
      ['puppy', 'puppies'],
      ['hound', 'hounds'],
    ],
    verbs: ['running', 'sitting', 'playing'],
  },
  cat: {
    nouns: [
      ['cat', 'cats'],
      ['kitten', 'kittens'],
      ['kitty', 'kitties'],
    ],
    verbs: ['sleeping', 'sitting', 'resting'],
  },
  bird: {
    nouns: [
      ['bird', 'birds'],
      ['songbird', 'songbirds'],
    ],
    verbs: ['perched', 'resting', 'standing'],
  },
  boat: {
    nouns: [
      ['boat', 'boats'],
      ['ship', 'ships'],
      ['sailboat', 'sailboats'],
    ],
    verbs: ['moored', 'resting', 'waiting'],
  },
  house: {
    nouns: [
      ['house', 'houses'],
      ['cottage', 'cottages'],
      ['cabin', 'cabins'],
    ],
    verbs: ['standing', 'built', 'shown'],
  },
  ball: {
    nouns: [
      ['ball', 'balls'],
      ['football', 'footballs'],
    ],
    verbs: ['lying', 'rolling', 'resting'],
  },
  bicycle: {
    nouns: [
      ['bicycle', 'bicycles'],
      ['bike', 'bikes'],
      ['cycle', 'cycles'],
    ],
    verbs: ['parked', 'leaning', 'standing'],
  },
  umbrella: {
    nouns: [
      ['umbrella', 'umbrellas'],
      ['parasol', 'parasols'],
    ],
    verbs: ['open', 'standing', 'shown'],
  },
  chair: {
    nouns: [
      ['chair', 'chairs'],
      ['seat', 'seats'],
      ['stool', 'stools'],
    ],
    verbs: ['standing', 'placed', 'waiting'],
  },
} as const;

/** Phrases that place a thing in a setting; the first holds the canonical word. */
export const SETTINGS = {
  beach: {
    phrases: ['on the beach', 'by the sea', 'on the sand', 'at the seaside'],
    sky: '#9fd3f5',
    ground: '#e9d29b',
  },
  street: {
    phrases: ['on the street', 'in the city', 'on a road', 'downtown'],
    sky: '#c9d1d9',
    ground: '#6b6b6b',
  },
  park: {
    phrases: ['in the park', 'on the grass', 'in a garden', 'on a lawn'],
    sky: '#b9e2ff',
    ground: '#5fb04a',
  },
  snow: {
    phrases: ['in the snow', 'on a snowy field', 'in winter snow', 'on the ice'],
    sky: '#dfe7ee',
    ground: '#ffffff',
  },
  room: {
    phrases: ['in a room', 'indoors', 'inside a house', 'in the living room'],
    sky: '#efe3cf',
    ground: '#9c6b3f',
  },
  forest: {
    phrases: ['in the forest', 'among the trees', 'in the woods', 'in a forest clearing'],
    sky: '#a7c7a0',
    ground: '#3e6b35',
  },
} as const;

export const COUNTS = {
  1: { words: ['a', 'one', 'a single'] },
  2: { words: ['two', '2', 'a pair of'] },
  3: { words: ['three', '3', 'a group of three'] },
} as const;

export type Colour = keyof typeof COLOURS;
export type ObjectKind = keyof typeof OBJECTS;
export type Setting = keyof typeof SETTINGS;
export type Count = 1 | 2 | 3;

export const COLOUR_NAMES = Object.keys(COLOURS) as Colour[];
export const OBJECT_NAMES = Object.keys(OBJECTS) as ObjectKind[];
export const SETTING_NAMES = Object.keys(SETTINGS) as Setting[];
export const COUNT_VALUES: Count[] = [1, 2, 3];

/** What one picture shows: the ground truth its captions and features are made from. */
export interface ImageAttributes {
  colour: Colour;
  object: ObjectKind;
  setting: Setting;
  count: Count;
}

/** The attribute kinds an analogy can swap, with their values' canonical words. */
export const SWAPPABLE = {
  colour: COLOUR_NAMES,
  object: OBJECT_NAMES,
  setting: SETTING_NAMES,
} as const;
export type SwappableAttribute = keyof typeof SWAPPABLE;
