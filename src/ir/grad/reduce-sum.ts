// ReduceSum: dX = dY (with reduced axes restored) broadcast back over X. The broadcast is left to the consumer
// (autodiff expands only where needed, often folding it into a Sum of contributions).
import { getInt } from '../graph.js';
import { reducedAxes } from '../shapes/reduce.js';
import type { GradContext, GradRule } from './types.js';
import { dy0 } from './types.js';
import { unsqueeze } from './helpers.js';

/** `g` (shaped like the node's output) with the reduced axes restored, broadcastable to X; shared with ReduceMean. */
export function spreadBack(c: GradContext, g: string): string {
  const { e } = c;
  const axes = reducedAxes(c.node, e.env, e.rank(c.x(0)));
  if (axes === undefined) return g;
  return getInt(c.node, 'keepdims', 1) === 0 ? unsqueeze(e, g, axes) : g;
}

export const reduceSum: GradRule = (c) => [spreadBack(c, dy0(c))];
