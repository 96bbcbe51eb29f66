import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isPictureName,
  listPictureFiles,
  PICTURE_NAMES_TEXT,
} from '../../../trainer/data/picture-files.ts';
import { tempDir } from '../../support/datasets.ts';

describe('isPictureName', () => {
  it('knows pictures by their extension, in any case', () => {
    for (const name of ['a.jpg', 'B.JPEG', 'c.Png', 'd.webp', 'e.gif', 'f.heic', 'g.tiff']) {
      expect(isPictureName(name), name).toBe(true);
    }
    for (const name of ['captions.txt', 'features.npy', 'features.npy.json', 'jpg', 'a.jpg.txt']) {
      expect(isPictureName(name), name).toBe(false);
    }
    expect(PICTURE_NAMES_TEXT).toMatch(/^\*\.jpg, \*\.jpeg, .*\*\.webp/);
  });
});

describe('listPictureFiles', () => {
  it('lists the pictures directly in the folder, sorted, and nothing else', async () => {
    const dir = await tempDir();
    for (const name of ['b.png', 'A.JPG', 'a.jpg', 'notes.txt', '.hidden.jpg', 'c.gif']) {
      await writeFile(join(dir, name), '');
    }
    await mkdir(join(dir, 'sub.jpg'));
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'deep.jpg'), '');
    await symlink(join(dir, 'a.jpg'), join(dir, 'link.jpg'));
    expect(await listPictureFiles(dir)).toEqual(['A.JPG', 'a.jpg', 'b.png', 'c.gif', 'link.jpg']);
  });

  it('says when the folder cannot be listed', async () => {
    const dir = join(await tempDir(), 'nope');
    await expect(listPictureFiles(dir)).rejects.toThrow(`${dir}: cannot list the folder (ENOENT`);
  });
});
