import { describe, expect, it, vi } from 'vitest';
import { ApiError, type Query } from '../../web/api.ts';
import {
  ANNOTATIONS_SHOWN,
  acceptWords,
  buildPanel,
  loadPanel,
  renderAnnotations,
  renderDetails,
  renderSimilar,
  SIMILAR_SHOWN,
  showAnalogy,
} from '../../web/panel-view.ts';
import { EMPTY_STATE } from '../../web/url-state.ts';

const state = { ...EMPTY_STATE, q: 'dogs', image: 'dog.svg' };
const picture = (id: string) => ({
  id,
  file: id,
  url: `/images/v/${id}`,
  captions: [{ text: `a dog called ${id}` }, { text: 'a puppy' }],
});
const edge = (id: string, score: number) => ({ cursor: id, score, node: picture(id) });

/** Answers by operation name; every call recorded. */
function fakeQuery(answers: Record<string, (variables: unknown) => unknown>) {
  const calls: { name: string; variables: unknown }[] = [];
  const query = (async (operation, variables) => {
    const name = /query (\w+)/.exec(operation.toString())?.[1] ?? '?';
    calls.push({ name, variables });
    const answer = answers[name];
    if (!answer) throw new Error(`no answer for ${name}`);
    return answer(variables);
  }) as Query;
  return { query, calls };
}

function headings(root: Element): string[] {
  return [...root.querySelectorAll('h3')].map((h) => h.textContent ?? '');
}

describe('the image panel', () => {
  it('shows the picture large, its file and split, and its own captions', () => {
    const holder = document.createElement('div');
    holder.append(...renderDetails({ ...picture('dog.svg'), split: 'test' }, 'dog.svg'));
    expect(holder.querySelector('img')?.getAttribute('alt')).toBe('a dog called dog.svg');
    expect(holder.querySelector('img')?.classList.contains('picture-large')).toBe(true);
    expect(holder.querySelector('figcaption')?.textContent).toBe('dog.svg · test');
    expect(headings(holder)).toEqual(['Captions']);
    expect([...holder.querySelectorAll('.captions li')].map((li) => li.textContent)).toEqual([
      'a dog called dog.svg',
      'a puppy',
    ]);
  });

  it('says so when the picture does not exist, or has no captions', () => {
    const gone = document.createElement('div');
    gone.append(...renderDetails(null, 'gone.svg'));
    expect(gone.textContent).toBe('No picture has the id “gone.svg”.');
    const bare = document.createElement('div');
    bare.append(...renderDetails({ ...picture('a'), captions: [], split: 'val' }, 'a'));
    expect(bare.textContent).toContain('This picture has no captions.');
  });

  it('lists the captions the model ranks for it, with scores', () => {
    const holder = document.createElement('div');
    holder.append(
      ...renderAnnotations({
        edges: [
          { score: 0.81234, node: { id: 'x#0', text: 'a brown dog' } },
          { score: 0.5, node: { id: 'y#1', text: 'a dog on grass' } },
        ],
      }),
    );
    const items = [...holder.querySelectorAll('ol li')];
    expect(items.map((li) => li.textContent)).toEqual([
      'a brown dogScore 0.812',
      'a dog on grassScore 0.500',
    ]);
    const none = document.createElement('div');
    none.append(...renderAnnotations({ edges: [] }));
    expect(none.textContent).toBe('No captions found.');
  });

  it('shows "more like this" as a list of that name, each opening its own panel', () => {
    const holder = document.createElement('div');
    holder.append(...renderSimilar([edge('b.svg', 0.7)], { ...state, minus: ['red'] }));
    const list = holder.querySelector('ol[aria-label="More like this"]');
    // Another picture's panel starts without the analogy of this one.
    expect(list?.querySelector('a')?.getAttribute('href')).toBe('/?q=dogs&image=b.svg');
    const none = document.createElement('div');
    none.append(...renderSimilar([], state));
    expect(none.textContent).toBe('No pictures found.');
  });

  it('has its sections in order: Captions, Described as, More like this, Analogy', async () => {
    const { query, calls } = fakeQuery({
      ImageDetails: () => ({ image: { ...picture('dog.svg'), split: 'test' } }),
      Annotate: () => ({ annotate: { edges: [] } }),
      Similar: () => ({ similar: { edges: [edge('b.svg', 0.7)] } }),
    });
    const panel = buildPanel({ ...state, split: 'test' }, () => {});
    expect(headings(panel.content)).toEqual(['Described as', 'More like this', 'Analogy']);
    await loadPanel(panel, query, { ...state, split: 'test' });
    expect(headings(panel.content)).toEqual([
      'Captions',
      'Described as',
      'More like this',
      'Analogy',
    ]);
    expect(calls).toEqual([
      { name: 'ImageDetails', variables: { id: 'dog.svg' } },
      { name: 'Annotate', variables: { id: 'dog.svg', first: ANNOTATIONS_SHOWN } },
      { name: 'Similar', variables: { imageId: 'dog.svg', first: SIMILAR_SHOWN, split: 'test' } },
    ]);
  });

  it('keeps the parts that loaded when another fails', async () => {
    const { query } = fakeQuery({
      ImageDetails: () => ({ image: { ...picture('dog.svg'), split: 'test' } }),
      Annotate: () => ({ annotate: { edges: [] } }),
      Similar: () => {
        throw new ApiError(
          'Cannot query field "similar" on type "Query".',
          'GRAPHQL_VALIDATION_FAILED',
        );
      },
    });
    const panel = buildPanel(state, () => {});
    await loadPanel(panel, query, state);
    expect(panel.details.querySelector('img')).not.toBeNull();
    expect(panel.similar.querySelector('[role="alert"]')?.textContent).toContain(
      '(GRAPHQL_VALIDATION_FAILED)',
    );
  });

  it('shows the analogy of the state: its words, the statement, the results', async () => {
    const { query, calls } = fakeQuery({
      Analogy: () => ({
        analogy: {
          minus: { unknownWords: [] },
          plus: { unknownWords: [] },
          matches: [{ rank: 1, score: 0.4, node: picture('blue.svg') }],
        },
      }),
    });
    const panel = buildPanel(state, () => {});
    const analogyState = { ...state, minus: ['red'], plus: ['blue', 'small car'] };
    await showAnalogy(panel, query, analogyState);
    expect(panel.statement.textContent).toBe('This picture − red + blue + “small car”');
    const plus = panel.analogyForm.elements.namedItem('plus') as HTMLInputElement;
    expect(plus.value).toBe('blue, small car');
    expect(panel.analogy.querySelector('ol[aria-label="Analogy results"] img')).not.toBeNull();
    // Back to no analogy: nothing asked, nothing stated.
    await showAnalogy(panel, query, state);
    expect(calls).toHaveLength(1);
    expect(panel.statement.textContent).toBe('');
    expect(panel.analogy.childNodes.length).toBe(0);
    expect(plus.value).toBe('');
  });

  it("says why words cannot be composed, and calls the form's handler", () => {
    const onCompose = vi.fn();
    const panel = buildPanel(state, onCompose);
    expect(acceptWords(panel, [], [])).toBe(false);
    expect(panel.analogy.querySelector('[role="alert"]')?.textContent).toBe(
      'Type a word to remove or a word to add. (NO_WORDS)',
    );
    expect(acceptWords(panel, ['red'], [])).toBe(true);
    document.body.replaceChildren(panel.content);
    panel.analogyForm.requestSubmit();
    expect(onCompose).toHaveBeenCalledWith([], []);
  });
});
