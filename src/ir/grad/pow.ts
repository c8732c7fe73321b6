// Pow(X, P): dX = dY · P · X^(P−1); dP = dY · Y · log X (only defined for X > 0), each summed back over broadcasting.
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { sumTo } from './helpers.js';

export const pow: GradRule = (c) => {
  const { e } = c;
  const x = c.x(0), p = c.x(1), g = dy0(c);
  if (e.dtype(p) !== e.dtype(x)) throw new Error(`node '${c.node.name}' (Pow): exponent type ${e.dtype(p)} differs from base type ${e.dtype(x)}; cast it first`);
  const out: (string | undefined)[] = [];
  if (c.needs(0)) {
    const slope = e.op('Mul', [p, e.op('Pow', [x, e.op('Sub', [p, e.scalar(1, p)])])]);
    out[0] = sumTo(e, e.op('Mul', [g, slope]), x);
  }
  if (c.needs(1)) out[1] = sumTo(e, e.op('Mul', [g, e.op('Mul', [c.y(0), e.op('Log', [x])])]), p);
  return out;
};
