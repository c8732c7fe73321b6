// Sum (variadic, broadcasting): every input receives dY summed back to its shape.
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { sumTo } from './helpers.js';

export const sum: GradRule = (c) => {
  const g = dy0(c);
  return c.node.inputs.map((x, i) => (c.needs(i) ? sumTo(c.e, g, x) : undefined));
};
