import { describe, expect, it } from 'vitest';
import { flatIndexFile } from '../../core/model-files.ts';
import { describeVersion, MODELS_PREFIX, modelFileKey } from '../../core/r2-layout.ts';
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
