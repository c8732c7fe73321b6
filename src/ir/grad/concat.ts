// Concat(axis): each input's gradient is its slice of dY along the axis (sizes along the axis must be static).
import { getInt } from '../graph.js';
import { isStatic, normAxis } from '../shapes/dims.js';
import type { GradRule } from './types.js';
import { dy0, where } from './types.js';

export const concat: GradRule = (c) => {
  const { e } = c;
  const g = dy0(c);
  const axis = normAxis(getInt(c.node, 'axis', 0), e.rank(g), where(c));
  let offset = 0;
  return c.node.inputs.map((x, i) => {
    const size = e.shape(x)[axis]!;
    if (!isStatic(size)) throw new Error(`${where(c)}: input ${i} has symbolic size ${size} along the concat axis`);
    const start = offset;
    offset += size;
    if (!c.needs(i)) return undefined;
    return e.op('Slice', [g, e.ints([start]), e.ints([start + size]), e.ints([axis])]);
  });
};
