// Mul with broadcasting: dA = sum-to-shape(dY · B), dB = sum-to-shape(dY · A).
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { sumTo } from './helpers.js';

export const mul: GradRule = (c) => {
  const { e } = c;
  const g = dy0(c);
  const out: (string | undefined)[] = [];
  if (c.needs(0)) out[0] = sumTo(e, e.op('Mul', [g, c.x(1)]), c.x(0));
  if (c.needs(1)) out[1] = sumTo(e, e.op('Mul', [g, c.x(0)]), c.x(1));
  return out;
};
