// AveragePool: dX = ConvTranspose(dY / count, ones) depthwise, with the forward geometry; count is the window size,
// or the number of non-padding elements per window when count_include_pad = 0.
import { attr, getInt } from '../graph.js';
import { poolWindow, outputPaddingFor } from '../shapes/geometry.js';
import type { GradRule } from './types.js';
import { dy0, where } from './types.js';
import { inverseCounts, onesKernel } from './pool-kernels.js';

export const averagePool: GradRule = (c) => {
  const { e } = c;
  const x = c.x(0), g = dy0(c);
  const channels = e.shape(x)[1];
  if (typeof channels !== 'number') throw new Error(`${where(c)}: channels must be static`);
  const win = poolWindow(c.node, e.shape(x));
  const dtype = e.dtype(x);
  const padded = win.padsBegin.some((p) => p > 0) || win.padsEnd.some((p) => p > 0);
  const scale = padded && getInt(c.node, 'count_include_pad', 0) === 0
    ? e.tensor(inverseCounts(win.input, win.output, win.kernel, win.strides, win.padsBegin, dtype))
    : e.scalar(1 / win.kernel.reduce((p, d) => p * d, 1), g);
  return [e.op('ConvTranspose', [e.op('Mul', [g, scale]), e.tensor(onesKernel(channels, win.kernel, dtype))], {
    group: attr.int(channels),
    strides: attr.ints(win.strides),
    kernel_shape: attr.ints(win.kernel),
    pads: attr.ints([...win.padsBegin, ...win.padsEnd]),
    output_padding: attr.ints(outputPaddingFor(win)),
  })];
};
