// Split(axis) (torch.chunk / torch.split, e.g. an attention layer's fused q, k, v): dX is the outputs' gradients
// concatenated back along the axis, zeros for an output nothing flows into. Opset-18 num_outputs is rewritten to
// sizes at import (../import/opset.ts), so the node here has the opset-13 form.
import { attr, getInt } from '../graph.js';
import { isStatic, normAxis } from '../shapes/dims.js';
import { floatTensor } from './emitter.js';
import type { GradRule } from './types.js';
import { where } from './types.js';

export const split: GradRule = (c) => {
  const { e } = c;
  const x = c.x(0);
  if (c.needs(1)) throw new Error(`${where(c)}: the split sizes (input 1) have no gradient`);
  const axis = normAxis(getInt(c.node, 'axis', 0), e.rank(x), where(c));
  const parts = c.node.outputs.map((y, i) => {
    const g = c.dy(i);
    if (g) return g;
    const shape = e.shape(y);
    if (shape.every(isStatic)) return e.tensor(floatTensor(e.dtype(x), shape as number[], new Array(shape.reduce<number>((p, d) => p * (d as number), 1)).fill(0)));
    return e.op('ConstantOfShape', [e.op('Shape', [y])], { value: attr.tensor(floatTensor(e.dtype(x), [1], [0])) });
  });
  return [parts.length === 1 ? parts[0]! : e.op('Concat', parts, { axis: attr.int(axis) })];
};
