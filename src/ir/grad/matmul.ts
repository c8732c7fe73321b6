// MatMul (numpy semantics): dA = dY·Bᵀ, dB = Aᵀ·dY over the last two axes, summed back over broadcast batch axes.
// 1-D operands are lifted to matrices first, as MatMul itself does.
import { attr } from '../graph.js';
import type { Emitter } from './emitter.js';
import type { GradRule } from './types.js';
import { dy0 } from './types.js';
import { reshapeLike, sumTo, unsqueeze } from './helpers.js';

function swapLast(e: Emitter, v: string): string {
  const r = e.rank(v);
  const perm = Array.from({ length: r }, (_, i) => (i === r - 2 ? r - 1 : i === r - 1 ? r - 2 : i));
  return e.op('Transpose', [v], { perm: attr.ints(perm) });
}

export const matmul: GradRule = (c) => {
  const { e } = c;
  const a = c.x(0), b = c.x(1);
  const aVec = e.rank(a) === 1, bVec = e.rank(b) === 1;
  const a2 = aVec ? unsqueeze(e, a, [0]) : a;
  const b2 = bVec ? unsqueeze(e, b, [1]) : b;
  let g = dy0(c);
  if (aVec) g = unsqueeze(e, g, [e.rank(g) - (bVec ? 0 : 1)]);
  if (bVec) g = unsqueeze(e, g, [e.rank(g)]);
  const out: (string | undefined)[] = [];
  if (c.needs(0)) out[0] = reshapeLike(e, sumTo(e, e.op('MatMul', [g, swapLast(e, b2)]), a2), a);
  if (c.needs(1)) out[1] = reshapeLike(e, sumTo(e, e.op('MatMul', [swapLast(e, a2), g]), b2), b);
  return out;
};
