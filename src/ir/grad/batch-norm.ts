// BatchNormalization in eval form, Y = scale·(X − mean)/√(var + ε) + B with the running statistics as inputs.
// Gradients for X, scale and B (and, for completeness, mean and var). Train mode is a separate rewrite (bn-train.ts).
import { getFloat } from '../graph.js';
import type { GradRule } from './types.js';
import { dy0, where } from './types.js';
import { channelVector, reduceSum } from './helpers.js';

export const batchNorm: GradRule = (c) => {
  const { e } = c;
  if (c.node.outputs.filter((o) => o).length > 1) {
    throw new Error(`${where(c)}: training-mode BatchNormalization (running-stat outputs) has no rule; rewrite it with bn-train`);
  }
  const [x, scale, , mean, variance] = [0, 1, 2, 3, 4].map((i) => c.x(i)) as [string, string, string, string, string];
  const g = dy0(c);
  const r = e.rank(x);
  const axes = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2)];
  const invStd = e.op('Reciprocal', [e.op('Sqrt', [e.op('Add', [variance, e.scalar(getFloat(c.node, 'epsilon', 1e-5), variance)])])]);
  const gain = e.op('Mul', [scale, invStd]);
  const out: (string | undefined)[] = [];
  if (c.needs(0)) out[0] = e.op('Mul', [g, channelVector(e, gain, r)]);
  const needCentered = c.needs(1) || c.needs(4);
  const dyCentered = needCentered ? reduceSum(e, e.op('Mul', [g, e.op('Sub', [x, channelVector(e, mean, r)])]), axes, false) : '';
  if (c.needs(1)) out[1] = e.op('Mul', [dyCentered, invStd]);
  const dySum = c.needs(2) || c.needs(3) ? reduceSum(e, g, axes, false) : '';
  if (c.needs(2)) out[2] = dySum;
  if (c.needs(3)) out[3] = e.op('Neg', [e.op('Mul', [dySum, gain])]);
  if (c.needs(4)) {
    const cube = e.op('Mul', [invStd, e.op('Mul', [invStd, invStd])]);
    out[4] = e.op('Mul', [e.op('Mul', [dyCentered, scale]), e.op('Mul', [cube, e.scalar(-0.5, cube)])]);
  }
  return out;
};
