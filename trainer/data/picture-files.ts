import { readdir } from 'node:fs/promises';
import { extname } from 'node:path';
import { DatasetError } from './karpathy.ts';

/**
 * Which files of a folder are pictures: the ones named like one. JPEG, PNG and WebP are read;
 * the other picture formats are listed too, so that a GIF among the photos is reported as a
 * picture that cannot be read rather than passed over in silence. Anything else (captions.txt,
 * features.npy, notes) is not a picture and is left alone.
 */

export const PICTURE_EXTENSIONS: readonly string[] = [
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.png',
  '.webp',
  '.gif',
  '.bmp',
  '.tif',
  '.tiff',
  '.heic',
  '.heif',
  '.avif',
];

/** The extensions as help shows them: '*.jpg, *.jpeg, ...'. */
export const PICTURE_NAMES_TEXT = PICTURE_EXTENSIONS.map((e) => `*${e}`).join(', ');

/** True for a file named like a picture (any case: IMG_0001.JPG). */
export function isPictureName(name: string): boolean {
  return PICTURE_EXTENSIONS.includes(extname(name).toLowerCase());
}

/**
 * The pictures directly in `dir` (not in its subfolders), sorted by name (UTF-16 code units,
 * the same order on every machine). Hidden files (.DS_Store, ._IMG.jpg) are not pictures.
 */
export async function listPictureFiles(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new DatasetError(`${dir}: cannot list the folder (${(e as Error).message})`);
  }
  return entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && !e.name.startsWith('.'))
    .map((e) => e.name)
    .filter(isPictureName)
    .sort();
}
