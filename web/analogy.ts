/**
 * The analogy of an image's panel: the picture minus some words plus others, the composed query
 * said in words ("This picture − red + blue"), and the images the API ranks for it.
 */
import type { Query } from './api.ts';
import { h } from './dom.ts';
import { AnalogyDocument, type AnalogyQuery } from './generated/operations.ts';
import { loadInto } from './load.ts';
import { emptyNote, unknownWordsNote } from './status.ts';
import { renderTiles } from './tiles.ts';
import { formatState, type PageState, withImage } from './url-state.ts';

/** Words or phrases per side, at most: more says nothing a person could follow. */
export const MAX_WORDS_PER_SIDE = 10;
/** The images the API re-ranks, and how many of them the panel shows. */
export const ANALOGY_POOL = 40;
export const ANALOGY_RESULTS = 8;

export type WordsErrorCode = 'NO_WORDS' | 'TOO_MANY_WORDS';

/** Words the page will not send: none at all, or too many. */
export class WordsError extends Error {
  override readonly name = 'WordsError';

  constructor(
    message: string,
    readonly code: WordsErrorCode,
  ) {
    super(message);
  }
}

/** A text box's words or phrases, separated by commas: "red, sports car" -> [red, sports car]. */
export function parseWords(text: string): string[] {
  return text
    .split(',')
    .map((w) => w.trim().replace(/\s+/g, ' '))
    .filter((w) => w !== '');
}

/** Throws a WordsError unless there is at least one word and no side has too many. */
export function checkWords(minus: readonly string[], plus: readonly string[]): void {
  if (minus.length === 0 && plus.length === 0) {
    throw new WordsError('Type a word to remove or a word to add.', 'NO_WORDS');
  }
  for (const [side, words] of [
    ['remove', minus],
    ['add', plus],
  ] as const) {
    if (words.length > MAX_WORDS_PER_SIDE) {
      throw new WordsError(
        `At most ${MAX_WORDS_PER_SIDE} words or phrases to ${side}; there are ${words.length}.`,
        'TOO_MANY_WORDS',
      );
    }
  }
}

/** A phrase of several words is quoted, so that the statement reads unambiguously. */
function term(word: string): string {
  return word.includes(' ') ? `“${word}”` : word;
}

/** The composed query in words: "This picture − red + blue". */
export function analogyStatement(minus: readonly string[], plus: readonly string[]): string {
  const parts = ['This picture', ...minus.map((w) => `− ${term(w)}`)];
  parts.push(...plus.map((w) => `+ ${term(w)}`));
  return parts.join(' ');
}

/** The re-ranked images, and the words the model did not know. */
export function renderAnalogyResults(analogy: AnalogyQuery['analogy'], state: PageState): Node[] {
  const unknown = [...analogy.minus.unknownWords, ...analogy.plus.unknownWords];
  const tiles = analogy.matches.map((match) => ({
    picture: match.node,
    score: match.score,
    href: formatState(withImage(state, match.node.id)),
  }));
  return [
    unknownWordsNote(unknown),
    tiles.length ? renderTiles('Analogy results', tiles) : emptyNote(),
  ].filter((node): node is HTMLElement => node !== null);
}

/** Runs the state's analogy (the words checked first) into the region. */
export function loadAnalogy(region: HTMLElement, query: Query, state: PageState): Promise<void> {
  const imageId = state.image;
  if (!imageId) throw new Error('an analogy needs an image');
  return loadInto(region, {
    fetch: async (signal) => {
      checkWords(state.minus, state.plus);
      const variables = {
        imageId,
        minus: state.minus,
        plus: state.plus,
        pool: ANALOGY_POOL,
        k: ANALOGY_RESULTS,
      };
      return (await query(AnalogyDocument, variables, signal)).analogy;
    },
    render: (analogy) => renderAnalogyResults(analogy, state),
  });
}

/** The form: two text boxes (words to remove, words to add) and "Compose". */
export function renderAnalogyForm(
  state: PageState,
  onCompose: (minus: string[], plus: string[]) => void,
): HTMLFormElement {
  const field = (name: 'minus' | 'plus', label: string, example: string, words: string[]) => {
    const input = h('input', {
      id: `analogy-${name}`,
      name,
      type: 'text',
      maxlength: '200',
      autocomplete: 'off',
      placeholder: example,
      'aria-describedby': 'analogy-hint',
    });
    input.value = words.join(', ');
    return h('div', { class: 'field' }, h('label', { for: `analogy-${name}` }, label), input);
  };
  const form = h(
    'form',
    { class: 'analogy-form' },
    field('minus', 'Remove words', 'red', state.minus),
    field('plus', 'Add words', 'blue', state.plus),
    h('button', { type: 'submit' }, 'Compose'),
    h('p', { id: 'analogy-hint', class: 'hint' }, 'Separate words or phrases with commas.'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    onCompose(
      parseWords(String(data.get('minus') ?? '')),
      parseWords(String(data.get('plus') ?? '')),
    );
  });
  return form;
}
