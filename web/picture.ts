/**
 * A picture as the page shows it: the image at its URL with its first caption as alt text, or,
 * when there is no picture (a null URL, a URL the page will not load, or one that fails to
 * load), a tidy placeholder that shows the caption instead of a broken image icon.
 */
import { h } from './dom.ts';
import type { PictureFragment } from './generated/operations.ts';

export type PictureSize = 'tile' | 'large';

/** What a picture's alt text is: its first caption, else its file name. */
export function altText(picture: PictureFragment): string {
  return picture.captions[0]?.text ?? picture.file;
}

/**
 * The URL to load a picture from, or null: a path on this server or an http(s) URL elsewhere
 * (the page's Content-Security-Policy decides which load); never another scheme.
 */
export function pictureSource(url: string | null, base: string): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url, base);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** The stand-in for a missing picture: the caption as text, named as an image. */
export function placeholder(alt: string, size: PictureSize): HTMLElement {
  return h(
    'span',
    { class: `picture picture-${size} placeholder`, role: 'img', 'aria-label': alt },
    h('span', { class: 'placeholder-text', 'aria-hidden': 'true' }, alt),
  );
}

/** The picture, or its placeholder; an image that fails to load becomes the placeholder. */
export function renderPicture(
  picture: PictureFragment,
  size: PictureSize,
  base = document.baseURI,
): HTMLElement {
  const alt = altText(picture);
  const src = pictureSource(picture.url, base);
  if (!src) return placeholder(alt, size);
  const img = h('img', {
    class: `picture picture-${size}`,
    alt,
    // Tiles below the fold wait until they are scrolled to; the large picture is wanted now.
    loading: size === 'tile' ? 'lazy' : 'eager',
    decoding: 'async',
  });
  // The listener is in place before the load starts, so no failure goes unseen.
  img.addEventListener('error', () => img.replaceWith(placeholder(alt, size)), { once: true });
  img.src = src;
  return img;
}
