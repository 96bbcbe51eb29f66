import { describe, expect, it, vi } from 'vitest';
import { ApiError, type Query } from '../../web/api.ts';
import type { PictureSearchQuery } from '../../web/generated/operations.ts';
import { NO_IMAGE_ENCODER_TEXT } from '../../web/picture-control.ts';
import { PictureFileError, type ReadyPicture } from '../../web/picture-file.ts';
import {
  explainPictureError,
  type HeldPicture,
  holdPicture,
  NOT_SHAREABLE_TEXT,
  PICTURE_CAPTIONS,
  PICTURE_MATCHES,
  PICTURES_KEPT,
  PictureShelf,
  pictureQuery,
  renderPictureAnswer,
  type SendPicture,
  showPictureSearch,
  shrinkNote,
} from '../../web/picture-search.ts';
import { EMPTY_STATE, pictureSearch } from '../../web/url-state.ts';

const photo = new File(['jpeg'], 'dog.jpg', { type: 'image/jpeg' });
const state = pictureSearch(EMPTY_STATE);

const result: PictureSearchQuery = {
  annotate: {
    edges: [
      { score: 0.61, node: { id: 'c#1', text: 'a dog runs on the beach' } },
      { score: 0.5, node: { id: 'c#2', text: 'a brown dog' } },
    ],
  },
  similar: {
    edges: [1, 2, 3].map((i) => ({
      cursor: `c${i}`,
      score: 0.9 - i / 10,
      node: { id: `d${i}.jpg`, file: `d${i}.jpg`, url: `/images/v/d${i}.jpg`, captions: [] },
    })),
  },
};

function ready(file: File, shrunk: ReadyPicture['shrunk'] = null): ReadyPicture {
  return { file, original: file, size: { width: 640, height: 480 }, shrunk };
}

function previews() {
  const made: string[] = [];
  const revoked: string[] = [];
  return {
    made,
    revoked,
    create: (_file: Blob) => {
      made.push(`blob:test/${made.length}`);
      return made.at(-1) as string;
    },
    revoke: (url: string) => revoked.push(url),
  };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};

describe("the server's refusals of a picture", () => {
  it('say what to do, keeping the code; NO_IMAGE_ENCODER says why the model takes none', () => {
    const encoder = explainPictureError(new ApiError('no image encoder', 'NO_IMAGE_ENCODER'));
    expect(encoder).toMatchObject({ code: 'NO_IMAGE_ENCODER', message: NO_IMAGE_ENCODER_TEXT });
    expect(explainPictureError(new ApiError('not a picture', 'NOT_A_PICTURE'))).toMatchObject({
      code: 'NOT_A_PICTURE',
      message: 'not a picture Choose a JPEG, PNG or WebP photo.',
    });
    const big = new ApiError('9000000 bytes', 'PICTURE_TOO_LARGE', { limit: 'bytes' }, 200);
    expect(explainPictureError(big)).toMatchObject({
      code: 'PICTURE_TOO_LARGE',
      details: { limit: 'bytes' },
      status: 200,
      message: '9000000 bytes Choose a picture of at most 8 MB and 2048 × 2048 pixels.',
    });
    expect((explainPictureError(new ApiError('gif', 'UNSUPPORTED_PICTURE')) as Error).message).toBe(
      'gif Save it as JPEG, PNG or WebP and try again.',
    );
  });

  it('leave other errors as they are', () => {
    const limited = new ApiError('slow down', 'RATE_LIMITED');
    expect(explainPictureError(limited)).toBe(limited);
    const other = new TypeError('x');
    expect(explainPictureError(other)).toBe(other);
  });
});

describe('the picture search query', () => {
  it('sends the picture with the numbers of captions and pictures, and the split', async () => {
    const query = vi.fn(async () => result);
    const send = pictureQuery(query as unknown as Query, 'test');
    const signal = new AbortController().signal;
    expect(await send(ready(photo), signal)).toBe(result);
    const [operation, variables, passed] = query.mock.calls[0] as unknown as [
      object,
      unknown,
      AbortSignal,
    ];
    expect(String(operation)).toContain('query PictureSearch');
    expect(variables).toEqual({
      picture: photo,
      captions: PICTURE_CAPTIONS,
      first: PICTURE_MATCHES,
      split: 'test',
    });
    expect(PICTURE_CAPTIONS).toBe(5);
    expect(passed).toBe(signal);
  });
});

