import { describe, expect, it, vi } from 'vitest';
import {
  ANALOGY_POOL,
  ANALOGY_RESULTS,
  analogyStatement,
  checkWords,
  loadAnalogy,
  MAX_WORDS_PER_SIDE,
  parseWords,
  renderAnalogyForm,
  renderAnalogyResults,
  WordsError,
} from '../../web/analogy.ts';
import type { Query } from '../../web/api.ts';
import type { AnalogyQuery } from '../../web/generated/operations.ts';
import { EMPTY_STATE } from '../../web/url-state.ts';

const state = { ...EMPTY_STATE, q: 'cars', image: 'car.svg', minus: ['red'], plus: ['blue'] };

function analogyOf(ids: string[], unknownMinus: string[] = [], unknownPlus: string[] = []) {
  const analogy: AnalogyQuery['analogy'] = {
    minus: { unknownWords: unknownMinus },
    plus: { unknownWords: unknownPlus },
    matches: ids.map((id, i) => ({
      rank: i + 1,
      score: 0.5,
      node: { id, file: id, url: null, captions: [{ text: `a blue car ${i}` }] },
    })),
  };
  return analogy;
}

function thrown(fn: () => void): WordsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WordsError);
    return error as WordsError;
  }
  throw new Error('did not throw');
}

describe('the analogy', () => {
  it('reads words and phrases separated by commas', () => {
    expect(parseWords(' red,  sports   car ,,blue ')).toEqual(['red', 'sports car', 'blue']);
    expect(parseWords('   ')).toEqual([]);
  });

  it('needs at least one word, and at most MAX_WORDS_PER_SIDE a side', () => {
    expect(thrown(() => checkWords([], [])).code).toBe('NO_WORDS');
    const many = Array.from({ length: MAX_WORDS_PER_SIDE + 1 }, (_, i) => `w${i}`);
    const tooMany = thrown(() => checkWords([], many));
    expect(tooMany.code).toBe('TOO_MANY_WORDS');
    expect(tooMany.message).toContain('to add');
    expect(thrown(() => checkWords(many, ['x'])).message).toContain('to remove');
    expect(() => checkWords(many.slice(1), [])).not.toThrow();
    expect(() => checkWords([], ['blue'])).not.toThrow();
  });

  it('states the composed query in words', () => {
    expect(analogyStatement(['red'], ['blue'])).toBe('This picture − red + blue');
    expect(analogyStatement([], ['sports car', 'red'])).toBe('This picture + “sports car” + red');
    expect(analogyStatement(['dog'], [])).toBe('This picture − dog');
  });

  it('shows its results as a list named "Analogy results", with unknown words', () => {
    const holder = document.createElement('div');
    holder.append(...renderAnalogyResults(analogyOf(['b1.svg', 'b2.svg'], ['qq'], ['zz']), state));
    const list = holder.querySelector('ol[aria-label="Analogy results"]');
    expect(list?.querySelectorAll('a').length).toBe(2);
    expect(list?.querySelector('a')?.getAttribute('href')).toBe('/?q=cars&image=b1.svg');
    expect(holder.querySelector('.note')?.textContent).toBe('Not in the vocabulary: qq, zz');
  });

  it('says "No pictures found." when nothing matched', () => {
    const holder = document.createElement('div');
    holder.append(...renderAnalogyResults(analogyOf([]), state));
    expect(holder.textContent).toBe('No pictures found.');
  });

  it("asks the API for the state's words, and shows the answer", async () => {
    const calls: unknown[] = [];
    const query = (async (_operation, variables) => {
      calls.push(variables);
      return { analogy: analogyOf(['b1.svg']) };
    }) as Query;
    const region = document.createElement('div');
    await loadAnalogy(region, query, state);
    expect(calls).toEqual([
      {
        imageId: 'car.svg',
        minus: ['red'],
        plus: ['blue'],
        pool: ANALOGY_POOL,
        k: ANALOGY_RESULTS,
      },
    ]);
    expect(region.querySelectorAll('li').length).toBe(1);
  });

  it('does not send too many words: the alert says why', async () => {
    const query = vi.fn();
    const region = document.createElement('div');
    const many = Array.from({ length: MAX_WORDS_PER_SIDE + 1 }, (_, i) => `w${i}`);
    await loadAnalogy(region, query as unknown as Query, { ...state, plus: many });
    expect(query).not.toHaveBeenCalled();
    expect(region.querySelector('[role="alert"]')?.textContent).toContain('(TOO_MANY_WORDS)');
  });

  it('has a form with "Remove words", "Add words" and "Compose", filled from the state', () => {
    const onCompose = vi.fn();
    const form = renderAnalogyForm({ ...state, minus: ['red', 'sports car'] }, onCompose);
    document.body.replaceChildren(form);
    const minus = document.getElementById('analogy-minus') as HTMLInputElement;
    const plus = document.getElementById('analogy-plus') as HTMLInputElement;
    expect(form.querySelector('label[for="analogy-minus"]')?.textContent).toBe('Remove words');
    expect(form.querySelector('label[for="analogy-plus"]')?.textContent).toBe('Add words');
    expect(minus.value).toBe('red, sports car');
    expect(plus.value).toBe('blue');
    plus.value = 'green, yellow';
    form.querySelector('button')?.click();
    expect(form.querySelector('button')?.textContent).toBe('Compose');
    expect(onCompose).toHaveBeenCalledWith(['red', 'sports car'], ['green', 'yellow']);
  });
});
