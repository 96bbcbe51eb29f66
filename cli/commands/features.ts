import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sidecarPath } from '../../trainer/data/feature-sidecar.ts';
import { karpathyPicturePath, readKarpathy } from '../../trainer/data/karpathy.ts';
import { findKarpathyJson } from '../../trainer/data/karpathy-load.ts';
import { DatasetError, detectFormat, type FeatureJob } from '../../trainer/data/load.ts';
import { listPictureFiles, PICTURE_NAMES_TEXT } from '../../trainer/data/picture-files.ts';
import {
  FOLDER_FILES,
  folderFeatureJob,
  HASH_SPLIT_TEXT,
  readPictureFolder,
} from '../../trainer/data/picture-folder.ts';
import type { FeatureRunResult } from '../../trainer/pictures/compute-features.ts';
import { PICTURE_FILE_LIMITS } from '../../trainer/pictures/read-picture.ts';
import { command } from '../options/command.ts';
import { FEATURE_OPTIONS, runFeatureJob } from '../options/feature-options.ts';
import { text, UsageError } from '../options/kinds.ts';
import { option } from '../options/option-table.ts';
import { BACKEND_OPTIONS, PROGRESS_OPTIONS, startBackend } from '../options/shared-options.ts';

/** Every flag the command takes. */
export const FEATURES_OPTIONS = {
  images: option({
    flag: 'images',
    kind: text('DIR'),
    help: 'alone: every picture directly in DIR (not in its subfolders), sorted by name; with a Karpathy --data, where its pictures are',
    group: 'Pictures',
  }),
  data: option({
    flag: 'data',
    kind: text('PATH'),
    help: "a Karpathy dataset_*.json (rows follow its images[]; COCO's filepath honoured; pictures in images/ beside it unless --images) or a folder of photos with captions.txt",
    group: 'Pictures',
  }),
  out: option({
    flag: 'out',
    kind: text('FILE'),
    defaultText: `DIR/${FOLDER_FILES.features}; required with a Karpathy file`,
    help: 'the .npy to write (its sidecar FILE.json beside it)',
    group: 'Pictures',
  }),
  ...FEATURE_OPTIONS,
  ...BACKEND_OPTIONS,
  ...PROGRESS_OPTIONS,
};

interface Values {
  readonly images: string | undefined;
  readonly data: string | undefined;
  readonly out: string | undefined;
}

function checkFolder(dir: string, what: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new DatasetError(`${dir}: no such folder (${what})`);
  }
}

/** --images DIR alone: every picture in DIR, a picture that cannot be read left out. */
async function folderOfPictures(dir: string, out: string | undefined): Promise<FeatureJob> {
  checkFolder(dir, 'the pictures, --images');
  const files = await listPictureFiles(dir);
  if (files.length === 0) {
    throw new DatasetError(`${dir}: no pictures in this folder (looked for ${PICTURE_NAMES_TEXT})`);
  }
  return {
    imagesDir: dir,
    files,
    out: out ?? join(dir, FOLDER_FILES.features),
    skipped: 'left-out',
    why: '',
  };
}

/** A Karpathy split file: one row per images[] entry, a picture that cannot be read a zero row. */
async function karpathyPictures(values: Values, path: string): Promise<FeatureJob> {
  const json = await findKarpathyJson(path);
  if (values.out === undefined) {
    throw new UsageError(
      '--out is required with a Karpathy split file (e.g. --out feats.npy beside it)',
    );
  }
  const k = await readKarpathy(json);
  const imagesDir = values.images ?? join(dirname(json), 'images');
  checkFolder(imagesDir, `the pictures of ${json}; pass --images DIR`);
  const files = k.images.map(karpathyPicturePath);
  return { imagesDir, files, out: values.out, skipped: 'zero-row', why: '' };
}

/** What the flags ask for: the pictures, in row order, and where their features go. */
async function featureJob(values: Values): Promise<FeatureJob> {
  const { images, data, out } = values;
  if (data === undefined) {
    if (images === undefined) {
      throw new UsageError('--images DIR or --data PATH is required (e.g. --images photos)');
    }
    return folderOfPictures(images, out);
  }
  const format = await detectFormat(data);
  if (format === 'karpathy') return karpathyPictures(values, data);
  if (format === 'folder') {
    if (images !== undefined) {
      throw new UsageError('--images does not go with a folder of photos: its pictures are in it');
    }
    const job = folderFeatureJob(await readPictureFolder(data), '');
    return out === undefined ? job : { ...job, out };
  }
  throw new UsageError(
    `--data takes a Karpathy split file or a folder of photos with captions.txt; ${data} is a ${format} dataset, whose features are made already`,
  );
}

/** The line on stdout that says what was written. */
function summary(job: FeatureJob, result: FeatureRunResult): string {
  const { sidecar } = result;
  const rows = `${sidecar?.rows ?? 0} x ${sidecar?.featureDim ?? 0} features (${sidecar?.extractor})`;
  if (result.status === 'already-complete') {
    return `${job.out} is complete for these pictures: ${rows}; nothing to do (--restart computes them again)`;
  }
  const resumed = result.resumedAt > 0 ? `, taken up at picture ${result.resumedAt + 1}` : '';
  const skipped = result.skipped.length > 0 ? `, ${result.skipped.length} skipped` : '';
  return `wrote ${job.out} (${rows}) and ${sidecarPath(job.out)}: ${result.total} pictures, ${result.computed} computed now${resumed}${skipped}`;
}

export const featuresCommand = command({
  name: 'features',
  title: 'compute CNN features of pictures, for training',
  usage: [
    'jointspace features --images DIR [--out DIR/features.npy]',
    'jointspace features --data dataset_X.json --out feats.npy [--images DIR]',
    'jointspace features --data FOLDER (a folder of photos with captions.txt)',
  ],
  about: `Each picture (JPEG, PNG or WebP, told by its bytes) is turned upright by its EXIF
orientation, its centred square resized to 224 x 224 by area averaging, and run through the CNN
(nsfwjs's MobileNetV2, 1792 numbers a picture), the same way the worker treats an uploaded one.
Pictures over ${PICTURE_FILE_LIMITS.maxPixels / 1e6} megapixels are refused.`,
  options: FEATURES_OPTIONS,
  epilogue: `Writes FILE (float32, one row per picture) and FILE.json (the CNN, each row's picture
relative to the pictures' folder, the pictures skipped and why). Rows follow the sorted file
names (--images), the split file's images[] (Karpathy), or the folder's captioned pictures.
Resumable: each batch is saved as it is done; after Ctrl-C or a crash, run the same command
again to go on. FILE appears only when complete.
A folder of photos: captions.txt lines "file<TAB>caption" (Flickr8k's "name.jpg#0<TAB>caption"
too). splits.json {"file": "train" | "val" | "test"} gives the splits; without it,
${HASH_SPLIT_TEXT}.
train, evaluate and export compute a folder's features themselves when they are missing.`,
  compute: true,
  async run({ values }) {
    const job = await featureJob(values);
    await startBackend(values);
    const result = await runFeatureJob(job, {
      ...values,
      policy: { restart: values.restart, otherList: 'refuse' },
      skipHint: 'pass --on-error skip to leave such pictures out',
    });
    console.log(summary(job, result));
  },
});

export const FEATURES_HELP = featuresCommand.help;