describe('a held picture', () => {
  it('previews a picture at once and asks the server once, keeping the answer', async () => {
    const urls = previews();
    const send = vi.fn<SendPicture>(async () => result);
    const prepare = vi.fn(async (file: File) => ready(file));
    const held = holdPicture(photo, prepare, send, urls);
    expect(held.preview).toBe('blob:test/0');
    expect(await held.answer()).toBe(result);
    expect(await held.answer()).toBe(result);
    expect(send).toHaveBeenCalledOnce();
    expect(prepare).toHaveBeenCalledOnce();
  });

  it('asks again after a failure, and explains a refusal', async () => {
    let calls = 0;
    const send: SendPicture = async () => {
      calls++;
      if (calls === 1) throw new ApiError('encoder', 'NO_IMAGE_ENCODER');
      return result;
    };
    const held = holdPicture(photo, async (f) => ready(f), send, previews());
    const error = await held.answer().catch((e) => e);
    expect(error).toMatchObject({ code: 'NO_IMAGE_ENCODER', message: NO_IMAGE_ENCODER_TEXT });
    expect(await held.answer()).toBe(result);
  });

  it('makes no preview of a file that is not a picture, and sends nothing', async () => {
    const urls = previews();
    const send = vi.fn<SendPicture>(async () => result);
    const refuse = async () => {
      throw new PictureFileError('not a picture', 'NOT_A_PICTURE');
    };
    const held = holdPicture(
      new File(['%PDF'], 'a.pdf', { type: 'application/pdf' }),
      refuse,
      send,
      urls,
    );
    expect(held.preview).toBeNull();
    expect(urls.made).toEqual([]);
    expect((await held.answer().catch((e) => e)).code).toBe('NOT_A_PICTURE');
    expect(send).not.toHaveBeenCalled();
  });

  it('gives its preview back and stops its request when discarded', async () => {
    const urls = previews();
    let signal: AbortSignal | undefined;
    const held = holdPicture(
      photo,
      async (f) => ready(f),
      async (_ready, s) => {
        signal = s;
        return result;
      },
      urls,
    );
    await held.answer();
    held.discard();
    expect(urls.revoked).toEqual(['blob:test/0']);
    expect(signal?.aborted).toBe(true);
    expect(held.preview).toBeNull();
  });
});

