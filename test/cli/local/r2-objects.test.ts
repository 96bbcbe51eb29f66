import { existsSync } from 'node:fs';
import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  localR2Objects,
  r2ObjectsAt,
  r2ObjectsOf,
  servedObjects,
} from '../../../cli/local/r2-objects.ts';
import { exportTinyVersions, type TinyVersions } from '../../support/tiny-versions.ts';

/** The R2 objects of exported versions: which files, under which keys, checked first. */

let root: string;
let tiny: TinyVersions;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jointspace-r2-objects-'));
  tiny = await exportTinyVersions(root);
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('r2ObjectsOf', () => {
  it('lists what a retrieval server reads, the manifest first, under models/<version>/', async () => {
    const version = tiny.retrieval.version;
    const objects = await r2ObjectsOf(tiny.artifacts, version, 'float32');
    const files = [
      'manifest.json',
      'vocab.json',
      'sentence_encoder.onnx',
      'image_projection.onnx',
      'flat/images.float32.bin',
      'flat/captions.float32.bin',
    ];
    expect(objects).toEqual(
      files.map((file) => ({
        key: `models/${version}/${file}`,
        path: join(tiny.artifacts, version, file),
      })),
    );
    for (const { path } of objects) expect(existsSync(path), path).toBe(true);
  });

  it('lists only the image vectors and no projection for the regularities space', async () => {
    const version = tiny.regularities.version;
    const objects = await r2ObjectsOf(tiny.artifacts, version, 'int8');
    expect(objects.map((o) => o.key)).toEqual(
      ['manifest.json', 'vocab.json', 'sentence_encoder.onnx', 'flat/images.int8.bin'].map(
        (file) => `models/${version}/${file}`,
      ),
    );
  });

  it('never lists the NDJSON vectors, which are for Vectorize only', async () => {
    const keys = (await r2ObjectsOf(tiny.artifacts, tiny.retrieval.version, 'int8')).map(
      (o) => o.key,
    );
    expect(keys.filter((k) => k.endsWith('.ndjson'))).toEqual([]);
    expect(keys.filter((k) => k.includes('float32'))).toEqual([]);
  });

  it('refuses a version whose files do not match its manifest, naming the file', async () => {
    const copy = join(root, 'damaged');
    const version = tiny.retrieval.version;
    await cp(join(tiny.artifacts, version), join(copy, version), { recursive: true });
    await appendFile(join(copy, version, 'vocab.json'), ' ');
    await expect(r2ObjectsOf(copy, version, 'float32')).rejects.toThrow(
      `${join(copy, version)}: vocab.json does not match the manifest`,
    );
  });

  it('refuses a folder that is not a model version', async () => {
    await expect(r2ObjectsOf(tiny.artifacts, 'no-such-version', 'float32')).rejects.toThrow(
      `${join(tiny.artifacts, 'no-such-version')} has no manifest.json: not a model version folder`,
    );
  });
});

describe('r2ObjectsAt', () => {
  it("keys a folder's files by its manifest's version, whatever the folder is called", async () => {
    const version = tiny.regularities.version;
    const elsewhere = join(root, 'elsewhere', 'my-bow-model');
    await cp(join(tiny.artifacts, version), elsewhere, { recursive: true });
    const objects = await r2ObjectsAt(elsewhere, 'float32');
    expect(objects).toEqual(
      ['manifest.json', 'vocab.json', 'sentence_encoder.onnx', 'flat/images.float32.bin'].map(
        (file) => ({ key: `models/${version}/${file}`, path: join(elsewhere, file) }),
      ),
    );
  });

  it('is what r2ObjectsOf lists for the same folder', async () => {
    const version = tiny.retrieval.version;
    expect(await r2ObjectsAt(join(tiny.artifacts, version), 'int8')).toEqual(
      await r2ObjectsOf(tiny.artifacts, version, 'int8'),
    );
  });

  it('is servedObjects of the manifest it read: the same objects, named without reading again', async () => {
    const dir = join(tiny.artifacts, tiny.retrieval.version);
    for (const encoding of ['float32', 'int8'] as const) {
      expect(servedObjects(dir, tiny.retrieval, encoding)).toEqual(
        await r2ObjectsAt(dir, encoding),
      );
    }
  });

  it('refuses a folder that is not a model version, naming it', async () => {
    const empty = join(root, 'elsewhere', 'empty');
    await expect(r2ObjectsAt(empty, 'float32')).rejects.toThrow(
      `${empty} has no manifest.json: not a model version folder`,
    );
  });
});

describe('localR2Objects', () => {
  it('is the retrieval version objects, then the regularities ones', async () => {
    const versions = {
      retrieval: tiny.retrieval.version,
      regularities: tiny.regularities.version,
    };
    const objects = await localR2Objects(tiny.artifacts, versions, 'float32');
    expect(objects).toEqual([
      ...(await r2ObjectsOf(tiny.artifacts, versions.retrieval, 'float32')),
      ...(await r2ObjectsOf(tiny.artifacts, versions.regularities, 'float32')),
    ]);
    expect(objects).toHaveLength(6 + 4);
    expect(new Set(objects.map((o) => o.key)).size).toBe(objects.length);
  });
});
