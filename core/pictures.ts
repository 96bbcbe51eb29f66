/**
 * What a stored picture may be: its file name, its kind (by extension) and its size. Seeding
 * checks a picture against these before it is stored; the worker's picture route checks a
 * request's file name against them before it reads anything.
 */

export const PICTURE_LIMITS = {
  /** A file name's length in UTF-8 bytes (the common file system limit). */
  maxFileNameBytes: 255,
  /** One picture's size: larger files are refused when seeding. */
  maxPictureBytes: 10 * 1024 * 1024,
} as const;

/** The content type each picture extension is served with; anything else is not a picture. */
export const PICTURE_CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.svg': 'image/svg+xml',
};

/** The content type of a picture's file name, or null when the extension is not a picture's. */
export function pictureContentType(file: string): string | null {
  const dot = file.lastIndexOf('.');
  if (dot < 0) return null;
  return PICTURE_CONTENT_TYPES[file.slice(dot).toLowerCase()] ?? null;
}

/**
 * Why a file name cannot be a stored picture's, or null when it can: one path segment (no `/`
 * or `\`, not `.` or `..`), no control characters, no percent-escape, within the byte limit, a
 * picture extension. A name holding `%2F` is refused because the route decodes a path segment
 * once: such a name could only be asked for double-encoded (`%252F`), which is how traversal
 * past a second decoder (a proxy, a CDN) is attempted.
 */
export function pictureFileProblem(file: string): string | null {
  if (file.length === 0) return 'the file name is empty';
  if (new TextEncoder().encode(file).length > PICTURE_LIMITS.maxFileNameBytes) {
    return `the file name is longer than ${PICTURE_LIMITS.maxFileNameBytes} bytes`;
  }
  if (file === '.' || file === '..' || /[/\\]/.test(file)) {
    return 'the file name is not a single path segment';
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (/[\u0000-\u001f\u007f]/.test(file)) return 'the file name holds a control character';
  if (/%[0-9a-f]{2}/i.test(file)) return 'the file name holds a percent-escape (%XX)';
  if (pictureContentType(file) === null) {
    return `the file is not a picture (${Object.keys(PICTURE_CONTENT_TYPES).join(', ')})`;
  }
  return null;
}

/** `images/<version>.json`: the pictures stored for a version, by file name. */
export interface PictureList {
  version: string;
  files: string[];
}

/** Reads a PictureList from its JSON text; throws with the reason when it is not one. */
export function parsePictureList(text: string): PictureList {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null) throw new Error('a picture list is an object');
  const { version, files } = value as Record<string, unknown>;
  if (typeof version !== 'string') throw new Error('a picture list names its version');
  if (!Array.isArray(files) || !files.every((f): f is string => typeof f === 'string')) {
    throw new Error('a picture list holds its file names as strings');
  }
  return { version, files };
}
