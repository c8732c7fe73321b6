// Slice with unit steps: dX = dY padded with zeros back to X's shape.
import { isStatic, normAxis } from '../shapes/dims.js';
import { sliceRange } from '../shapes/tensor-ops.js';
import type { GradRule } from './types.js';
import { dy0, where } from './types.js';

export const slice: GradRule = (c) => {
  const { e } = c;
  const x = c.x(0), shape = e.shape(x), r = shape.length;
  const what = where(c);
  const starts = e.env.ints(c.node, 1, `${what}: starts`), ends = e.env.ints(c.node, 2, `${what}: ends`);
  const axes = c.x(3) ? e.env.ints(c.node, 3, `${what}: axes`) : starts.map((_, i) => i);
  const steps = c.x(4) ? e.env.ints(c.node, 4, `${what}: steps`) : starts.map(() => 1);
  const pads = new Array<number>(2 * r).fill(0);
  axes.forEach((a0, i) => {
    const a = normAxis(a0, r, what);
    const d = shape[a]!;
    if (steps[i] !== 1) throw new Error(`${what}: only unit steps have a gradient rule, got step ${steps[i]} on axis ${a}`);
    if (!isStatic(d)) return; // a full slice of a symbolic axis (checked by shape inference)
    const [s, , len] = sliceRange(d, starts[i]!, ends[i]!, 1);
    pads[a] = s;
    pads[a + r] = d - s - len;
  });
  const g = dy0(c);
  return [pads.every((p) => p === 0) ? g : e.op('Pad', [g, e.ints(pads)])];
};
