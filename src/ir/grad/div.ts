// Div with broadcasting: dA = sum-to-shape(dY / B), dB = −sum-to-shape(dY · Y / B).
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { sumTo } from './helpers.js';

export const div: GradRule = (c) => {
  const { e } = c;
  const g = dy0(c), b = c.x(1);
  const out: (string | undefined)[] = [];
  const gOverB = c.needs(0) || c.needs(1) ? e.op('Div', [g, b]) : '';
  if (c.needs(0)) out[0] = sumTo(e, gOverB, c.x(0));
  if (c.needs(1)) out[1] = e.op('Neg', [sumTo(e, e.op('Mul', [gOverB, c.y(0)]), b)]);
  return out;
};
