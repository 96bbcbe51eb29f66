import { loadDataset } from './trainer/data/load.ts';
import { selectBackend } from './trainer/tf/backend.ts';
import { train } from './trainer/train/train.ts';
import { DEFAULT_TRAIN_CONFIG } from './trainer/model/config.ts';
const mode = process.argv[2] ?? 'center';
const lr = Number(process.argv[3] ?? 2e-4);
const d = await loadDataset('../shared/data/flickr8k');
const tr = d.splits.train!; const dim = tr.dim;
if (mode === 'center') {
  const mean = new Float64Array(dim);
  const n = tr.features.length / dim;
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mean[k] += tr.features[i*dim+k]! / n;
  for (const s of [d.splits.train!, d.splits.val!]) {
    // unit-normalise first (as training does), then centre: centre raw features
    for (let i = 0; i < s.features.length; i++) s.features[i] = s.features[i]! - mean[i % dim]!;
  }
}
await selectBackend('wasm', { threads: 1 });
await train({ dataset: d, encoder: 'bow', wordDim: 300, jointDim: 1024, train: { ...DEFAULT_TRAIN_CONFIG, learningRate: lr, maxUpdates: 300 }, runDir: `/tmp/f8k/exp-${mode}-${lr}`, resume: false, backend: 'wasm', progress: false });
