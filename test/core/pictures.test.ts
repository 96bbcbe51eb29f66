import { describe, expect, it } from 'vitest';
import {
  PICTURE_CONTENT_TYPES,
  PICTURE_LIMITS,
  parsePictureList,
  pictureContentType,
  pictureFileProblem,
} from '../../core/pictures.ts';

describe('pictureContentType', () => {
  it('names the type of each picture extension, in any case', () => {
    expect(pictureContentType('a.jpg')).toBe('image/jpeg');
    expect(pictureContentType('a.JPEG')).toBe('image/jpeg');
    expect(pictureContentType('a.png')).toBe('image/png');
    expect(pictureContentType('a.webp')).toBe('image/webp');
    expect(pictureContentType('a.gif')).toBe('image/gif');
    expect(pictureContentType('a.avif')).toBe('image/avif');
    expect(pictureContentType('demo_000001.svg')).toBe('image/svg+xml');
  });

  it('is null for anything else: other extensions, no extension, a dot inside the name only', () => {
    expect(pictureContentType('a.exe')).toBeNull();
    expect(pictureContentType('a.svg.html')).toBeNull();
    expect(pictureContentType('jpg')).toBeNull();
    expect(pictureContentType('')).toBeNull();
  });
});

describe('pictureFileProblem', () => {
  it('accepts a plain picture file name, spaces and Unicode included', () => {
    for (const file of ['img_06.jpg', '1000268201_693b08cb0e.jpg', 'a b.png', 'café.webp']) {
      expect(pictureFileProblem(file), file).toBeNull();
    }
  });

  it('refuses names that are not one path segment', () => {
    for (const file of ['a/b.png', '../a.png', 'a\\b.png', '.', '..']) {
      expect(pictureFileProblem(file), file).toBe('the file name is not a single path segment');
    }
  });

  it('refuses an empty name, control characters and a name over the byte limit', () => {
    expect(pictureFileProblem('')).toBe('the file name is empty');
    expect(pictureFileProblem('a\u0000.png')).toBe('the file name holds a control character');
    expect(pictureFileProblem('a\n.png')).toBe('the file name holds a control character');
    const longest = `${'a'.repeat(PICTURE_LIMITS.maxFileNameBytes - 4)}.png`;
    expect(pictureFileProblem(longest)).toBeNull();
    expect(pictureFileProblem(`a${longest}`)).toMatch(/longer than 255 bytes/);
    // Bytes, not characters: 127 two-byte letters and ".png" are 258 bytes.
    expect(pictureFileProblem(`${'é'.repeat(127)}.png`)).toMatch(/longer than 255 bytes/);
  });

  it('refuses a percent-escape, which only a double-encoded request could name', () => {
    expect(pictureFileProblem('a%2Fb.png')).toBe('the file name holds a percent-escape (%XX)');
    expect(pictureFileProblem('a%2e%2e.png')).toBe('the file name holds a percent-escape (%XX)');
    expect(pictureFileProblem('100%.png')).toBeNull();
  });

  it('refuses a file that is not a picture, naming the extensions that are', () => {
    expect(pictureFileProblem('run.exe')).toBe(
      `the file is not a picture (${Object.keys(PICTURE_CONTENT_TYPES).join(', ')})`,
    );
  });
});

describe('parsePictureList', () => {
  it('reads a version and its file names', () => {
    expect(parsePictureList('{"version":"v1","files":["a.jpg","b.svg"]}')).toEqual({
      version: 'v1',
      files: ['a.jpg', 'b.svg'],
    });
  });

  it('throws with the reason for anything else', () => {
    expect(() => parsePictureList('{')).toThrow(SyntaxError);
    expect(() => parsePictureList('null')).toThrow('a picture list is an object');
    expect(() => parsePictureList('{"files":[]}')).toThrow('a picture list names its version');
    expect(() => parsePictureList('{"version":"v1","files":[1]}')).toThrow(
      'a picture list holds its file names as strings',
    );
    expect(() => parsePictureList('{"version":"v1"}')).toThrow(
      'a picture list holds its file names as strings',
    );
  });
});
