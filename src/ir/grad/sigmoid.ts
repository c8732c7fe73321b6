// Sigmoid: dX = dY · Y · (1 − Y).
import type { GradRule } from './types.js';
import { dy0 } from './types.js';

export const sigmoid: GradRule = (c) => {
  const { e } = c;
  const y = c.y(0);
  const slope = e.op('Mul', [y, e.op('Sub', [e.scalar(1, y), y])]);
  return [e.op('Mul', [dy0(c), slope])];
};
