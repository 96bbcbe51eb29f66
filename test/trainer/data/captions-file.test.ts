import { describe, expect, it } from 'vitest';
import { CAPTIONS_LIMITS, parseCaptions } from '../../../trainer/data/captions-file.ts';
import { DatasetError } from '../../../trainer/data/karpathy.ts';

describe('parseCaptions', () => {
  it('reads file<TAB>caption lines, Flickr8k token lines, CRLF, a BOM and blank lines', () => {
    const text =
      '\uFEFFdog.jpg\tA dog runs.\r\n\n' +
      '1000268201_693b08cb0e.jpg#0\tA child in a pink dress .\n' +
      'sub/cat.png\t  a cat\tsleeps  \n' +
      'dog.jpg\tThe same dog.\n';
    expect(parseCaptions(text, 'c.txt')).toEqual([
      { file: 'dog.jpg', caption: 'A dog runs.', tokens: ['a', 'dog', 'runs'], line: 1 },
      {
        file: '1000268201_693b08cb0e.jpg',
        caption: 'A child in a pink dress .',
        tokens: ['a', 'child', 'in', 'a', 'pink', 'dress'],
        line: 3,
      },
      { file: 'sub/cat.png', caption: 'a cat\tsleeps', tokens: ['a', 'cat', 'sleeps'], line: 4 },
      { file: 'dog.jpg', caption: 'The same dog.', tokens: ['the', 'same', 'dog'], line: 5 },
    ]);
  });

  it('names the line and what is wrong with it', () => {
    const long = 'word '.repeat(CAPTIONS_LIMITS.maxCaptionCharacters);
    const cases: [string, string][] = [
      [
        'ok.jpg\tfine\ndog.jpg a dog\n',
        'c.txt line 2: expected "file<TAB>caption" (e.g. "dog.jpg\\ta dog runs on the grass"); found no tab',
      ],
      ['dog.jpg\t   \n', 'c.txt line 1 (dog.jpg): the caption is empty'],
      ['dog.jpg\t?!\n', 'c.txt line 1 (dog.jpg) caption "?!" has no words after tokenising'],
      ['\ta dog\n', 'c.txt line 1: no file name before the tab'],
      [
        '/etc/dog.jpg\ta dog\n',
        'c.txt line 1: "/etc/dog.jpg" must be a path relative to the folder, with forward slashes',
      ],
      ['sub\\dog.jpg\ta dog\n', 'must be a path relative to the folder, with forward slashes'],
      ['../dog.jpg\ta dog\n', 'c.txt line 1: "../dog.jpg" points outside the folder'],
      ['sub/../../dog.jpg\ta dog\n', 'points outside the folder'],
      [
        `dog.jpg\t${long}\n`,
        `c.txt line 1 (dog.jpg): the caption has ${long.trim().length} characters; at most 2000`,
      ],
      ['\n\n', 'c.txt: no captions (expected lines of "file<TAB>caption")'],
    ];
    for (const [text, message] of cases) {
      expect(() => parseCaptions(text, 'c.txt'), message).toThrow(DatasetError);
      expect(() => parseCaptions(text, 'c.txt'), message).toThrow(message);
    }
  });
});
