// GlobalAveragePool: dX = dY / (spatial size), broadcast over the spatial axes (by the consumer, see ReduceSum).
import { productDims } from '../shapes/dims.js';
import type { GradRule } from './types.js';
import { dy0 } from './types.js';

export const globalAveragePool: GradRule = (c) => {
  const { e } = c;
  const x = c.x(0);
  const area = productDims(e.shape(x).slice(2));
  if (typeof area !== 'number') throw new Error(`node '${c.node.name}' (GlobalAveragePool): spatial dims of ${x} must be static`);
  const g = dy0(c);
  return [e.op('Mul', [g, e.scalar(1 / area, g)])];
};
