/**
 * An image's panel: the picture large with its own captions, the captions the model ranks best
 * for it (annotate) with their scores, "more like this" (similar), and the analogy. Each part
 * loads on its own, so one that fails (say, the analogy model is down) leaves the others shown.
 */
import { analogyStatement, checkWords, loadAnalogy, renderAnalogyForm } from './analogy.ts';
import type { Query } from './api.ts';
import { h } from './dom.ts';
import {
  AnnotateDocument,
  type AnnotateQuery,
  ImageDetailsDocument,
  type ImageDetailsQuery,
  SimilarDocument,
  type SimilarQuery,
} from './generated/operations.ts';
import { cancelLoad, loadInto } from './load.ts';
import { renderPicture } from './picture.ts';
import { emptyNote, errorAlert } from './status.ts';
import { formatScore, renderTiles } from './tiles.ts';
import { formatState, type PageState, withImage } from './url-state.ts';

/** Captions the model ranks for the picture, and pictures like it, shown in the panel. */
export const ANNOTATIONS_SHOWN = 5;
export const SIMILAR_SHOWN = 8;

/** The regions of a panel that fill in as their answers come. */
export interface Panel {
  /** What the panel shows, to put in its container. */
  content: HTMLElement;
  details: HTMLElement;
  annotations: HTMLElement;
  similar: HTMLElement;
  analogyForm: HTMLFormElement;
  statement: HTMLElement;
  analogy: HTMLElement;
}

/** A titled part of the panel; its region (the part that loads) follows the heading. */
function section(id: string, title: string, region: HTMLElement): HTMLElement {
  return h(
    'section',
    { class: `panel-section section-${id}`, 'aria-labelledby': `${id}-heading` },
    h('h3', { id: `${id}-heading` }, title),
    region,
  );
}

function region(): HTMLElement {
  return h('div', { class: 'region' });
}

/** The picture large, its file and split, and its own captions. */
export function renderDetails(image: ImageDetailsQuery['image'], id: string): Node[] {
  if (!image) return [emptyNote(`No picture has the id “${id}”.`)];
  const captions = image.captions.length
    ? h('ul', { class: 'captions' }, ...image.captions.map((c) => h('li', {}, c.text)))
    : emptyNote('This picture has no captions.');
  return [
    h(
      'figure',
      { class: 'panel-figure' },
      renderPicture(image, 'large'),
      h('figcaption', { class: 'meta' }, `${image.file} · ${image.split}`),
    ),
    section('captions', 'Captions', h('div', {}, captions)),
  ];
}

/** The captions the model ranks best for the picture, each with its score. */
export function renderAnnotations(annotate: AnnotateQuery['annotate']): Node[] {
  if (annotate.edges.length === 0) return [emptyNote('No captions found.')];
  return [
    h(
      'ol',
      { class: 'ranked-captions' },
      ...annotate.edges.map((edge) =>
        h(
          'li',
          {},
          h('span', { class: 'caption-text' }, edge.node.text),
          h(
            'span',
            { class: 'score' },
            h('span', { class: 'visually-hidden' }, 'Score '),
            formatScore(edge.score),
          ),
        ),
      ),
    ),
  ];
}

/** The pictures like this one, each a link to its own panel. */
export function renderSimilar(edges: SimilarQuery['similar']['edges'], state: PageState): Node[] {
  if (edges.length === 0) return [emptyNote()];
  const tiles = edges.map((edge) => ({
    picture: edge.node,
    score: edge.score,
    href: formatState(withImage(state, edge.node.id)),
  }));
  return [renderTiles('More like this', tiles)];
}

/** The panel's parts, empty; `loadPanel` fills them. */
export function buildPanel(
  state: PageState,
  onCompose: (minus: string[], plus: string[]) => void,
): Panel {
  const details = region();
  const annotations = region();
  const similar = region();
  const analogy = region();
  const analogyForm = renderAnalogyForm(state, onCompose);
  const statement = h('p', { class: 'statement', 'aria-live': 'polite' });
  const content = h(
    'div',
    { class: 'panel-content' },
    h(
      'div',
      { class: 'panel-top' },
      h('div', { class: 'panel-details' }, details),
      section('described', 'Described as', annotations),
    ),
    section('similar', 'More like this', similar),
    h(
      'section',
      { class: 'panel-section section-analogy', 'aria-labelledby': 'analogy-heading' },
      h('h3', { id: 'analogy-heading' }, 'Analogy'),
      analogyForm,
      statement,
      analogy,
    ),
  );
  return { content, details, annotations, similar, analogyForm, statement, analogy };
}

/** Loads the picture's details, its annotations and the pictures like it, side by side. */
export function loadPanel(panel: Panel, query: Query, state: PageState): Promise<void> {
  const id = state.image;
  if (!id) throw new Error('a panel needs an image');
  return Promise.all([
    loadInto(panel.details, {
      fetch: async (signal) => (await query(ImageDetailsDocument, { id }, signal)).image,
      render: (image) => renderDetails(image, id),
    }),
    loadInto(panel.annotations, {
      fetch: async (signal) =>
        (await query(AnnotateDocument, { id, first: ANNOTATIONS_SHOWN }, signal)).annotate,
      render: renderAnnotations,
    }),
    loadInto(panel.similar, {
      fetch: async (signal) => {
        const variables = { imageId: id, first: SIMILAR_SHOWN, split: state.split };
        return (await query(SimilarDocument, variables, signal)).similar.edges;
      },
      render: (edges) => renderSimilar(edges, state),
    }),
  ]).then(() => undefined);
}

/** The analogy of the state: its words in the form, the statement, and its results. */
export function showAnalogy(panel: Panel, query: Query, state: PageState): Promise<void> {
  for (const [name, words] of [
    ['minus', state.minus],
    ['plus', state.plus],
  ] as const) {
    const input = panel.analogyForm.elements.namedItem(name);
    if (input instanceof HTMLInputElement) input.value = words.join(', ');
  }
  if (state.minus.length === 0 && state.plus.length === 0) {
    cancelLoad(panel.analogy);
    panel.statement.textContent = '';
    panel.analogy.replaceChildren();
    return Promise.resolve();
  }
  panel.statement.textContent = analogyStatement(state.minus, state.plus);
  return loadAnalogy(panel.analogy, query, state);
}

/** Shows why the words cannot be composed; true when they can. */
export function acceptWords(panel: Panel, minus: string[], plus: string[]): boolean {
  try {
    checkWords(minus, plus);
    return true;
  } catch (error) {
    cancelLoad(panel.analogy);
    panel.analogy.replaceChildren(errorAlert(error));
    return false;
  }
}
