// AveragePool: dX = ConvTranspose(dY / count, ones) depthwise, with the forward geometry; count is the window size,
// or the number of counted elements per window when padding is not counted or a ceil_mode window hangs over the end.
import { attr, getInt } from '../graph.js';
import { outputPaddingFor } from '../shapes/geometry.js';
import type { GradRule } from './types.js';
import { inverseCounts, onesKernel, poolOperands } from './pool-kernels.js';

export const averagePool: GradRule = (c) => {
  const { e } = c;
  const { g, channels, win, dtype } = poolOperands(c);
  const includePad = getInt(c.node, 'count_include_pad', 0) === 1;
  const padded = win.padsBegin.some((p) => p > 0) || win.padsEnd.some((p) => p > 0);
  // Windows of unequal counts: padding not counted, or a ceil_mode overhang (never counted).
  const uneven = padded && (!includePad || win.overhang.some((o) => o > 0));
  const lo = includePad ? win.padsBegin.map((p) => -p) : win.input.map(() => 0);
  const hi = includePad ? win.input.map((n, i) => n + win.padsEnd[i]! - win.overhang[i]!) : win.input;
  const scale = uneven
    ? e.tensor(inverseCounts(lo, hi, win.output, win.kernel, win.strides, win.padsBegin, dtype))
    : e.scalar(1 / win.kernel.reduce((p, d) => p * d, 1), g);
  return [e.op('ConvTranspose', [e.op('Mul', [g, scale]), e.tensor(onesKernel(channels, win.kernel, dtype))], {
    group: attr.int(channels),
    strides: attr.ints(win.strides),
    kernel_shape: attr.ints(win.kernel),
    pads: attr.ints([...win.padsBegin, ...win.padsEnd]),
    output_padding: attr.ints(outputPaddingFor(win)),
  })];
};
