import { COLOURS, type ImageAttributes, type ObjectKind, SETTINGS } from './attributes.ts';

/**
 * A small SVG picture of a demo-world image: the setting as sky and ground, and `count` simple
 * drawings of the object in its colour. It lets a person (and the web page) see what an image
 * is, and check a query's answers by eye. About 1 KB each.
 */

const SIZE = 96;
const OUTLINE = '#333';

/** One object drawn in a 28 x 28 box whose top-left corner is the origin. */
const ICONS: Record<ObjectKind, (fill: string) => string> = {
  car: (f) =>
    `<rect x="2" y="12" width="24" height="9" rx="2" fill="${f}"/><rect x="7" y="6" width="13" height="7" rx="2" fill="${f}"/><circle cx="8" cy="22" r="3" fill="${OUTLINE}"/><circle cx="20" cy="22" r="3" fill="${OUTLINE}"/>`,
  dog: (f) =>
    `<ellipse cx="13" cy="16" rx="9" ry="5" fill="${f}"/><circle cx="23" cy="10" r="4" fill="${f}"/><rect x="6" y="19" width="2" height="7" fill="${f}"/><rect x="17" y="19" width="2" height="7" fill="${f}"/><path d="M4 14 L0 9" stroke="${f}" stroke-width="2"/>`,
  cat: (f) =>
    `<ellipse cx="12" cy="19" rx="8" ry="6" fill="${f}"/><circle cx="20" cy="11" r="5" fill="${f}"/><path d="M16 8 L17 2 L20 6 Z M21 6 L24 2 L25 8 Z" fill="${f}"/>`,
  bird: (f) =>
    `<ellipse cx="13" cy="15" rx="8" ry="6" fill="${f}"/><circle cx="20" cy="9" r="4" fill="${f}"/><path d="M24 9 L28 10 L24 11 Z" fill="#f0a000"/><path d="M12 21 L12 26 M15 21 L15 26" stroke="${OUTLINE}"/>`,
  boat: (f) =>
    `<path d="M2 18 L26 18 L21 25 L7 25 Z" fill="${f}"/><path d="M14 2 L14 17 L24 17 Z" fill="#fafafa" stroke="${OUTLINE}" stroke-width="0.5"/>`,
  house: (f) =>
    `<rect x="5" y="12" width="18" height="14" fill="${f}"/><path d="M2 13 L14 2 L26 13 Z" fill="#8b3a2b"/><rect x="12" y="18" width="5" height="8" fill="${OUTLINE}"/>`,
  ball: (f) =>
    `<circle cx="14" cy="16" r="10" fill="${f}"/><path d="M4 16 Q14 10 24 16" stroke="${OUTLINE}" fill="none"/>`,
  bicycle: (f) =>
    `<circle cx="7" cy="19" r="6" fill="none" stroke="${OUTLINE}" stroke-width="1.5"/><circle cx="21" cy="19" r="6" fill="none" stroke="${OUTLINE}" stroke-width="1.5"/><path d="M7 19 L12 10 L21 19 M12 10 L19 10 L21 19" stroke="${f}" stroke-width="2.5" fill="none"/>`,
  umbrella: (f) =>
    `<path d="M2 13 A12 12 0 0 1 26 13 Z" fill="${f}"/><path d="M14 13 L14 24 Q14 27 11 26" stroke="${OUTLINE}" stroke-width="1.5" fill="none"/>`,
  chair: (f) =>
    `<rect x="6" y="2" width="4" height="16" fill="${f}"/><rect x="6" y="14" width="16" height="4" fill="${f}"/><rect x="7" y="18" width="2" height="8" fill="${f}"/><rect x="19" y="18" width="2" height="8" fill="${f}"/>`,
};

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The picture; `title` (e.g. the first caption) becomes its accessible name. */
export function renderSvg(attrs: ImageAttributes, title: string): string {
  const setting = SETTINGS[attrs.setting];
  const icon = ICONS[attrs.object](COLOURS[attrs.colour].fill);
  const horizon = 56;
  // Spread the copies across the ground, slightly staggered in depth.
  const copies = Array.from({ length: attrs.count }, (_, i) => {
    const x = (SIZE / (attrs.count + 1)) * (i + 1) - 14;
    const y = horizon - 12 + (i % 2) * 8;
    // A thin outline keeps a white object visible on snow.
    return `<g transform="translate(${x.toFixed(1)} ${y})" stroke="${OUTLINE}" stroke-width="0.4">${icon}</g>`;
  }).join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${SIZE} ${SIZE}" width="${SIZE}" height="${SIZE}" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${SIZE}" height="${horizon}" fill="${setting.sky}"/>`,
    `<rect y="${horizon}" width="${SIZE}" height="${SIZE - horizon}" fill="${setting.ground}"/>`,
    copies,
    '</svg>',
  ].join('');
}
