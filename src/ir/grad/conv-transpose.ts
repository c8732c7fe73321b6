// ConvTranspose is the adjoint of Conv with the same weights: dX = Conv(dY, W) with the same geometry, and dW is
// the Conv weight gradient with the roles of input (dY) and output gradient (X) exchanged.
import { attr, getInt } from '../graph.js';
import { convTransposeWindow } from '../shapes/geometry.js';
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { reduceSum } from './helpers.js';
import { convWeightGrad } from './conv-weight.js';

export const convTranspose: GradRule = (c) => {
  const { e } = c;
  const x = c.x(0), w = c.x(1), g = dy0(c);
  const group = getInt(c.node, 'group', 1);
  const win = convTransposeWindow(c.node, e.shape(x), e.shape(w));
  const out: (string | undefined)[] = [];
  if (c.needs(0)) {
    out[0] = e.op('Conv', [g, w], {
      group: attr.int(group),
      strides: attr.ints(win.strides),
      dilations: attr.ints(win.dilations),
      pads: attr.ints([...win.padsBegin, ...win.padsEnd]),
      kernel_shape: attr.ints(win.kernel),
    });
  }
  if (c.needs(1)) out[1] = convWeightGrad(e, g, x, { ...win, input: win.output, output: win.input }, group);
  if (c.needs(2)) out[2] = reduceSum(e, g, [0, ...win.kernel.map((_, i) => i + 2)], false);
  return out;
};
