import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';

/**
 * Karpathy's split-file format (`dataset_{flickr8k,flickr30k,coco}.json`), the common currency
 * of image-caption datasets. See REFERENCE.md, "Data formats users have".
 */

export const SPLITS = ['train', 'val', 'test', 'restval'] as const;
export type Split = (typeof SPLITS)[number];

export interface KarpathySentence {
  raw: string;
  tokens: string[];
  imgid: number;
  sentid: number;
}

export interface KarpathyImage {
  filename: string;
  imgid: number;
  split: Split;
  sentids: number[];
  sentences: KarpathySentence[];
  filepath?: string;
  cocoid?: number;
}

export interface KarpathyDataset {
  dataset: string;
  images: KarpathyImage[];
}

/**
 * Where an image's picture is, relative to the pictures' folder: COCO's `filepath` (the
 * train2014/ or val2014/ subfolder) then the file name; the file name alone elsewhere.
 */
export function karpathyPicturePath(image: Pick<KarpathyImage, 'filename' | 'filepath'>): string {
  return image.filepath ? posix.join(image.filepath, image.filename) : image.filename;
}

export class DatasetError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatasetError';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks the shape of a parsed split file and returns it typed. Errors name the file and the
 * image (by position and file name) and the caption, so a user can find the bad row.
 */
export function validateKarpathy(json: unknown, path: string): KarpathyDataset {
  if (!isRecord(json) || !Array.isArray(json.images)) {
    throw new DatasetError(`${path}: not a Karpathy split file (no "images" array at the top)`);
  }
  const images = json.images as unknown[];
  if (images.length === 0) throw new DatasetError(`${path}: "images" is empty`);
  images.forEach((image, i) => {
    const where = `${path}: images[${i}]`;
    if (!isRecord(image)) throw new DatasetError(`${where} is not an object`);
    const name = typeof image.filename === 'string' ? ` (${image.filename})` : '';
    if (typeof image.filename !== 'string' || image.filename.length === 0) {
      throw new DatasetError(`${where} has no "filename"`);
    }
    if (!SPLITS.includes(image.split as Split)) {
      throw new DatasetError(
        `${where}${name} has split ${JSON.stringify(image.split)}; expected one of ${SPLITS.join(', ')}`,
      );
    }
    if (!Array.isArray(image.sentences) || image.sentences.length === 0) {
      throw new DatasetError(`${where}${name} has no sentences`);
    }
    image.sentences.forEach((s: unknown, j: number) => {
      if (!isRecord(s) || typeof s.raw !== 'string' || !Array.isArray(s.tokens)) {
        throw new DatasetError(`${where}${name} sentences[${j}] needs "raw" and "tokens"`);
      }
      if (s.raw.trim().length === 0) {
        throw new DatasetError(`${where}${name} sentences[${j}] is an empty caption`);
      }
    });
  });
  return {
    dataset: typeof json.dataset === 'string' ? json.dataset : 'unknown',
    images: images as KarpathyImage[],
  };
}

export async function readKarpathy(path: string): Promise<KarpathyDataset> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new DatasetError(`${path}: cannot read (${(e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DatasetError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return validateKarpathy(json, path);
}
