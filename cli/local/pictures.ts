import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeFlatIndex } from '../../core/flat-index.ts';
import type { ModelManifest } from '../../core/manifest.ts';
import { FLAT_INDEX_ENCODINGS, flatIndexFile } from '../../core/model-files.ts';
import {
  PICTURE_LIMITS,
  type PictureList,
  pictureContentType,
  pictureFileProblem,
} from '../../core/pictures.ts';
import { pictureKey, pictureListKey } from '../../core/r2-layout.ts';
import type { SeedObject } from './seed-r2.ts';

/**
 * A version's pictures for the local bucket: the files of a folder whose names are the version's
 * image files (its images' `file` metadata), under `images/<version>/<file>`, and the list of
 * those stored (`images/<version>.json`), which tells the worker which images have a picture.
 * Images without a picture are fine (the index still answers for them); files of the folder that
 * are not the version's images are left out.
 */

export interface VersionPictures {
  objects: SeedObject[];
  list: PictureList;
  /** The version's images that have no picture in the folder. */
  missing: number;
  /** Pictures there that cannot be stored, with the reason (too large, a bad name). */
  refused: { file: string; reason: string }[];
}

/** The dataset file names of a version's images, read from its flat image index's header. */
export async function imageFilesOf(dir: string, manifest: ModelManifest): Promise<string[]> {
  const flat = manifest.vectors.images.flat;
  const encoding = FLAT_INDEX_ENCODINGS.find((e) => flat?.[e] !== undefined);
  if (encoding === undefined) {
    throw new Error(`${dir}: the version has no flat image index (export it again)`);
  }
  const index = decodeFlatIndex<{ file?: unknown }>(
    await readFile(join(dir, flatIndexFile('images', encoding))),
  );
  return index.metadata.map((m, row) => {
    if (typeof m?.file !== 'string') throw new Error(`${dir}: image ${index.ids[row]} has no file`);
    return m.file;
  });
}

export async function versionPictures(
  version: string,
  imageFiles: readonly string[],
  picturesDir: string,
): Promise<VersionPictures> {
  if (!existsSync(picturesDir)) {
    throw new Error(`the pictures folder ${picturesDir} does not exist`);
  }
  if (!(await stat(picturesDir)).isDirectory()) {
    throw new Error(`the pictures folder ${picturesDir} is not a folder`);
  }
  const objects: SeedObject[] = [];
  const refused: VersionPictures['refused'] = [];
  const stored: string[] = [];
  let missing = 0;
  for (const file of new Set(imageFiles)) {
    const path = join(picturesDir, file);
    const problem = pictureFileProblem(file);
    if (problem !== null) {
      if (existsSync(path)) refused.push({ file, reason: problem });
      else missing++;
      continue;
    }
    const info = await stat(path).catch(() => null);
    if (info === null || !info.isFile()) {
      missing++;
      continue;
    }
    if (info.size > PICTURE_LIMITS.maxPictureBytes) {
      refused.push({ file, reason: `larger than ${PICTURE_LIMITS.maxPictureBytes} bytes` });
      continue;
    }
    const contentType = pictureContentType(file) ?? undefined;
    objects.push({ key: pictureKey(version, file), path, ...(contentType ? { contentType } : {}) });
    stored.push(file);
  }
  const list: PictureList = { version, files: stored };
  // The list goes last: a worker that sees it can fetch every picture it names.
  objects.push({
    key: pictureListKey(version),
    bytes: new TextEncoder().encode(`${JSON.stringify(list)}\n`),
    contentType: 'application/json',
    afterEarlier: true,
  });
  return { objects, list, missing, refused };
}
