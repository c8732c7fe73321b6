// LayerNormalization (opset 17): Y = x̂·Scale + B over the axes from `axis` on. dX by ./normalize-backward.ts;
// dScale = Σ dY·x̂ and dB = Σ dY over the leading (and broadcast) axes. The optional Mean and InvStdDev outputs
// (unused in PyTorch's exports, present in ONNX's tests) add dMean/n and dInvStdDev·(−r³)·(X − μ)/n to dX.
import { attr, getFloat, getInt } from '../graph.js';
import { layerNormAxes } from '../shapes/normalization.js';
import type { GradRule } from './types.js';
import { countRatio, sumTo } from './helpers.js';
import { normalize, normalizeBackward } from './normalize-backward.js';

export const layerNorm: GradRule = (c) => {
  const { e } = c;
  const x = c.x(0), scale = c.x(1), g = c.dy(0);
  // Mean and InvStdDev have the stash type (float32 by default): their gradients are cast to X's type.
  const like = (d: string | undefined) => (d && e.dtype(d) !== e.dtype(x) ? e.op('Cast', [d], { to: attr.int(e.dtype(x) === 'float64' ? 11 : 1) }) : d);
  const dMean = like(c.dy(1)), dInvStd = like(c.dy(2));
  const axes = layerNormAxes(getInt(c.node, 'axis', -1), e.rank(x));
  const n = normalize(e, x, axes, getFloat(c.node, 'epsilon', 1e-5));
  let dx: string | undefined;
  if (c.needs(0)) {
    const parts = g ? [normalizeBackward(e, n, g, scale, axes)] : [];
    const count = dMean || dInvStd ? countRatio(e, x, n.invStd, x) : '';
    if (dMean) parts.push(e.op('Div', [dMean, count]));
    if (dInvStd) {
      const cube = e.op('Mul', [n.invStd, e.op('Mul', [n.invStd, n.invStd])]);
      parts.push(e.op('Mul', [e.op('Div', [e.op('Mul', [dInvStd, e.op('Neg', [cube])]), count]), n.centered]));
    }
    dx = parts.length > 1 ? e.op('Sum', parts) : parts[0];
  }
  return [
    dx,
    c.needs(1) && g ? sumTo(e, e.op('Mul', [g, n.xhat]), scale) : undefined,
    c.needs(2) && g ? sumTo(e, g, c.x(2)) : undefined,
  ];
};
