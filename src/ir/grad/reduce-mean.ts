// ReduceMean: dX = dY / (number of elements averaged) broadcast back over X; the count is dynamic when symbolic.
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { countRatio } from './helpers.js';
import { spreadBack } from './reduce-sum.js';

export const reduceMean: GradRule = (c) => {
  const { e } = c;
  const g = dy0(c);
  return [spreadBack(c, e.op('Div', [g, countRatio(e, c.x(0), c.y(0), g)]))];
};
