// The second-order explanation of a curve's shape: L(θ + λε) ≈ L(θ) + λ gᵀε + ½ λ² εᵀHε, with g and H of the same
// mean loss the curve measures (BN in eval mode), and how far the measured curve departs from it as |λ| grows.
import type { ModelHessian } from '../hessian/model-operator.js';
import { dot } from '../linalg/vector.js';
import type { ParamVector } from '../params.js';

export interface SecondOrderTerms {
  /** L(θ) and accuracy at θ, from the same pass as the products. */
  loss: number;
  accuracy: number;
  /** gᵀε: the slope of the curve at λ = 0. */
  slope: number;
  /** εᵀHε: the curvature of the curve at λ = 0. */
  curvature: number;
  /** ‖ε‖² (on the operator's coordinates). */
  directionNorm2: number;
  /** ‖g‖ (on the operator's coordinates). */
  gradientNorm: number;
}

/** gᵀε and εᵀHε from one pass over the data (exact method: one ORT run per batch). */
export async function secondOrderTerms(op: ModelHessian, direction: ParamVector): Promise<SecondOrderTerms> {
  const v = op.project(direction);
  const outside = direction.data.length - v.length;
  if (outside > 0) {
    let lost = 0;
    for (const x of direction.data) lost += x * x;
    lost -= dot(v, v);
    if (lost > 1e-12 * Math.max(1, dot(v, v))) throw new Error(`the direction has components outside the analysed parameters (${op.subset.pattern}); restrict the direction too or analyse all parameters`);
  }
  const r = await op.productWithGradient(v);
  return {
    loss: r.loss, accuracy: r.accuracy,
    slope: dot(r.gradient, v), curvature: dot(r.hv, v),
    directionNorm2: dot(v, v), gradientNorm: Math.sqrt(dot(r.gradient, r.gradient)),
  };
}

/** L0 + λ gᵀε + ½ λ² εᵀHε at each λ. */
export function predictCurve(t: Pick<SecondOrderTerms, 'loss' | 'slope' | 'curvature'>, lambdas: readonly number[]): number[] {
  return lambdas.map((l) => t.loss + l * t.slope + 0.5 * l * l * t.curvature);
}

export interface PredictionComparison {
  lambdas: number[];
  measured: number[];
  predicted: number[];
  /** |predicted − measured| / |measured| per λ. */
  relativeError: number[];
  /**
   * For each distinct |λ| > 0 (ascending), over the points with |λ'| ≤ |λ|: the largest relative error, and the largest
   * |predicted − measured| as a fraction of the largest measured change |L(λ') − L0| (how much of the curve's shape
   * the expansion misses; a per-point ratio would blow up where the curve crosses L0).
   */
  byRadius: { radius: number; maxRelativeError: number; maxChangeError: number }[];
}

export function comparePrediction(t: Pick<SecondOrderTerms, 'loss' | 'slope' | 'curvature'>, lambdas: readonly number[], measured: readonly number[]): PredictionComparison {
  if (lambdas.length !== measured.length) throw new Error(`${lambdas.length} λ values but ${measured.length} measured losses`);
  const predicted = predictCurve(t, lambdas);
  const relativeError = predicted.map((p, i) => Math.abs(p - measured[i]!) / Math.abs(measured[i]!));
  const radii = [...new Set(lambdas.map(Math.abs).filter((r) => r > 0))].sort((a, b) => a - b);
  const byRadius = radii.map((radius) => {
    let maxRelativeError = 0, maxMiss = 0, maxChange = 0;
    lambdas.forEach((l, i) => {
      if (Math.abs(l) > radius) return;
      maxRelativeError = Math.max(maxRelativeError, relativeError[i]!);
      maxMiss = Math.max(maxMiss, Math.abs(predicted[i]! - measured[i]!));
      maxChange = Math.max(maxChange, Math.abs(measured[i]! - t.loss));
    });
    return { radius, maxRelativeError, maxChangeError: maxChange > 0 ? maxMiss / maxChange : NaN };
  });
  return { lambdas: [...lambdas], measured: [...measured], predicted, relativeError, byRadius };
}

/** The largest relative error of the prediction over |λ| ≤ radius (0 when no point lies there). */
export function maxRelativeErrorWithin(c: PredictionComparison, radius: number): number {
  let worst = 0;
  c.lambdas.forEach((l, i) => { if (Math.abs(l) <= radius) worst = Math.max(worst, c.relativeError[i]!); });
  return worst;
}
