// Gather(data, indices, axis) of float data (x[:, 0] in imported graphs, embedding lookups): dData[p, a, q] =
// Σ_k [indices_k = a] · dY[p, k, q], a MatMul with the one-hot matrix of the (normalised) indices, because opset 13
// has no accumulating scatter. Indices get no gradient.
import { attr, getInt } from '../graph.js';
import { isStatic, normAxis, productDims } from '../shapes/dims.js';
import { ONNX_TYPE_OF } from '../shapes/elementwise.js';
import type { GradRule } from './types.js';
import { dy0, where } from './types.js';
import { reshapeTo } from './helpers.js';

export const gather: GradRule = (c) => {
  const { e } = c;
  if (!c.needs(0)) return [];
  const data = c.x(0), indices = c.x(1), g = dy0(c);
  const shape = e.shape(data);
  const axis = normAxis(getInt(c.node, 'axis', 0), shape.length, where(c));
  const depth = shape[axis]!;
  if (!isStatic(depth)) throw new Error(`${where(c)}: the gathered axis of '${data}' must be static, got ${depth}`);
  const pre = productDims(shape.slice(0, axis)), post = productDims(shape.slice(axis + 1));
  const count = productDims(e.shape(indices));
  // Negative indices count from the end.
  const flatIdx = reshapeTo(e, indices, [count]);
  const idx = e.op('Where', [e.op('Less', [flatIdx, e.ints([0])]), e.op('Add', [flatIdx, e.ints([depth])]), flatIdx]);
  const classes = e.ints(Array.from({ length: depth }, (_, k) => k));
  const oneHot = e.op('Cast', [e.op('Equal', [e.op('Unsqueeze', [idx, e.ints([0])]), e.op('Unsqueeze', [classes, e.ints([1])])])], {
    to: attr.int(ONNX_TYPE_OF[e.dtype(g)]),
  }); // [depth, count]
  const grouped = reshapeTo(e, g, [pre, count, post]);
  return [reshapeTo(e, e.op('MatMul', [oneHot, grouped]), shape)];
};
