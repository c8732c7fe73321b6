// Gemm: Y = α·op(A)·op(B) + β·C. Input gradients are Gemms again, with the transpose flags chosen so that no
// Transpose node is needed: dA = α·dY·op(B)ᵀ (or its transpose), dB = α·op(A)ᵀ·dY (or its transpose), dC = β·Σ dY.
import { attr, getFloat, getInt } from '../graph.js';
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { sumTo } from './helpers.js';

export const gemm: GradRule = (c) => {
  const { e } = c;
  const a = c.x(0), b = c.x(1), g = dy0(c);
  const alpha = getFloat(c.node, 'alpha', 1), beta = getFloat(c.node, 'beta', 1);
  const tA = getInt(c.node, 'transA', 0), tB = getInt(c.node, 'transB', 0);
  const gemmOf = (p: string, q: string, transA: number, transB: number) =>
    e.op('Gemm', [p, q], { alpha: attr.float(alpha), transA: attr.int(transA), transB: attr.int(transB) });
  const out: (string | undefined)[] = [];
  if (c.needs(0)) out[0] = tA ? gemmOf(b, g, tB, 1) : gemmOf(g, b, 0, tB ? 0 : 1);
  if (c.needs(1)) out[1] = tB ? gemmOf(g, a, 1, tA) : gemmOf(a, g, tA ? 0 : 1, 0);
  if (c.needs(2)) {
    const gc = sumTo(e, g, c.x(2));
    out[2] = beta === 1 ? gc : e.op('Mul', [gc, e.scalar(beta, gc)]);
  }
  return out;
};
