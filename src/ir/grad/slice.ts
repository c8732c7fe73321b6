// Slice with positive steps: dX = dY scattered back to the sliced positions, zeros elsewhere. A step s > 1 is
// undone by interleaving s − 1 zero rows (Unsqueeze, Pad, Reshape), then the window is placed by Pad (or Slice,
// when the last stride block overhangs the input). All standard ops with rules of their own.
import { attr } from '../graph.js';
import { isStatic, normAxis } from '../shapes/dims.js';
import { sliceRange } from '../shapes/tensor-ops.js';
import type { Emitter } from './emitter.js';
import type { GradRule } from './types.js';
import { dy0, where } from './types.js';
import { reshapeTo } from './helpers.js';

/** Spreads `g` along `axis` so that entry k lands at k·step (zeros in between); length becomes len·step. */
function interleaveZeros(e: Emitter, g: string, axis: number, step: number): string {
  const shape = e.shape(g), r = shape.length;
  const lifted = e.op('Unsqueeze', [g, e.ints([axis + 1])]);
  const pads = new Array<number>(2 * (r + 1)).fill(0);
  pads[r + 1 + axis + 1] = step - 1;
  const spread = e.op('Pad', [lifted, e.ints(pads)], { mode: attr.string('constant') });
  return reshapeTo(e, spread, shape.map((d, i) => (i === axis ? (d as number) * step : d)));
}

export const slice: GradRule = (c) => {
  const { e } = c;
  const x = c.x(0), shape = e.shape(x), r = shape.length;
  const what = where(c);
  const starts = e.env.ints(c.node, 1, `${what}: starts`), ends = e.env.ints(c.node, 2, `${what}: ends`);
  const axes = c.x(3) ? e.env.ints(c.node, 3, `${what}: axes`) : starts.map((_, i) => i);
  const steps = c.x(4) ? e.env.ints(c.node, 4, `${what}: steps`) : starts.map(() => 1);
  let g = dy0(c);
  const pads = new Array<number>(2 * r).fill(0);
  axes.forEach((a0, i) => {
    const a = normAxis(a0, r, what);
    const d = shape[a]!, step = steps[i]!;
    if (step < 1) throw new Error(`${what}: negative steps have no gradient rule, got step ${step} on axis ${a}`);
    if (!isStatic(d)) return; // a full slice of a symbolic axis (checked by shape inference)
    const [s, , len] = sliceRange(d, starts[i]!, ends[i]!, step);
    let covered = len;
    if (step > 1 && len > 0) {
      g = interleaveZeros(e, g, a, step);
      covered = len * step;
      if (s + covered > d) {
        covered = d - s;
        g = e.op('Slice', [g, e.ints([0]), e.ints([covered]), e.ints([a])]);
      }
    }
    pads[a] = s;
    pads[a + r] = d - s - covered;
  });
  return [pads.every((p) => p === 0) ? g : e.op('Pad', [g, e.ints(pads)])];
};
