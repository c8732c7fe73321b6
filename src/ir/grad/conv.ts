// Conv: dX by convInputGrad (a Conv with the flipped kernel, or ConvTranspose when strided), dW by convWeightGrad
// (im2col + MatMul), dB = Σ dY over batch and space.
import { getInt } from '../graph.js';
import { convWindow } from '../shapes/geometry.js';
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { reduceSum } from './helpers.js';
import { convInputGrad } from './conv-input.js';
import { convWeightGrad } from './conv-weight.js';

export const conv: GradRule = (c) => {
  const { e } = c;
  const x = c.x(0), w = c.x(1), g = dy0(c);
  const group = getInt(c.node, 'group', 1);
  const win = convWindow(c.node, e.shape(x), e.shape(w));
  const out: (string | undefined)[] = [];
  if (c.needs(0)) out[0] = convInputGrad(e, g, w, win, group);
  if (c.needs(1)) out[1] = convWeightGrad(e, x, g, win, group);
  if (c.needs(2)) out[2] = reduceSum(e, g, [0, ...win.kernel.map((_, i) => i + 2)], false);
  return out;
};
