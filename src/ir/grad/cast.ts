// Cast between float types passes the gradient back cast to the input type; casts from or to integers have none.
import { attr } from '../graph.js';
import { ONNX_TYPE_OF } from '../shapes/elementwise.js';
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { isFloat } from './emitter.js';

export const cast: GradRule = (c) => {
  const { e } = c;
  const from = e.dtype(c.x(0));
  if (!isFloat(from) || !isFloat(e.dtype(c.y(0)))) return [];
  const g = dy0(c);
  return [e.dtype(g) === from ? g : e.op('Cast', [g], { to: attr.int(ONNX_TYPE_OF[from]) })];
};
