// Where(C, A, B): dA = dY where C, dB = dY where not C (each summed back over broadcasting); C gets none.
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { sumTo } from './helpers.js';

export const whereRule: GradRule = (c) => {
  const { e } = c;
  const g = dy0(c), cond = c.x(0);
  const zero = e.scalar(0, g);
  const out: (string | undefined)[] = [];
  if (c.needs(1)) out[1] = sumTo(e, e.op('Where', [cond, g, zero]), c.x(1));
  if (c.needs(2)) out[2] = sumTo(e, e.op('Where', [cond, zero, g]), c.x(2));
  return out;
};
