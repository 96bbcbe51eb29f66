import type { Random } from '../random.ts';
import { COLOURS, COUNTS, type ImageAttributes, OBJECTS, SETTINGS } from './attributes.ts';

/**
 * A small caption grammar for the demo world. Five captions of one picture differ in synonyms,
 * word order, optional words and noise words, and some leave out the colour, the setting or the
 * count, as people's captions do: an encoder has to learn which words matter and that
 * "crimson" means red, not just match keywords.
 */

const SIZE_WORDS = ['small', 'big', 'little', 'large', 'shiny', 'old', 'new', 'tiny'];
const NOISE_WORDS = ['really', 'very', 'nice', 'lovely', 'just', 'quite', 'here', 'today'];
const PREFIXES = [
  'a photo of',
  'a picture showing',
  'here we see',
  'this image shows',
  'a snapshot of',
  'i think this is',
];
const SUFFIXES = ['in the afternoon', 'during the day', 'nice photo', 'on a calm day', 'as usual'];

/** The pieces one caption is assembled from, each already chosen. */
interface Parts {
  /** Count phrase or article: "a", "two", "a pair of". */
  det: string;
  /** Colour word, possibly after an optional size word: "small crimson". Empty if omitted. */
  adj: string;
  colour: string;
  noun: string;
  verb: string;
  setting: string;
  be: string;
  prefix: string;
}

type Template = (p: Parts) => string;

/** Word orders. Empty parts are removed when the caption is joined. */
const TEMPLATES: Template[] = [
  (p) => `${p.det} ${p.adj} ${p.noun} ${p.setting}`,
  (p) => `${p.setting}, ${p.det} ${p.adj} ${p.noun} ${p.be} ${p.verb}`,
  (p) => `${p.det} ${p.noun} that ${p.be} ${p.colour}, ${p.verb} ${p.setting}`,
  (p) => `there ${p.be} ${p.det} ${p.adj} ${p.noun} ${p.verb} ${p.setting}`,
  (p) => `${p.prefix} ${p.det} ${p.adj} ${p.noun} ${p.setting}`,
  (p) => `${p.setting} there ${p.be} ${p.det} ${p.adj} ${p.noun}`,
  (p) => `${p.det} ${p.adj} ${p.noun} ${p.verb}`,
  (p) => `${p.det} ${p.noun} ${p.setting}, ${p.colour} in colour`,
  (p) => `${p.adj} ${p.noun} ${p.verb} ${p.setting}`,
];

/** Templates that name the colour on its own and read badly without it. */
const NEEDS_COLOUR = new Set([2, 7]);

/** "a" before a consonant, "an" before a vowel, wherever the words ended up. */
function fixArticles(words: string[]): string[] {
  return words.map((w, i) => {
    if (w !== 'a' && w !== 'an') return w;
    const next = words[i + 1];
    return next !== undefined && /^[aeiou]/.test(next) ? 'an' : 'a';
  });
}

/** The first (canonical) word half of the time, so that analogy words are well learned. */
function canonicalOrSynonym<T>(items: readonly T[], rng: Random): T {
  return rng.pick(rng.chance(0.5) ? items.slice(0, 1) : items);
}

function chooseParts(attrs: ImageAttributes, rng: Random): Parts {
  const plural = attrs.count > 1;
  const colourWords: readonly string[] = COLOURS[attrs.colour].words;
  const colour = canonicalOrSynonym(colourWords, rng);
  const nouns: readonly (readonly [string, string])[] = OBJECTS[attrs.object].nouns;
  const nounPair = canonicalOrSynonym(nouns, rng);
  const noun = nounPair[plural ? 1 : 0];
  const phrases: readonly string[] = SETTINGS[attrs.setting].phrases;
  const setting = canonicalOrSynonym(phrases, rng);
  const size = rng.chance(0.3) ? `${rng.pick(SIZE_WORDS)} ` : '';
  // A caption sometimes leaves the colour or the setting out, as people do.
  const keepColour = rng.chance(0.85);
  const keepSetting = rng.chance(0.8);
  const adj = `${size}${keepColour ? colour : ''}`.trim();
  return {
    det: rng.pick<string>(COUNTS[attrs.count].words),
    adj,
    colour: keepColour ? colour : '',
    noun,
    verb: rng.pick<string>(OBJECTS[attrs.object].verbs),
    setting: keepSetting ? setting : '',
    be: plural ? 'are' : 'is',
    prefix: rng.pick(PREFIXES),
  };
}

function insertNoise(words: string[], rng: Random): string[] {
  if (rng.chance(0.25)) words.splice(rng.int(0, words.length), 0, rng.pick(NOISE_WORDS));
  if (rng.chance(0.15)) words.push(...rng.pick(SUFFIXES).split(' '));
  return words;
}

/** Tidies a template's output: no empty slots, no dangling commas, a capital, sometimes a stop. */
function finish(text: string, rng: Random): string {
  const words = text
    .replace(/\s+,/g, ',')
    .replace(/,\s*,/g, ',')
    .split(/\s+/)
    .filter((w) => w.length > 0 && w !== ',');
  const cleaned = words.join(' ').replace(/^,\s*/, '').replace(/,$/, '');
  const capitalised = rng.chance(0.7) ? cleaned[0]?.toUpperCase() + cleaned.slice(1) : cleaned;
  return rng.chance(0.6) ? `${capitalised}.` : capitalised;
}

/** One caption of a picture with these attributes. */
export function makeCaption(attrs: ImageAttributes, rng: Random, template?: number): string {
  const parts = chooseParts(attrs, rng);
  let index = template ?? rng.int(0, TEMPLATES.length - 1);
  if (parts.colour === '' && NEEDS_COLOUR.has(index)) index = 0;
  const t = TEMPLATES[index] as Template;
  const words = fixArticles(insertNoise(t(parts).split(/\s+/), rng));
  return finish(words.join(' '), rng);
}

/** `n` captions of one picture, each from a different word order while there are enough. */
export function makeCaptions(attrs: ImageAttributes, rng: Random, n = 5): string[] {
  const order = rng.shuffle(TEMPLATES.map((_, i) => i));
  return Array.from({ length: n }, (_, i) => makeCaption(attrs, rng, order[i % order.length]));
}

export const TEMPLATE_COUNT = TEMPLATES.length;
