/**
 * "Search with your picture" in the page's header: a file input (its label is the button people
 * see and the zone they drop a picture on) and the note that says why it is off. Files dragged
 * over the page are the page's to handle: dropped on the zone they are searched with, dropped
 * anywhere else they are ignored, where a browser would otherwise leave the page to show them.
 */
import type { Query } from './api.ts';
import { byId } from './dom.ts';
import { PictureInputDocument } from './generated/operations.ts';

/** Why a model takes no pictures (its `imageEncoder` is null, or the server said NO_IMAGE_ENCODER). */
export const NO_IMAGE_ENCODER_TEXT =
  'This model was trained on features from another extractor; it takes no pictures.';

/** The elements of index.html the control is made of. */
export interface PictureControl {
  zone: HTMLElement;
  input: HTMLInputElement;
  note: HTMLElement;
}

export function findPictureControl(doc: Document): PictureControl {
  return {
    zone: byId(doc, 'picture-zone', HTMLElement, 'div'),
    input: byId(doc, 'picture-input', HTMLInputElement, 'input'),
    note: byId(doc, 'picture-note', HTMLElement, 'p'),
  };
}

/** Whether a drag carries files (rather than text or a link from the page). */
export function carriesFiles(event: DragEvent): boolean {
  return [...(event.dataTransfer?.types ?? [])].includes('Files');
}

/** Whether a drop at this event's target would land on the control, and it is on. */
function onZone(control: PictureControl, event: Event): boolean {
  return (
    !control.input.disabled && event.target instanceof Node && control.zone.contains(event.target)
  );
}

function clearDrag(control: PictureControl): void {
  control.zone.classList.remove('drop-ready', 'drop-over');
}

/**
 * Calls `onFile` with a file picked with the input or dropped on the zone, until `signal`
 * aborts. Only the first of several dropped files is taken.
 */
export function watchPictureControl(
  doc: Document,
  control: PictureControl,
  onFile: (file: File) => void,
  signal?: AbortSignal,
): void {
  const options = { signal };
  control.input.addEventListener(
    'change',
    () => {
      const file = control.input.files?.[0];
      // Emptied, so that picking the same file again is a change too.
      control.input.value = '';
      if (file) onFile(file);
    },
    options,
  );
  doc.addEventListener(
    'dragover',
    (event) => {
      if (!carriesFiles(event)) return;
      // Cancelled everywhere, so that no drop opens the file in place of the page.
      event.preventDefault();
      const over = onZone(control, event);
      if (event.dataTransfer) event.dataTransfer.dropEffect = over ? 'copy' : 'none';
      control.zone.classList.toggle('drop-ready', !control.input.disabled);
      control.zone.classList.toggle('drop-over', over);
    },
    options,
  );
  doc.addEventListener(
    'dragleave',
    (event) => {
      // Left the window (no element to go to): the page looks as before.
      if (event.relatedTarget === null) clearDrag(control);
    },
    options,
  );
  doc.addEventListener(
    'drop',
    (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      clearDrag(control);
      const file = event.dataTransfer?.files[0];
      if (file && onZone(control, event)) onFile(file);
    },
    options,
  );
}

/** Turns the control off, saying why in words next to it. */
export function disablePictureControl(control: PictureControl, reason: string): void {
  control.input.disabled = true;
  control.zone.classList.add('disabled');
  control.note.textContent = reason;
  control.note.hidden = false;
}

/**
 * Asks the server whether its model takes pictures and turns the control off when it does not.
 * When the answer does not come (the model is loading, the network is down) the control stays
 * on: a search then says what is wrong.
 */
export async function offerPictureSearch(control: PictureControl, query: Query): Promise<void> {
  let takesPictures = true;
  try {
    const retrieval = (await query(PictureInputDocument, {})).models.retrieval;
    takesPictures = retrieval === null || retrieval.imageEncoder !== null;
  } catch {
    return;
  }
  if (!takesPictures) disablePictureControl(control, NO_IMAGE_ENCODER_TEXT);
}
