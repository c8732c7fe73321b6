// Add and Sub with broadcasting: dA = sum-to-shape(dY), dB = ±sum-to-shape(dY).
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { sumTo } from './helpers.js';

export const addSub: GradRule = (c) => {
  const { e } = c;
  const g = dy0(c);
  const out: (string | undefined)[] = [];
  if (c.needs(0)) out[0] = sumTo(e, g, c.x(0));
  if (c.needs(1)) {
    const gb = sumTo(e, g, c.x(1));
    out[1] = c.node.op === 'Sub' ? e.op('Neg', [gb]) : gb;
  }
  return out;
};
