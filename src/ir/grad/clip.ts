// Clip(X, min, max) (ReLU6 among others): dX = dY strictly inside (min, max), as PyTorch's hardtanh backward.
import type { GradRule } from './types.js';
import { dy0, where } from './types.js';

export const clip: GradRule = (c) => {
  const { e } = c;
  if (c.needs(1) || c.needs(2)) throw new Error(`${where(c)}: no gradient rule for the min/max inputs of Clip`);
  if (c.node.attrs['min'] || c.node.attrs['max']) throw new Error(`${where(c)}: Clip with min/max attributes is opset < 11; give them as inputs`);
  const x = c.x(0), g = dy0(c);
  const bounds: string[] = [];
  if (c.x(1)) bounds.push(e.op('Greater', [x, c.x(1)]));
  if (c.x(2)) bounds.push(e.op('Less', [x, c.x(2)]));
  if (bounds.length === 0) return [g];
  const inside = bounds.length === 2 ? e.op('And', bounds) : bounds[0]!;
  return [e.op('Where', [inside, g, e.scalar(0, g)])];
};
