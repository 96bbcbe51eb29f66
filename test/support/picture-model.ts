import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { r2ObjectsOf } from '../../cli/local/r2-objects.ts';
import type { BuiltPictureModel } from './picture-model-build.ts';

/**
 * Global setup of the workerd tests (Node side): a retrieval model version that takes pictures
 * (it has an image_encoder.onnx), built by picture-model-build.ts in a child process (about
 * 10 s: 24 pictures made with sharp, their features from the trainer's CNN, 30 updates, the
 * export), and handed to the tests through provide/inject (base64) with what they upload: one
 * of the model's own pictures and, where the shared data is, a Flickr8k dev photo, each with the
 * features the trainer gives it.
 */

export interface PictureUpload {
  file: string;
  base64: string;
  /** What the trainer computed for it (the dev photo: its row of the shared .npy). */
  features: number[];
}

export interface PictureModel {
  version: string;
  objects: { key: string; base64: string }[];
  made: PictureUpload;
  photo: PictureUpload | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    pictureModel: PictureModel;
  }
}

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');

async function upload(sample: BuiltPictureModel['made']): Promise<PictureUpload> {
  return {
    file: sample.file,
    base64: (await readFile(sample.path)).toString('base64'),
    features: sample.features,
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), 'jointspace-picture-model-'));
  await run(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test/support/picture-model-build.ts'), root],
    { cwd: ROOT, maxBuffer: 1 << 24 },
  );
  const built = JSON.parse(
    await readFile(join(root, 'picture-model.json'), 'utf8'),
  ) as BuiltPictureModel;
  const objects = await Promise.all(
    (await r2ObjectsOf(join(root, 'artifacts'), built.version, 'float32')).map(async (o) => ({
      key: o.key,
      base64: (await readFile(o.path)).toString('base64'),
    })),
  );
  project.provide('pictureModel', {
    version: built.version,
    objects,
    made: await upload(built.made),
    photo: built.photo ? await upload(built.photo) : null,
  });
  return async () => {
    await rm(root, { recursive: true, force: true });
  };
}
