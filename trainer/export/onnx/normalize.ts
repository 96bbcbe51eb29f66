import { NORM_EPS } from '../../tf/ops.ts';
import type { GraphBuilder } from './graph-builder.ts';

export { NORM_EPS };

/** Rows of x ([batch, D]) divided by sqrt(|row|^2 + eps): the trainer's l2NormalizeRows. */
export function l2Normalize(g: GraphBuilder, x: string): string {
  const squares = g.node('ReduceSumSquare', [x], { axes: [1], keepdims: 1 }, 'squared_norm');
  const eps = g.float('norm_eps', [], new Float32Array([NORM_EPS]));
  const norm = g.node('Sqrt', [g.node('Add', [squares, eps])], {}, 'norm');
  return g.node('Div', [x, norm], {}, 'unit');
}
