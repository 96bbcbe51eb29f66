/**
 * A search with the visitor's own picture: its preview, what the model says of it (annotate)
 * and the stored pictures nearest to it (similar), asked in one multipart request. The picture
 * lives in this tab only (an object URL, given back when another replaces it): the URL says
 * "a picture search" (`?by=picture`) but cannot hold the picture, and the page says so.
 */
import { ApiError, type Query } from './api.ts';
import { h } from './dom.ts';
import { PictureSearchDocument, type PictureSearchQuery } from './generated/operations.ts';
import { loadInto } from './load.ts';
import { renderAnnotations } from './panel-view.ts';
import { NO_IMAGE_ENCODER_TEXT } from './picture-control.ts';
import {
  checkPictureFile,
  fileSize,
  type ReadyPicture,
  SHRINK_TO_SIDE,
  type Size,
  UPLOAD_LIMITS,
} from './picture-file.ts';
import { PAGE_SIZE } from './search-view.ts';
import { emptyNote } from './status.ts';
import { renderTiles } from './tiles.ts';
import { formatState, type PageState, withImage } from './url-state.ts';

/** Captions the model gives the picture, and the pictures shown like it. */
export const PICTURE_CAPTIONS = 5;
export const PICTURE_MATCHES = PAGE_SIZE;

export const NOT_SHAREABLE_TEXT =
  'A search with your picture is not shareable: the picture stays in this tab, and the address cannot hold it.';

/** What the page adds to the server's message for a refused picture. */
const PICTURE_HINTS: Readonly<Record<string, string>> = {
  NOT_A_PICTURE: 'Choose a JPEG, PNG or WebP photo.',
  UNSUPPORTED_PICTURE: 'Save it as JPEG, PNG or WebP and try again.',
  PICTURE_TOO_LARGE: `Choose a picture of at most ${fileSize(UPLOAD_LIMITS.maxBytes)} and ${SHRINK_TO_SIDE} × ${SHRINK_TO_SIDE} pixels.`,
};

/** The server's refusal of a picture in words a visitor can act on; other errors as they are. */
export function explainPictureError(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  const { code, details, status } = error;
  if (code === 'NO_IMAGE_ENCODER')
    return new ApiError(NO_IMAGE_ENCODER_TEXT, code, details, status);
  const hint = PICTURE_HINTS[code];
  return hint ? new ApiError(`${error.message} ${hint}`, code, details, status) : error;
}

export interface Previews {
  create(file: Blob): string;
  revoke(url: string): void;
}

/** Sends the ready picture; the page's own is a PictureSearch query (see `pictureQuery`). */
export type SendPicture = (ready: ReadyPicture, signal: AbortSignal) => Promise<PictureSearchQuery>;

/** The picture this tab searched with last, and its answer once it came. */
export interface HeldPicture {
  name: string;
  /** The object URL of the picture as picked; null when refused before sending, or discarded. */
  readonly preview: string | null;
  /** The picture as it is sent (shrunk if need be): made once, again only after a failure. */
  ready(): Promise<ReadyPicture>;
  /** The answer: asked once, kept, asked again only after a failure ("Try again"). */
  answer(): Promise<PictureSearchQuery>;
  /** Stops its request and gives its preview URL back. */
  discard(): void;
}

export function pictureQuery(query: Query, split: string | null): SendPicture {
  return async (ready, signal) => {
    const variables = {
      picture: ready.file,
      captions: PICTURE_CAPTIONS,
      first: PICTURE_MATCHES,
      split,
    };
    return query(PictureSearchDocument, variables, signal);
  };
}

/** A promise made when first asked for and kept, unless it failed: then the next ask tries again. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= make().catch((error: unknown) => {
      pending = null;
      throw error;
    });
    return pending;
  };
}

/** Holds a picked file: its preview at once (if it is a picture), its search when first asked. */
export function holdPicture(
  file: File,
  prepare: (file: File) => Promise<ReadyPicture>,
  send: SendPicture,
  previews: Previews,
): HeldPicture {
  const controller = new AbortController();
  let preview: string | null = null;
  try {
    checkPictureFile(file);
    preview = previews.create(file);
  } catch {
    // Refused: answer() says why, and there is nothing to preview.
  }
  const ready = once(() => prepare(file));
  const answer = once(async () => {
    const picture = await ready();
    try {
      return await send(picture, controller.signal);
    } catch (error) {
      throw explainPictureError(error);
    }
  });
  return {
    name: file.name,
    get preview() {
      return preview;
    },
    ready,
    answer,
    discard() {
      controller.abort();
      if (preview) previews.revoke(preview);
      preview = null;
    },
  };
}

