// Pad (constant mode, non-negative pads): dX = the unpadded window of dY.
import { getString } from '../graph.js';
import { isStatic } from '../shapes/dims.js';
import type { GradRule } from './types.js';
import { dy0, where } from './types.js';

export const pad: GradRule = (c) => {
  const { e } = c;
  if (getString(c.node, 'mode', 'constant') !== 'constant') throw new Error(`${where(c)}: only mode 'constant' has a gradient rule`);
  if (c.needs(2)) throw new Error(`${where(c)}: no gradient for the constant_value input`);
  const x = c.x(0), shape = e.shape(x), r = shape.length;
  const pads = e.env.ints(c.node, 1, `${where(c)}: pads`);
  if (pads.some((p) => p < 0)) throw new Error(`${where(c)}: negative pads [${pads}] have no gradient rule`);
  const axes = shape.flatMap((_, i) => (pads[i]! > 0 || pads[i + r]! > 0 ? [i] : []));
  if (axes.length === 0) return [dy0(c)];
  const starts = axes.map((a) => pads[a]!);
  const ends = axes.map((a) => {
    const d = shape[a]!;
    if (!isStatic(d)) throw new Error(`${where(c)}: padded axis ${a} has symbolic size ${d}`);
    return pads[a]! + d;
  });
  return [e.op('Slice', [dy0(c), e.ints(starts), e.ints(ends), e.ints(axes)])];
};
