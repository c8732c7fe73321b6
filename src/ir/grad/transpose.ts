// Transpose(perm): dX = Transpose(dY, perm⁻¹).
import { attr, getInts } from '../graph.js';
import type { GradRule } from './types.js';
import { dy0 } from './types.js';

export const transpose: GradRule = (c) => {
  const r = c.e.rank(c.x(0));
  const perm = getInts(c.node, 'perm', undefined) ?? Array.from({ length: r }, (_, i) => r - 1 - i);
  const inverse = new Array<number>(r);
  perm.forEach((p, i) => { inverse[p] = i; });
  return [c.e.op('Transpose', [dy0(c)], { perm: attr.ints(inverse) })];
};
