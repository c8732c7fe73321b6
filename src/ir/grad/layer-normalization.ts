// LayerNormalization (opset 17): Y = x̂·Scale + B over the axes from `axis` on. dX by ./normalize-backward.ts;
// dScale = Σ dY·x̂ and dB = Σ dY over the leading (and broadcast) axes. Mean and InvStdDev outputs are not
// differentiated (PyTorch's exports leave them unused).
import { getFloat, getInt } from '../graph.js';
import { layerNormAxes } from '../shapes/normalization.js';
import type { GradRule } from './types.js';
import { dy0, where } from './types.js';
import { sumTo } from './helpers.js';
import { normalize, normalizeBackward } from './normalize-backward.js';

export const layerNorm: GradRule = (c) => {
  const { e } = c;
  if (c.dy(1) || c.dy(2)) throw new Error(`${where(c)}: the Mean and InvStdDev outputs have no gradient rule; only Y is differentiated`);
  const x = c.x(0), scale = c.x(1), g = dy0(c);
  const axes = layerNormAxes(getInt(c.node, 'axis', -1), e.rank(x));
  const n = normalize(e, x, axes, getFloat(c.node, 'epsilon', 1e-5));
  return [
    c.needs(0) ? normalizeBackward(e, n, g, scale, axes) : undefined,
    c.needs(1) ? sumTo(e, e.op('Mul', [g, n.xhat]), scale) : undefined,
    c.needs(2) ? sumTo(e, g, c.x(2)) : undefined,
  ];
};
