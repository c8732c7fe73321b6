// ReduceSum: dX = dY (with reduced axes restored) broadcast back over X.
import { getInt } from '../graph.js';
import { reducedAxes } from '../shapes/reduce.js';
import type { GradContext, GradRule } from './types.js';
import { dy0 } from './types.js';
import { expandLike, unsqueeze } from './helpers.js';

/** `g` (shaped like the node's output) broadcast back to X's shape; shared with ReduceMean. */
export function spreadBack(c: GradContext, g: string): string {
  const { e } = c;
  const x = c.x(0);
  const axes = reducedAxes(c.node, e.env, e.rank(x));
  if (axes === undefined) return g;
  const kept = getInt(c.node, 'keepdims', 1) === 0 ? unsqueeze(e, g, axes) : g;
  return expandLike(e, kept, x);
}

export const reduceSum: GradRule = (c) => [spreadBack(c, dy0(c))];
