/**
 * Seconds per training update of LSTM-1024 at batch 128 (12 tokens, vocabulary 8,000, 1,792-d
 * image features, Adam, the symmetric hinge loss): the number REFERENCE.md gives as 1.18 s on
 * two wasm threads. Three implementations of the same model are timed, each on 1 and 2 threads:
 *
 *   stock      step-by-step LSTM, tfjs autodiff, tf.matMul (whose gradient multiplies with
 *              transposed operands: slow on wasm)
 *   transpose  step-by-step LSTM, autodiff, matMul with explicit-transpose gradients
 *              (trainer/tf/ops.ts), the recurrent weight transposed at every step
 *   fused      the trainer's model: lstmSequence (hand-written BPTT, one transpose per batch,
 *              one weight-gradient product over all steps)
 *
 * Each (variant, threads) runs in its own process, since tfjs fixes the thread count when the
 * backend starts. A 1024^3 matMul calibrates the machine in each process.
 *
 *   npm run bench:train-step                 # all
 *   npm run bench:train-step -- fused 2      # one (variant, threads), as the parent runs it
 */
import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import { contrastiveLoss } from '../trainer/model/loss.ts';
import { JointModel, type TokenBatch } from '../trainer/model/model.ts';
import { Random } from '../trainer/random.ts';
import { describeBackend, selectBackend } from '../trainer/tf/backend.ts';
import { l2NormalizeRows, matMul } from '../trainer/tf/ops.ts';
import { stopWasmThreads } from '../trainer/tf/wasm-threads.ts';

const VARIANTS = ['stock', 'transpose', 'fused'] as const;
type Variant = (typeof VARIANTS)[number];
const B = 128;
const T = 12;
const V = 8000;
const H = 1024;
const E = 300;
const F = 1792;

type Product = (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/** The step-by-step LSTM of the first two variants, with the given matrix product. */
function stepwiseSentences(model: JointModel, batch: TokenBatch, mm: Product): tf.Tensor2D {
  const v = (n: string) => model.variables.get(n) as tf.Variable as unknown as tf.Tensor2D;
  const x = tf.gather(v('embedding'), tf.tensor1d(batch.ids, 'int32'));
  const xp = tf.add(mm(x, v('lstm.Wx')), v('lstm.b')) as tf.Tensor2D;
  let h: tf.Tensor2D = tf.zeros([B, H]);
  let c: tf.Tensor2D = tf.zeros([B, H]);
  for (let t = 0; t < T; t++) {
    const z = tf.add(tf.slice(xp, [t * B, 0], [B, 4 * H]), mm(h, v('lstm.Wh')));
    const [zi, zf, zg, zo] = tf.split(z, 4, 1) as tf.Tensor2D[];
    c = tf.add(
      tf.mul(tf.sigmoid(zf as tf.Tensor2D), c),
      tf.mul(tf.sigmoid(zi as tf.Tensor2D), tf.tanh(zg as tf.Tensor2D)),
    ) as tf.Tensor2D;
    h = tf.mul(tf.sigmoid(zo as tf.Tensor2D), tf.tanh(c)) as tf.Tensor2D;
  }
  return l2NormalizeRows(h);
}

function stockLoss(images: tf.Tensor2D, sentences: tf.Tensor2D, margin: number): tf.Scalar {
  // The same loss with tf.matMul's own (transposing) gradient.
  const scores = tf.matMul(images, sentences, false, true);
  const d = tf.sum(tf.mul(images, sentences), 1);
  const mask = tf.sub(1, tf.eye(B));
  const a = tf.mul(tf.relu(tf.add(tf.sub(scores, tf.reshape(d, [B, 1])), margin)), mask);
  const b = tf.mul(tf.relu(tf.add(tf.sub(scores, tf.reshape(d, [1, B])), margin)), mask);
  return tf.add(tf.sum(a), tf.sum(b)) as tf.Scalar;
}

async function child(variant: Variant, threads: number, steps: number): Promise<void> {
  const backend = await selectBackend('wasm', { threads });
  const rng = new Random(1);
  const model = JointModel.create(
    { encoder: 'lstm', vocabSize: V, wordDim: E, jointDim: H, featureDim: F },
    rng,
  );
  const ids = new Int32Array(T * B);
  for (let i = 0; i < ids.length; i++) ids[i] = 2 + rng.int(0, V - 3);
  const batch: TokenBatch = { ids, steps: T, size: B, lengths: new Int32Array(B).fill(T) };
  const features = tf.tensor2d(rng.gaussians(B * F).map(Math.abs), [B, F]);
  const imageOf = Int32Array.from({ length: B }, (_, i) => i);
  const optimizer = tf.train.adam(2e-4);
  const vars = [...model.variables.values()];
  const loss = () => {
    if (variant === 'fused') {
      return contrastiveLoss(
        model.encodeImages(features),
        model.encodeSentences(batch),
        imageOf,
        0.2,
        false,
      );
    }
    const mm: Product = variant === 'stock' ? (a, b) => tf.matMul(a, b) : matMul;
    const images = l2NormalizeRows(
      mm(features, model.variables.get('image.W') as unknown as tf.Tensor2D),
    );
    const sentences = stepwiseSentences(model, batch, mm);
    return variant === 'stock'
      ? stockLoss(images, sentences, 0.2)
      : contrastiveLoss(images, sentences, imageOf, 0.2, false);
  };
  const times: number[] = [];
  for (let s = 0; s < steps + 1; s++) {
    const start = performance.now();
    const { value, grads } = tf.variableGrads(loss, vars);
    optimizer.applyGradients(grads as unknown as Record<string, tf.Variable>);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
    if (s > 0) times.push((performance.now() - start) / 1000); // the first includes warm-up
  }
  const a = tf.randomNormal([1024, 1024]);
  const b = tf.randomNormal([1024, 1024]);
  tf.matMul(a, b).dispose();
  const start = performance.now();
  for (let i = 0; i < 5; i++) (await tf.matMul(a, b).data()) && undefined;
  const gflops = (5 * 2 * 1024 ** 3) / ((performance.now() - start) / 1000) / 1e9;
  times.sort((x, y) => x - y);
  const median = times[Math.floor(times.length / 2)] as number;
  console.log(
    JSON.stringify({
      variant,
      threads: backend.threads,
      median,
      times,
      matmulGflops: gflops,
      backend: describeBackend(backend).split('\n')[0],
    }),
  );
  await stopWasmThreads();
}

async function parent(): Promise<void> {
  const rows: { variant: string; threads: number; median: number; matmulGflops: number }[] = [];
  for (const variant of VARIANTS) {
    for (const threads of [1, 2]) {
      const steps = variant === 'stock' ? 1 : 5;
      process.stderr.write(`${variant}, ${threads} thread(s)...\n`);
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', import.meta.filename, variant, String(threads), String(steps)],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      rows.push(JSON.parse(out.trim().split('\n').pop() as string));
    }
  }
  const fused2 = rows.find((r) => r.variant === 'fused' && r.threads === 2)?.median ?? Number.NaN;
  console.log(
    '| variant | threads | s/batch (median) | vs fused, 2 threads | matMul 1024^3 GFLOP/s |',
  );
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.variant} | ${r.threads} | ${r.median.toFixed(3)} | ${(r.median / fused2).toFixed(2)}x | ${r.matmulGflops.toFixed(1)} |`,
    );
  }
}

const [variant, threads, steps] = process.argv.slice(2);
if (variant) await child(variant as Variant, Number(threads ?? 2), Number(steps ?? 5));
else await parent();
