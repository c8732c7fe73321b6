// Erf: dX = dY · 2/√π · exp(−X²). PyTorch exports exact GELU, x·½·(1 + erf(x/√2)), through Erf at opsets below 20.
import type { GradRule } from './types.js';
import { dy0 } from './types.js';

export const erf: GradRule = (c) => {
  const { e } = c;
  const x = c.x(0);
  const density = e.op('Exp', [e.op('Neg', [e.op('Mul', [x, x])])]);
  return [e.op('Mul', [dy0(c), e.op('Mul', [density, e.scalar(2 / Math.sqrt(Math.PI), x)])])];
};
