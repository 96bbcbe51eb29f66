import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Query } from '../../web/api.ts';
import { ApiError } from '../../web/api.ts';
import {
  carriesFiles,
  disablePictureControl,
  findPictureControl,
  NO_IMAGE_ENCODER_TEXT,
  offerPictureSearch,
  type PictureControl,
  watchPictureControl,
} from '../../web/picture-control.ts';

const photo = new File(['jpeg'], 'dog.jpg', { type: 'image/jpeg' });

/** A drag event as a browser sends it: its DataTransfer carrying files (or only text). */
function dragEvent(type: string, files: File[], extra: Partial<DataTransfer> = {}): DragEvent {
  const event = new Event(type, { bubbles: true, cancelable: true }) as DragEvent;
  const transfer = {
    types: files.length ? ['Files'] : ['text/plain'],
    files,
    dropEffect: 'none',
    ...extra,
  };
  Object.defineProperty(event, 'dataTransfer', { value: transfer });
  return event;
}

let stop: AbortController;
let control: PictureControl;
let picked: File[];
let elsewhere: HTMLElement;

beforeEach(() => {
  document.body.innerHTML = `
    <div id="picture-zone"><input id="picture-input" type="file"><label for="picture-input">Search with your picture</label><p id="picture-note" hidden></p></div>
    <main id="elsewhere"><p>results</p></main>`;
  control = findPictureControl(document);
  elsewhere = document.getElementById('elsewhere') as HTMLElement;
  picked = [];
  stop = new AbortController();
  watchPictureControl(document, control, (file) => picked.push(file), stop.signal);
});
afterEach(() => stop.abort());

describe('the picture control', () => {
  it('names what it misses in index.html', () => {
    document.body.innerHTML = '<div id="picture-zone"></div>';
    expect(() => findPictureControl(document)).toThrow(
      'index.html has no <input id="picture-input">',
    );
  });

  it('searches with a picked file, and takes the same file picked again', () => {
    for (let i = 0; i < 2; i++) {
      const transfer = new DataTransfer();
      transfer.items.add(photo);
      control.input.files = transfer.files;
      control.input.dispatchEvent(new Event('change'));
    }
    expect(picked.map((f) => f.name)).toEqual(['dog.jpg', 'dog.jpg']);
    expect(control.input.value).toBe('');
  });

  it('takes the first file dropped on the zone', () => {
    const label = control.zone.querySelector('label') as HTMLElement;
    const second = new File(['png'], 'cat.png', { type: 'image/png' });
    const drop = dragEvent('drop', [photo, second]);
    label.dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(true);
    expect(picked).toEqual([photo]);
  });

  it('keeps a file dropped elsewhere from replacing the page, and ignores it', () => {
    const over = dragEvent('dragover', [photo]);
    elsewhere.dispatchEvent(over);
    expect(over.defaultPrevented).toBe(true);
    expect(over.dataTransfer?.dropEffect).toBe('none');
    const drop = dragEvent('drop', [photo]);
    elsewhere.querySelector('p')?.dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(true);
    expect(picked).toEqual([]);
  });

  it('shows the zone ready while files are dragged, and where they would land', () => {
    elsewhere.dispatchEvent(dragEvent('dragover', [photo]));
    expect([...control.zone.classList]).toEqual(['drop-ready']);
    const over = dragEvent('dragover', [photo]);
    control.input.dispatchEvent(over);
    expect(over.dataTransfer?.dropEffect).toBe('copy');
    expect([...control.zone.classList]).toEqual(['drop-ready', 'drop-over']);
    // Out of the window (no element to go to): as before.
    const leave = dragEvent('dragleave', [photo]);
    Object.defineProperty(leave, 'relatedTarget', { value: null });
    document.body.dispatchEvent(leave);
    expect([...control.zone.classList]).toEqual([]);
    control.zone.dispatchEvent(dragEvent('dragover', [photo]));
    control.zone.dispatchEvent(dragEvent('drop', [photo]));
    expect([...control.zone.classList]).toEqual([]);
  });

  it('leaves drags of text and links from the page to the browser', () => {
    const over = dragEvent('dragover', []);
    elsewhere.dispatchEvent(over);
    expect(carriesFiles(over)).toBe(false);
    expect(over.defaultPrevented).toBe(false);
    const drop = dragEvent('drop', []);
    control.zone.dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(false);
    expect(control.zone.classList.length).toBe(0);
  });

  it('when off: says why, and takes no drop', () => {
    disablePictureControl(control, NO_IMAGE_ENCODER_TEXT);
    expect(control.input.disabled).toBe(true);
    expect(control.note.hidden).toBe(false);
    expect(control.note.textContent).toBe(
      'This model was trained on features from another extractor; it takes no pictures.',
    );
    const over = dragEvent('dragover', [photo]);
    control.zone.dispatchEvent(over);
    expect(over.dataTransfer?.dropEffect).toBe('none');
    expect(control.zone.classList.contains('drop-ready')).toBe(false);
    const drop = dragEvent('drop', [photo]);
    control.zone.dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(true);
    expect(picked).toEqual([]);
  });

  it('stops listening when its signal aborts', () => {
    stop.abort();
    const drop = dragEvent('drop', [photo]);
    control.zone.dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(false);
    expect(picked).toEqual([]);
  });
});

describe('asking whether the model takes pictures', () => {
  const answering =
    (answer: unknown): Query =>
    async () =>
      answer as never;

  it('turns the control off when the model has no image encoder', async () => {
    await offerPictureSearch(control, answering({ models: { retrieval: { imageEncoder: null } } }));
    expect(control.input.disabled).toBe(true);
    expect(control.note.textContent).toBe(NO_IMAGE_ENCODER_TEXT);
  });

  it('leaves it on for a model with one, or when the answer does not come', async () => {
    const failing: Query = async () => {
      throw new ApiError('loading', 'MODEL_UNAVAILABLE');
    };
    for (const query of [
      answering({ models: { retrieval: { imageEncoder: { width: 224, height: 224 } } } }),
      answering({ models: { retrieval: null } }),
      failing,
    ]) {
      await offerPictureSearch(control, query);
      expect(control.input.disabled).toBe(false);
      expect(control.note.hidden).toBe(true);
    }
  });
});