function dimensions(size: Size): string {
  return `${size.width} × ${size.height}`;
}

/** Says that the picture was shrunk before it was sent, and why; null when it was not. */
export function shrinkNote(ready: ReadyPicture): HTMLElement | null {
  if (!ready.shrunk) return null;
  const { from, to } = ready.shrunk;
  return h(
    'p',
    { class: 'note shrink-note', role: 'status' },
    `Your picture (${dimensions(from)} pixels, ${fileSize(ready.original.size)}) was shrunk to ${dimensions(to)} (${fileSize(ready.file.size)}, JPEG) before it was sent: the server takes at most ${dimensions({ width: SHRINK_TO_SIDE, height: SHRINK_TO_SIDE })} pixels and ${fileSize(UPLOAD_LIMITS.maxBytes)}.`,
  );
}

function section(id: string, title: string, ...children: Node[]): HTMLElement {
  return h(
    'section',
    { class: `panel-section section-${id}`, 'aria-labelledby': `${id}-heading` },
    h('h2', { id: `${id}-heading` }, title),
    ...children,
  );
}

/** The answer: the captions with their scores, the nearest pictures. */
export function renderPictureAnswer(result: PictureSearchQuery, state: PageState): Node[] {
  const { annotate, similar } = result;
  const tiles = similar.edges.map((edge) => ({
    picture: edge.node,
    score: edge.score,
    href: formatState(withImage(state, edge.node.id)),
  }));
  return [
    section('yours-described', 'Described as', ...renderAnnotations(annotate)),
    section(
      'yours-similar',
      'Pictures like yours',
      tiles.length ? renderTiles('Pictures like yours', tiles) : emptyNote(),
    ),
  ];
}

function previewFigure(held: HeldPicture): HTMLElement | null {
  if (!held.preview) return null;
  const img = h('img', {
    class: 'picture picture-large',
    alt: `Your picture, ${held.name}`,
    src: held.preview,
  });
  return h(
    'figure',
    { class: 'panel-figure picture-preview' },
    img,
    h('figcaption', { class: 'meta' }, held.name),
  );
}

/**
 * Shows a picture search in the region: the preview, the note that it is not shareable, and the
 * answer as it comes. Without a held picture (the address opened afresh) it says why there is
 * nothing to show and offers to choose one.
 */
export function showPictureSearch(
  region: HTMLElement,
  held: HeldPicture | null,
  state: PageState,
  onChoose: () => void,
): Promise<void> {
  const note = h('p', { class: 'note' }, NOT_SHAREABLE_TEXT);
  if (!held) {
    const choose = h('button', { type: 'button' }, 'Choose a picture');
    choose.addEventListener('click', onChoose);
    region.replaceChildren(h('div', { class: 'picture-view' }, note, choose));
    return Promise.resolve();
  }
  const answer = h('div', { class: 'region picture-answer' });
  const side = h('div', { class: 'picture-side' }, previewFigure(held), note);
  region.replaceChildren(h('div', { class: 'picture-view' }, side, answer));
  // Said as soon as it is done, whatever the server answers next.
  const shrunk = held.ready().then(
    (ready) => {
      const said = shrinkNote(ready);
      if (said) note.before(said);
    },
    () => undefined,
  );
  return Promise.all([
    shrunk,
    loadInto(answer, {
      fetch: () => held.answer(),
      render: (result) => renderPictureAnswer(result, state),
    }),
  ]).then(() => undefined);
}

/** Pictures kept for Back and Forward: the latest few. */
export const PICTURES_KEPT = 5;

/**
 * The pictures this tab searched with, each under a key its history entry carries as
 * `history.state.picture`, so Back and Forward show each entry's own picture. Keys are unique
 * to this load of the page: an entry made before a reload finds nothing (and says so).
 */
export class PictureShelf {
  private readonly held = new Map<string, HeldPicture>();
  private readonly load = Math.random().toString(36).slice(2);
  private count = 0;

  /** Keeps a picture, giving the oldest back beyond PICTURES_KEPT; its history state. */
  add(picture: HeldPicture): { picture: string } {
    const key = `${this.load}-${++this.count}`;
    this.held.set(key, picture);
    for (const [oldKey, old] of this.held) {
      if (this.held.size <= PICTURES_KEPT) break;
      old.discard();
      this.held.delete(oldKey);
    }
    return { picture: key };
  }

  /** The picture a history entry's state names, if it is still kept. */
  find(historyState: unknown): HeldPicture | null {
    if (typeof historyState !== 'object' || historyState === null) return null;
    const key: unknown = Reflect.get(historyState, 'picture');
    return typeof key === 'string' ? (this.held.get(key) ?? null) : null;
  }
}
