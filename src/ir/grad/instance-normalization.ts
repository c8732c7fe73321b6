// InstanceNormalization: Y = x̂·scale[c] + B[c], x̂ normalised over the spatial axes of each sample and channel.
// dX by ./normalize-backward.ts; dscale = Σ dY·x̂ and dB = Σ dY over batch and spatial axes.
import { getFloat } from '../graph.js';
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { channelVector, reduceSum } from './helpers.js';
import { normalize, normalizeBackward } from './normalize-backward.js';

export const instanceNorm: GradRule = (c) => {
  const { e } = c;
  const x = c.x(0), g = dy0(c);
  const r = e.rank(x);
  const spatial = Array.from({ length: r - 2 }, (_, i) => i + 2);
  const n = normalize(e, x, spatial, getFloat(c.node, 'epsilon', 1e-5));
  const outer = [0, ...spatial];
  return [
    c.needs(0) ? normalizeBackward(e, n, g, channelVector(e, c.x(1), r), spatial) : undefined,
    c.needs(1) ? reduceSum(e, e.op('Mul', [g, n.xhat]), outer, false) : undefined,
    c.needs(2) ? reduceSum(e, g, outer, false) : undefined,
  ];
};
