import { describe, expect, it } from 'vitest';
import type { PictureFragment } from '../../web/generated/operations.ts';
import { altText, pictureSource, placeholder, renderPicture } from '../../web/picture.ts';

const BASE = 'http://127.0.0.1:8791/?q=cat';

function picture(overrides: Partial<PictureFragment> = {}): PictureFragment {
  return {
    id: 'demo_000001.svg',
    file: 'demo_000001.svg',
    url: '/images/v1/demo_000001.svg',
    captions: [{ text: 'a red dog on the beach' }, { text: 'a crimson puppy by the sea' }],
    ...overrides,
  };
}

describe('a picture', () => {
  it('takes its alt text from its first caption, else its file name', () => {
    expect(altText(picture())).toBe('a red dog on the beach');
    expect(altText(picture({ captions: [] }))).toBe('demo_000001.svg');
  });

  it('loads from this server or over http(s), never another scheme', () => {
    expect(pictureSource('/images/v1/a.svg', BASE)).toBe('http://127.0.0.1:8791/images/v1/a.svg');
    expect(pictureSource('https://cdn.example/a.jpg', BASE)).toBe('https://cdn.example/a.jpg');
    expect(pictureSource('javascript:alert(1)', BASE)).toBeNull();
    expect(pictureSource('data:image/svg+xml,<svg/>', BASE)).toBeNull();
    expect(pictureSource(null, BASE)).toBeNull();
    expect(pictureSource('', BASE)).toBeNull();
    expect(pictureSource('http://[bad', BASE)).toBeNull();
  });

  it('is an img with its caption as alt', () => {
    const img = renderPicture(picture(), 'tile', BASE);
    expect(img).toBeInstanceOf(HTMLImageElement);
    expect(img.getAttribute('alt')).toBe('a red dog on the beach');
    expect(img.getAttribute('src')).toBe('http://127.0.0.1:8791/images/v1/demo_000001.svg');
    expect(img.getAttribute('loading')).toBe('lazy');
    expect(renderPicture(picture(), 'large', BASE).getAttribute('loading')).toBe('eager');
  });

  it('is a placeholder with the caption when there is no picture', () => {
    const shown = renderPicture(picture({ url: null }), 'tile', BASE);
    expect(shown.tagName).not.toBe('IMG');
    expect(shown.getAttribute('role')).toBe('img');
    expect(shown.getAttribute('aria-label')).toBe('a red dog on the beach');
    expect(shown.textContent).toBe('a red dog on the beach');
    expect(shown.classList.contains('picture-tile')).toBe(true);
  });

  it('becomes the placeholder when the image fails to load', () => {
    const holder = document.createElement('div');
    const img = renderPicture(picture(), 'large', BASE);
    holder.append(img);
    img.dispatchEvent(new Event('error'));
    const shown = holder.firstElementChild;
    expect(shown?.tagName).toBe('SPAN');
    expect(shown?.getAttribute('aria-label')).toBe('a red dog on the beach');
    expect(shown?.classList.contains('picture-large')).toBe(true);
    expect(holder.querySelector('img')).toBeNull();
  });

  it('shows a caption that looks like markup as text', () => {
    const shown = placeholder('<b>bold</b>', 'tile');
    expect(shown.querySelector('b')).toBeNull();
    expect(shown.textContent).toBe('<b>bold</b>');
  });
});
