// Tanh: dX = dY · (1 − Y²).
import type { GradRule } from './types.js';
import { dy0 } from './types.js';

export const tanh: GradRule = (c) => {
  const { e } = c;
  const y = c.y(0);
  const slope = e.op('Sub', [e.scalar(1, y), e.op('Mul', [y, y])]);
  return [e.op('Mul', [dy0(c), slope])];
};
