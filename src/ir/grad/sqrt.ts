// Sqrt: dX = dY / (2·Y).
import type { GradRule } from './types.js';
import { dy0 } from './types.js';

export const sqrt: GradRule = (c) => {
  const { e } = c;
  const half = e.op('Mul', [dy0(c), e.scalar(0.5, c.y(0))]);
  return [e.op('Div', [half, c.y(0)])];
};
