/**
 * The one shape every dataset format is read into: per split, the images' CNN features and the
 * captions with the image each belongs to. The trainer, the evaluator and the exporter only see
 * this; the loaders (Karpathy JSON + .npy or .mat, VSE++ precomp, the demo world, a folder of
 * photos with captions.txt) produce it.
 */

/**
 * Split names as the trainer uses them, in the order every listing follows. Karpathy's 'restval'
 * joins 'train'; precomp's 'dev' is 'val'.
 */
export type SplitName = 'train' | 'val' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'val', 'test'];

export interface SplitData {
  name: SplitName;
  /** One id per image: its file name (Karpathy, demo) or its row number (precomp). */
  imageIds: string[];
  /** nImages x dim float32, row-major; row i is imageIds[i]. */
  features: Float32Array;
  dim: number;
  /** Caption text as written. */
  captions: string[];
  /** Each caption through core's tokenize(): the same function the worker uses on queries. */
  tokens: string[][];
  /** Row (within this split) of the image each caption describes. */
  captionImage: Int32Array;
}

export type DatasetFormat = 'karpathy' | 'precomp' | 'demo' | 'folder';

export interface Dataset {
  /** E.g. 'flickr8k', 'jointspace-demo', or the folder name. */
  name: string;
  format: DatasetFormat;
  /** The path it was read from, for logs and the model manifest. */
  source: string;
  /**
   * The CNN the features came from, as the `features` command's sidecar names it (e.g.
   * 'nsfwjs-mobilenetv2-mid'); null when they were made elsewhere (no sidecar), absent when the
   * loader cannot tell.
   */
  extractor?: string | null;
  /** Only the splits the files hold (Flickr8k here has no test split). */
  splits: Partial<Record<SplitName, SplitData>>;
}
