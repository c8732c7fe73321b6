// LogSoftmax(axis): dX = dY − exp(Y) · Σ_axis dY.
import { getInt } from '../graph.js';
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { reduceSum } from './helpers.js';

export const logSoftmax: GradRule = (c) => {
  const { e } = c;
  const g = dy0(c);
  const total = reduceSum(e, g, [getInt(c.node, 'axis', -1)], true);
  return [e.op('Sub', [g, e.op('Mul', [e.op('Exp', [c.y(0)]), total])])];
};
