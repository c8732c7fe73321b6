// Reciprocal: dX = −dY · Y².
import type { GradRule } from './types.js';
import { dy0 } from './types.js';

export const reciprocal: GradRule = (c) => {
  const { e } = c;
  const y = c.y(0);
  return [e.op('Neg', [e.op('Mul', [dy0(c), e.op('Mul', [y, y])])])];
};
