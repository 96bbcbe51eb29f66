import * as tf from '@tensorflow/tfjs-core';
import { blend, stepMasks } from './step-masks.ts';

/**
 * An LSTM over a whole sequence as one differentiable op, with backpropagation through time
 * written out by hand. Autodiff of the step-by-step graph does the same arithmetic, but on the
 * wasm backend it pays for a transpose of the recurrent weight at every step and for T small
 * weight-gradient products; here the weight is transposed once per batch and its gradient is
 * one large product over all steps:  dWh = [h_{-1} .. h_{T-2}]^T [dz_0 .. dz_{T-1}].
 *
 * Inputs: xp, the input projections of all steps ([T*B, 4H], time-major, bias included), and
 * wh, the recurrent weight [H, 4H], gate columns [input, forget, cell candidate, output].
 * Output: the hidden state after each caption's last real token, [B, H]; a caption that ends
 * before step t keeps its state through t. The test suite checks the gradients against finite
 * differences and against TensorFlow.js's own autodiff of the step-by-step graph.
 */

export function lstmSequence(
  xp: tf.Tensor2D,
  wh: tf.Tensor2D,
  steps: number,
  lengths: Int32Array,
): tf.Tensor2D {
  const B = lengths.length;
  const H = wh.shape[0];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    const masks = stepMasks(lengths, steps);
    // Per step: i, f, g, o, c_{t-1}, tanh(c'_t), h_{t-1}.
    const kept: tf.Tensor[] = [];
    let h: tf.Tensor2D = tf.zeros([B, H]);
    let c: tf.Tensor2D = tf.zeros([B, H]);
    for (let t = 0; t < steps; t++) {
      const z = tf.add(tf.slice(x, [t * B, 0], [B, 4 * H]), tf.matMul(h, w)) as tf.Tensor2D;
      const [zi, zf, zg, zo] = tf.split(z, 4, 1) as tf.Tensor2D[];
      const i = tf.sigmoid(zi as tf.Tensor2D);
      const f = tf.sigmoid(zf as tf.Tensor2D);
      const g = tf.tanh(zg as tf.Tensor2D);
      const o = tf.sigmoid(zo as tf.Tensor2D);
      const c2 = tf.add(tf.mul(f, c), tf.mul(i, g)) as tf.Tensor2D;
      const tc = tf.tanh(c2);
      const h2 = tf.mul(o, tc) as tf.Tensor2D;
      kept.push(i, f, g, o, c, tc, h);
      c = blend(masks[t], c2, c);
      h = blend(masks[t], h2, h);
    }
    save([...kept, ...masks.filter((m): m is tf.Tensor2D => m !== undefined)]);
    return {
      value: h,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const maskList = saved.slice(7 * steps) as tf.Tensor2D[];
        let next = 0;
        const savedMasks = masks.map((m) => (m ? maskList[next++] : undefined));
        const wT = tf.transpose(w); // once per batch: the plain-product rule of ops.ts
        let dh = dy as tf.Tensor2D;
        let dc: tf.Tensor2D = tf.zerosLike(dh);
        const dzs: tf.Tensor2D[] = new Array(steps);
        const hPrev: tf.Tensor2D[] = new Array(steps);
        for (let t = steps - 1; t >= 0; t--) {
          const [i, f, g, o, cPrev, tc, hp] = saved.slice(7 * t, 7 * t + 7) as tf.Tensor2D[];
          const mask = savedMasks[t];
          // Finished captions pass their gradient straight through to step t-1.
          const dhStep = mask ? (tf.mul(dh, mask) as tf.Tensor2D) : dh;
          const dcStep = mask ? (tf.mul(dc, mask) as tf.Tensor2D) : dc;
          const one = tf.scalar(1);
          // h = o * tanh(c);  c = f * c_prev + i * g
          const dO = tf.mul(dhStep, tc as tf.Tensor2D);
          const dC = tf.add(
            dcStep,
            tf.mul(tf.mul(dhStep, o as tf.Tensor2D), tf.sub(one, tf.square(tc as tf.Tensor2D))),
          );
          const dI = tf.mul(dC, g as tf.Tensor2D);
          const dG = tf.mul(dC, i as tf.Tensor2D);
          const dF = tf.mul(dC, cPrev as tf.Tensor2D);
          // Through the nonlinearities: sigmoid' = s(1 - s), tanh' = 1 - t^2.
          const dz = tf.concat(
            [
              tf.mul(dI, tf.mul(i as tf.Tensor2D, tf.sub(one, i as tf.Tensor2D))),
              tf.mul(dF, tf.mul(f as tf.Tensor2D, tf.sub(one, f as tf.Tensor2D))),
              tf.mul(dG, tf.sub(one, tf.square(g as tf.Tensor2D))),
              tf.mul(dO, tf.mul(o as tf.Tensor2D, tf.sub(one, o as tf.Tensor2D))),
            ],
            1,
          ) as tf.Tensor2D;
          dzs[t] = dz;
          hPrev[t] = hp as tf.Tensor2D;
          const dcPrev = tf.mul(dC, f as tf.Tensor2D) as tf.Tensor2D;
          const dhPrev = tf.matMul(dz, wT) as tf.Tensor2D;
          dh = mask ? (tf.add(dhPrev, tf.sub(dh, dhStep)) as tf.Tensor2D) : dhPrev;
          dc = mask ? (tf.add(dcPrev, tf.sub(dc, dcStep)) as tf.Tensor2D) : dcPrev;
        }
        const dz = tf.concat(dzs, 0) as tf.Tensor2D; // [T*B, 4H], time-major like xp
        const dWh = tf.matMul(tf.transpose(tf.concat(hPrev, 0)), dz) as tf.Tensor2D;
        return [dz, dWh];
      },
    };
  });
  return op(xp, wh) as tf.Tensor2D;
}