describe('the view of a picture search', () => {
  it('says when and why the picture was shrunk', () => {
    expect(shrinkNote(ready(photo))).toBeNull();
    const big = new File([new Uint8Array(3 * 1024 * 1024)], 'big.png', { type: 'image/png' });
    const small = new File([new Uint8Array(1024 * 1024)], 'big.jpg', { type: 'image/jpeg' });
    const note = shrinkNote({
      file: small,
      original: big,
      size: { width: 2048, height: 1536 },
      shrunk: { from: { width: 4032, height: 3024 }, to: { width: 2048, height: 1536 } },
    });
    expect(note?.getAttribute('role')).toBe('status');
    expect(note?.textContent).toBe(
      'Your picture (4032 × 3024 pixels, 3 MB) was shrunk to 2048 × 1536 (1 MB, JPEG) before it was sent: the server takes at most 2048 × 2048 pixels and 8 MB.',
    );
  });

  it('shows the captions with scores and the pictures like it, each a link to its panel', () => {
    const holder = document.createElement('div');
    holder.append(...renderPictureAnswer(result, state));
    expect([...holder.querySelectorAll('h2')].map((h) => h.textContent)).toEqual([
      'Described as',
      'Pictures like yours',
    ]);
    expect([...holder.querySelectorAll('.ranked-captions li')].map((li) => li.textContent)).toEqual(
      ['a dog runs on the beachScore 0.610', 'a brown dogScore 0.500'],
    );
    const links = [...holder.querySelectorAll('ol[aria-label="Pictures like yours"] a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      '/?by=picture&image=d1.jpg',
      '/?by=picture&image=d2.jpg',
      '/?by=picture&image=d3.jpg',
    ]);
  });

  it('says so when nothing came back', () => {
    const holder = document.createElement('div');
    holder.append(
      ...renderPictureAnswer({ annotate: { edges: [] }, similar: { edges: [] } }, state),
    );
    expect(holder.textContent).toContain('No captions found.');
    expect(holder.textContent).toContain('No pictures found.');
  });

  it('shows the preview and the note at once, then the answer', async () => {
    const region = document.createElement('div');
    let answer!: (r: PictureSearchQuery) => void;
    const send: SendPicture = () => new Promise((resolve) => (answer = resolve));
    const held = holdPicture(photo, async (f) => ready(f), send, previews());
    const shown = showPictureSearch(region, held, state, () => undefined);
    const img = region.querySelector('img');
    expect(img?.getAttribute('src')).toBe('blob:test/0');
    expect(img?.getAttribute('alt')).toBe('Your picture, dog.jpg');
    expect(region.textContent).toContain(NOT_SHAREABLE_TEXT);
    expect(region.querySelector('.picture-answer')?.textContent).toBe('Loading…');
    await settle();
    answer(result);
    await shown;
    expect(region.querySelectorAll('.ranked-captions li').length).toBe(2);
    expect(region.querySelectorAll('ol[aria-label="Pictures like yours"] li').length).toBe(3);
    expect(region.querySelector('.shrink-note')).toBeNull();
  });

  it('says the picture was shrunk even when the server then refuses it', async () => {
    const region = document.createElement('div');
    const shrunk = ready(photo, {
      from: { width: 5000, height: 4000 },
      to: { width: 2048, height: 1638 },
    });
    const send: SendPicture = async () => {
      throw new ApiError('no encoder', 'NO_IMAGE_ENCODER');
    };
    const held = holdPicture(photo, async () => shrunk, send, previews());
    await showPictureSearch(region, held, state, () => undefined);
    expect(region.querySelector('.shrink-note')?.textContent).toContain('5000 × 4000');
    expect(region.querySelector('[role="alert"]')?.textContent).toBe(
      `${NO_IMAGE_ENCODER_TEXT} (NO_IMAGE_ENCODER)`,
    );
  });

  it('shows a refused file as an alert with its code, and no preview', async () => {
    const region = document.createElement('div');
    const refuse = async () => {
      throw new PictureFileError('“a.gif” is a picture of type image/gif', 'UNSUPPORTED_PICTURE');
    };
    const gif = new File(['GIF89a'], 'a.gif', { type: 'image/gif' });
    const held = holdPicture(gif, refuse, async () => result, previews());
    await showPictureSearch(region, held, state, () => undefined);
    expect(region.querySelector('img')).toBeNull();
    expect(region.querySelector('[role="alert"]')?.textContent).toContain('(UNSUPPORTED_PICTURE)');
  });

  it('without the picture (the address opened afresh), says why and offers to choose one', async () => {
    const region = document.createElement('div');
    const choose = vi.fn();
    await showPictureSearch(region, null, state, choose);
    expect(region.textContent).toContain(NOT_SHAREABLE_TEXT);
    const button = region.querySelector('button');
    expect(button?.textContent).toBe('Choose a picture');
    button?.click();
    expect(choose).toHaveBeenCalledOnce();
  });
});

describe('the shelf of pictures for Back and Forward', () => {
  const held = (name: string): HeldPicture & { discarded: boolean } => {
    const picture = {
      name,
      preview: null,
      discarded: false,
      ready: async () => ready(photo),
      answer: async () => result,
      discard: () => {
        picture.discarded = true;
      },
    };
    return picture;
  };

  it('finds each picture by the state its history entry carries', () => {
    const shelf = new PictureShelf();
    const a = held('a');
    const b = held('b');
    const stateA = shelf.add(a);
    const stateB = shelf.add(b);
    expect(stateA.picture).not.toBe(stateB.picture);
    expect(shelf.find(stateA)).toBe(a);
    expect(shelf.find(structuredClone(stateB))).toBe(b);
    for (const other of [null, undefined, 'x', { picture: 1 }, { picture: 'gone' }]) {
      expect(shelf.find(other)).toBeNull();
    }
  });

  it(`keeps the latest ${PICTURES_KEPT}, giving the older ones back`, () => {
    const shelf = new PictureShelf();
    const pictures = Array.from({ length: PICTURES_KEPT + 2 }, (_, i) => held(`p${i}`));
    const states = pictures.map((p) => shelf.add(p));
    expect(pictures.map((p) => p.discarded)).toEqual([
      true,
      true,
      ...Array(PICTURES_KEPT).fill(false),
    ]);
    expect(shelf.find(states[0])).toBeNull();
    expect(shelf.find(states.at(-1))).toBe(pictures.at(-1));
  });

  it('does not take an entry made before a reload for one of its own', () => {
    const before = new PictureShelf().add(held('old'));
    const after = new PictureShelf();
    after.add(held('new'));
    expect(after.find(before)).toBeNull();
  });
});
