import { posix } from 'node:path';
import { captionTokens } from './checks.ts';
import { DatasetError } from './karpathy.ts';

/**
 * A captions file: one caption a line, `file<TAB>caption`, the file relative to the folder the
 * captions file is in (forward slashes for a subfolder). Flickr8k's own token file
 * (`Flickr8k.token.txt`) reads as is: its `name.jpg#k` is name.jpg's k-th caption. Blank lines
 * are skipped; a picture may have any number of captions, on any lines.
 */

export const CAPTIONS_LIMITS = {
  /** The whole file (COCO's 600,000 captions are about 40 MB). */
  maxBytes: 256 * 1024 * 1024,
  /** One caption, in characters: a sentence or a short paragraph. */
  maxCaptionCharacters: 2000,
} as const;

export interface CaptionLine {
  /** The picture, as written (without Flickr8k's '#k'). */
  file: string;
  /** As written, trimmed. */
  caption: string;
  /** core's tokenize() of the caption. */
  tokens: string[];
  /** 1-based, for messages. */
  line: number;
}

/** Flickr8k's 'name.jpg#3': the caption's number after the file name. */
const CAPTION_NUMBER = /#\d+$/;

/** The picture a line names, checked to stay inside the folder. */
function pictureName(raw: string, where: string): string {
  const file = raw.trim().replace(CAPTION_NUMBER, '');
  if (file === '') throw new DatasetError(`${where}: no file name before the tab`);
  if (file.includes('\\') || posix.isAbsolute(file)) {
    throw new DatasetError(
      `${where}: ${JSON.stringify(file)} must be a path relative to the folder, with forward slashes`,
    );
  }
  const normal = posix.normalize(file);
  if (normal === '..' || normal.startsWith('../')) {
    throw new DatasetError(`${where}: ${JSON.stringify(file)} points outside the folder`);
  }
  return normal;
}

function captionOf(
  raw: string,
  file: string,
  where: string,
): { caption: string; tokens: string[] } {
  const caption = raw.trim();
  if (caption === '') throw new DatasetError(`${where} (${file}): the caption is empty`);
  if (caption.length > CAPTIONS_LIMITS.maxCaptionCharacters) {
    throw new DatasetError(
      `${where} (${file}): the caption has ${caption.length} characters; at most ${CAPTIONS_LIMITS.maxCaptionCharacters}`,
    );
  }
  return { caption, tokens: captionTokens(caption, `${where} (${file}) caption`) };
}

/**
 * Parses a captions file's text; `path` names it in errors, which give the line number and
 * say what the line should look like.
 */
export function parseCaptions(text: string, path: string): CaptionLine[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: CaptionLine[] = [];
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    const where = `${path} line ${i + 1}`;
    const tab = raw.indexOf('\t');
    if (tab < 0) {
      throw new DatasetError(
        `${where}: expected "file<TAB>caption" (e.g. "dog.jpg\\ta dog runs on the grass"); found no tab`,
      );
    }
    const file = pictureName(raw.slice(0, tab), where);
    out.push({ file, ...captionOf(raw.slice(tab + 1), file, where), line: i + 1 });
  });
  if (out.length === 0) {
    throw new DatasetError(`${path}: no captions (expected lines of "file<TAB>caption")`);
  }
  return out;
}
