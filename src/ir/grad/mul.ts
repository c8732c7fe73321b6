// Mul with broadcasting: dA = dY · B, dB = dY · A, each fitted to its input's shape. dY may itself be smaller than
// Y (broadcastable, as a ReduceMean gradient arrives). A square x·x gets one product, 2·x·dY, not two.
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { fitTo } from './helpers.js';

export const mul: GradRule = (c) => {
  const { e } = c;
  const g = dy0(c);
  const [a, b] = [c.x(0), c.x(1)];
  if (a === b && c.needs(0)) return [fitTo(e, e.op('Mul', [a, e.op('Mul', [g, e.scalar(2, g)])]), a)];
  const out: (string | undefined)[] = [];
  if (c.needs(0)) out[0] = fitTo(e, e.op('Mul', [g, b]), a);
  if (c.needs(1)) out[1] = fitTo(e, e.op('Mul', [g, a]), b);
  return out;
};
