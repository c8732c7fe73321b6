// Slice: dX = dY placed back at the sliced positions, zeros elsewhere. Unit steps: a Pad. Steps s > 1 on the
// spatial axes of an [N, C, ...] tensor (ResNet's x[:, :, ::2, ::2] shortcut): a depthwise 1×1 ConvTranspose with
// stride s spreads dY out (6× faster in ORT than Pad-based interleaving). Other steps > 1: interleave s − 1 zeros
// with one Reshape–Pad–Reshape. Step −1 over a whole axis (a flip, as in the Conv input gradient) is its own
// inverse. All emitted ops have rules of their own.
import { attr, type Dim } from '../graph.js';
import { isStatic, normAxis } from '../shapes/dims.js';
import { sliceRange } from '../shapes/tensor-ops.js';
import type { Emitter } from './emitter.js';
import type { GradContext, GradRule } from './types.js';
import { dy0, where } from './types.js';
import { reshapeTo } from './helpers.js';
import { onesKernel } from './pool-kernels.js';

interface AxisSlice { axis: number; size: number; start: number; length: number; step: number }

function axisSlices(c: GradContext): AxisSlice[] {
  const { e } = c;
  const shape = e.shape(c.x(0)), r = shape.length, what = where(c);
  const starts = e.env.ints(c.node, 1, `${what}: starts`), ends = e.env.ints(c.node, 2, `${what}: ends`);
  const axes = c.x(3) ? e.env.ints(c.node, 3, `${what}: axes`) : starts.map((_, i) => i);
  const steps = c.x(4) ? e.env.ints(c.node, 4, `${what}: steps`) : starts.map(() => 1);
  return axes.flatMap((a0, i) => {
    const axis = normAxis(a0, r, what), size = shape[axis]!, step = steps[i]!;
    if (!isStatic(size)) return []; // a full slice of a symbolic axis (checked by shape inference)
    const [start, , length] = sliceRange(size, starts[i]!, ends[i]!, step);
    return [{ axis, size, start, length, step }];
  });
}

/** Spreads the strided axes of `g` (entry k to k·step), by ConvTranspose when they are spatial, else by Pad. */
function spread(e: Emitter, g: string, strided: AxisSlice[]): string {
  const shape = e.shape(g), r = shape.length, channels = shape[1];
  // (ORT's ConvTranspose is float32 only.)
  if (r >= 3 && typeof channels === 'number' && strided.every((s) => s.axis >= 2) && e.dtype(g) === 'float32') {
    const spatial = shape.slice(2).map((_, i) => strided.find((s) => s.axis === i + 2));
    return e.op('ConvTranspose', [g, e.tensor(onesKernel(channels, spatial.map(() => 1), e.dtype(g)))], {
      group: attr.int(channels),
      strides: attr.ints(spatial.map((s) => s?.step ?? 1)),
      output_padding: attr.ints(spatial.map((s) => (s ? Math.min(s.step - 1, s.size - s.start - (s.length - 1) * s.step - 1) : 0))),
    });
  }
  const lifted: Dim[] = [], pads: number[] = [], merged: Dim[] = [];
  shape.forEach((d, i) => {
    const s = strided.find((t) => t.axis === i);
    lifted.push(d);
    pads.push(0);
    if (s) { lifted.push(1); pads.push(s.step - 1); }
    merged.push(s ? Math.min(s.length * s.step, s.size - s.start) : d);
  });
  const padded = e.op('Pad', [reshapeTo(e, g, lifted), e.ints([...pads.map(() => 0), ...pads])]);
  const full = reshapeTo(e, padded, shape.map((d, i) => { const s = strided.find((t) => t.axis === i); return s ? s.length * s.step : d; }));
  const overhang = strided.filter((s) => s.start + s.length * s.step > s.size);
  if (overhang.length === 0) return full;
  return e.op('Slice', [full, e.ints(overhang.map(() => 0)), e.ints(overhang.map((s) => merged[s.axis] as number)), e.ints(overhang.map((s) => s.axis))]);
}

export const slice: GradRule = (c) => {
  const { e } = c;
  const r = e.rank(c.x(0));
  const g = dy0(c);
  const slices = axisSlices(c);
  if (slices.some((s) => s.step < 0)) {
    const flipsOnly = slices.every((s) => (s.step === -1 && s.start === s.size - 1 && s.length === s.size) || (s.step === 1 && s.length === s.size));
    if (!flipsOnly) throw new Error(`${where(c)}: negative steps have a gradient rule only for reversing whole axes`);
    return [e.op('Slice', c.node.inputs.slice(0, 5).map((v, i) => (i === 0 ? g : v)))];
  }
  const strided = slices.filter((s) => s.step > 1 && s.length > 0);
  const spreadOut = strided.length > 0 ? spread(e, g, strided) : g;
  const covered = (s: AxisSlice) => (s.step > 1 && s.length > 0 ? e.shape(spreadOut)[s.axis] as number : s.length);
  const pads = new Array<number>(2 * r).fill(0);
  for (const s of slices) {
    pads[s.axis] = s.start;
    pads[s.axis + r] = s.size - s.start - covered(s);
  }
  return [pads.every((p) => p === 0) ? spreadOut : e.op('Pad', [spreadOut, e.ints(pads)])];
};
