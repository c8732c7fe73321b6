// The backward pass shared by LayerNormalization and InstanceNormalization, recomputed in primitives (the forward
// node stays fused for ORT): with x̂ = (X − μ)·r, r = 1/√(σ² + ε) over `axes` and ĝ = dY·γ,
//   dX = r · (ĝ − mean(ĝ) − x̂ · mean(ĝ·x̂)).
// Every emitted op has a rule, so the result can be differentiated again. ReduceMean takes axes as an attribute:
// imported graphs are normalised to opset ≤ 17 first (../import/opset.ts).
import { attr } from '../graph.js';
import type { Emitter } from './emitter.js';

export function mean(e: Emitter, x: string, axes: number[]): string {
  return e.op('ReduceMean', [x], { axes: attr.ints(axes), keepdims: attr.int(1) });
}

export interface Normalized {
  /** X − μ, like X. */
  centered: string;
  /** (X − μ)·r, like X. */
  xhat: string;
  /** 1/√(σ² + ε), reduced axes kept as 1s. */
  invStd: string;
}

export function normalize(e: Emitter, x: string, axes: number[], epsilon: number): Normalized {
  const centered = e.op('Sub', [x, mean(e, x, axes)]);
  const variance = mean(e, e.op('Mul', [centered, centered]), axes);
  const invStd = e.op('Reciprocal', [e.op('Sqrt', [e.op('Add', [variance, e.scalar(epsilon, x)])])]);
  return { centered, xhat: e.op('Mul', [centered, invStd]), invStd };
}

/** dX for dY and the scale γ broadcast to X's shape (or undefined for γ = 1). */
export function normalizeBackward(e: Emitter, n: Normalized, dy: string, gamma: string | undefined, axes: number[]): string {
  const gh = gamma ? e.op('Mul', [dy, gamma]) : dy;
  const inner = e.op('Sub', [e.op('Sub', [gh, mean(e, gh, axes)]), e.op('Mul', [n.xhat, mean(e, e.op('Mul', [gh, n.xhat]), axes)])]);
  return e.op('Mul', [n.invStd, inner]);
}
