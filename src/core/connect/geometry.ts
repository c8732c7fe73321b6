// Curves between two models (Garipov et al. 2018, "Loss Surfaces, Mode Connectivity, and Fast Ensembling of DNNs"):
// φ(t) = Σⱼ wⱼ(t)·Pⱼ over control points P₀ = A, P₁ … P_k (the trained bends), P_{k+1} = B, t ∈ [0, 1].
//   bezier     Bernstein weights of degree k+1: with one bend (1−t)²A + 2t(1−t)θ + t²B;
//   polychain  a polygonal chain through the bends placed at t = j/(k+1): two neighbours share the weight linearly.
// φ is linear in every control point, so ∂L(φ(t))/∂Pⱼ = wⱼ(t)·∇L(φ(t)): one gradient per step serves every bend.
import { combine, type ParamVector } from '../params.js';

export type CurveKind = 'bezier' | 'polychain';
export const CURVE_KINDS: readonly CurveKind[] = ['bezier', 'polychain'];

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/** Weights w₀(t) … w_{k+1}(t) of the k + 2 control points (they sum to 1, and are ≥ 0 on [0, 1]). */
export function controlWeights(kind: CurveKind, bends: number, t: number): number[] {
  if (!Number.isInteger(bends) || bends < 1) throw new RangeError(`a curve needs at least one bend, got ${bends}`);
  if (!(t >= 0 && t <= 1)) throw new RangeError(`t must lie in [0, 1], got ${t}`);
  const n = bends + 1;
  if (kind === 'bezier') return Array.from({ length: n + 1 }, (_, j) => binomial(n, j) * t ** j * (1 - t) ** (n - j));
  if (kind !== 'polychain') throw new RangeError(`unknown curve '${String(kind)}'; use ${CURVE_KINDS.join(' or ')}`);
  const w = new Array<number>(n + 1).fill(0);
  const seg = Math.min(Math.floor(t * n), n - 1);
  const s = t * n - seg;
  w[seg] = 1 - s;
  w[seg + 1] = s;
  return w;
}

/** The point φ(t) of the curve with control points [A, bends…, B] (float64 per element, rounded once). */
export function curvePoint(kind: CurveKind, controls: readonly ParamVector[], t: number): ParamVector {
  const w = controlWeights(kind, controls.length - 2, t);
  const [first, ...rest] = controls;
  const base = { layout: first!.layout, data: new Float32Array(first!.data.length) };
  return combine(base, [[w[0]!, first!], ...rest.map((p, j) => [w[j + 1]!, p] as const)]);
}

/** The straight line (1 − t)·A + t·B. */
export function linePoint(a: ParamVector, b: ParamVector, t: number): ParamVector {
  return combine({ layout: a.layout, data: new Float32Array(a.data.length) }, [[1 - t, a], [t, b]]);
}

/**
 * Bends before training, on the segment A–B as Garipov et al. start them: bend j at s = j/(k+1) of the way.
 * For a Bézier curve with bends so placed, φ(t) is exactly the line: training starts from the line's loss.
 */
export function initialBends(a: ParamVector, b: ParamVector, bends: number): ParamVector[] {
  return Array.from({ length: bends }, (_, j) => linePoint(a, b, (j + 1) / (bends + 1)));
}

/** t₀ = 0 … t_{n−1} = 1, evenly spaced. */
export function tGrid(points: number): number[] {
  if (!Number.isInteger(points) || points < 2) throw new RangeError(`a curve is evaluated at ≥ 2 points of t, got ${points}`);
  return Array.from({ length: points }, (_, i) => (i === points - 1 ? 1 : i / (points - 1)));
}
