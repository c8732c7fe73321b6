// Softmax(axis): dX = Y · (dY − Σ_axis dY·Y).
import { getInt } from '../graph.js';
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { reduceSum } from './helpers.js';

export const softmax: GradRule = (c) => {
  const { e } = c;
  const y = c.y(0), g = dy0(c);
  const axis = getInt(c.node, 'axis', -1);
  const inner = reduceSum(e, e.op('Mul', [g, y]), [axis], true);
  return [e.op('Mul', [y, e.op('Sub', [g, inner])])];
};
