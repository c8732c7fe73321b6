// LeakyRelu(α): dX = dY where X > 0, α·dY elsewhere.
import { getFloat } from '../graph.js';
import type { GradRule } from './types.js';
import { dy0 } from './types.js';

export const leakyRelu: GradRule = (c) => {
  const { e } = c;
  const alpha = getFloat(c.node, 'alpha', 0.01);
  const g = dy0(c);
  const mask = e.op('Greater', [c.x(0), e.scalar(0, c.x(0))]);
  return [e.op('Where', [mask, g, e.op('Mul', [g, e.scalar(alpha, g)])])];
};
