import { describe, expect, it } from 'vitest';
import { flatIndexFile } from '../../core/model-files.ts';
import {
  describeVersion,
  MODELS_PREFIX,
  modelFileKey,
  PICTURES_PREFIX,
  pictureKey,
  pictureListKey,
  picturePath,
} from '../../core/r2-layout.ts';
import { exampleManifest } from '../support/manifests.ts';

describe('modelFileKey', () => {
  it('puts every file of a version under models/<version>/, flat index files included', () => {
    expect(MODELS_PREFIX).toBe('models');
    expect(modelFileKey('v1', 'manifest.json')).toBe('models/v1/manifest.json');
    expect(modelFileKey('v1', flatIndexFile('captions', 'int8'))).toBe(
      'models/v1/flat/captions.int8.bin',
    );
  });
});

describe('describeVersion', () => {
  it('names the version, its space and its encoder in one line', () => {
    expect(describeVersion(exampleManifest())).toBe(
      'lstm256-jointspace-demo-f32-0123abcd (retrieval, lstm 256-d)',
    );
  });
});

describe('pictures', () => {
  it('stores a picture under images/<version>/ and its list beside that folder', () => {
    expect(PICTURES_PREFIX).toBe('images');
    expect(pictureKey('v1', 'img_06.jpg')).toBe('images/v1/img_06.jpg');
    expect(pictureListKey('v1')).toBe('images/v1.json');
    // The list cannot be mistaken for a picture of the version, whatever the picture is named.
    expect(pictureListKey('v1').startsWith(pictureKey('v1', ''))).toBe(false);
  });

  it('names the route of a picture, each segment percent-encoded', () => {
    expect(picturePath('v1', 'img_06.jpg')).toBe('/images/v1/img_06.jpg');
    expect(picturePath('v1', 'a b#1?.png')).toBe('/images/v1/a%20b%231%3F.png');
    expect(picturePath('v1', 'café.png')).toBe('/images/v1/caf%C3%A9.png');
  });
});
