// Hutch++ (Meyer, Musco, Musco & Woodruff, "Hutch++: Optimal Stochastic Trace Estimation", SOSA 2021).
// Spend a third of the products on a sketch AS whose range Q captures the top eigenspace, take that
// part's trace exactly as tr(QᵀAQ), and run Hutchinson only on the deflated rest (I−QQᵀ)A(I−QQᵀ).
// When the spectrum is dominated by a few large eigenvalues — as Hessians are — the residual has
// a much smaller Frobenius norm, so the error falls like 1/m instead of 1/√m.

import type { Rng } from '../rng.js';
import { gaussianVector, rademacherVector } from '../linalg/random.js';
import { dot, meanAndStderr, orthogonaliseInPlace, orthonormalise, type Vec } from '../linalg/vector.js';
import type { TraceEstimate } from './hutchinson.js';
import { matvecAll, requireSelfAdjoint, type LinearOperator } from './operator.js';
import type { ProgressCallback } from './progress.js';

export interface HutchppOptions {
  /** Total matrix–vector products (≥ 6): ⌊m/3⌋ for the sketch, up to as many for its trace, the rest for probes. */
  matvecs: number;
  rng: Rng;
  progress?: ProgressCallback;
}

export interface HutchppResult extends TraceEstimate {
  /** tr(QᵀAQ): the exact trace on the sketched subspace. */
  lowRankTrace: number;
  /** Hutchinson estimate of tr((I−QQᵀ)A(I−QQᵀ)); `stderr` is its standard error (the low-rank part has none). */
  residualTrace: number;
  /** Columns of Q (the sketch size, less any dependent columns dropped). */
  sketchRank: number;
}

export async function hutchppTrace(op: LinearOperator, options: HutchppOptions): Promise<HutchppResult> {
  requireSelfAdjoint(op, 'hutchppTrace');
  const { matvecs: budget, rng } = options;
  if (!Number.isInteger(budget) || budget < 6) {
    throw new Error(`hutchppTrace: matvecs must be an integer ≥ 6 (sketch, its trace, ≥ 2 probes), got ${budget}`);
  }
  const n = op.size;
  let used = 0;
  const report = (estimate: number) => options.progress?.({ iteration: used, total: budget, estimate });

  // Sketch: Q = orth(A S) with Gaussian S of ⌊m/3⌋ columns (at most n). Gaussian rather than
  // Rademacher because a small ±1 matrix is singular with noticeable probability.
  const sketchSize = Math.min(Math.floor(budget / 3), n);
  const sketch: Vec[] = (await matvecAll(op, Array.from({ length: sketchSize }, () => gaussianVector(rng, n)))).map((v) => Float64Array.from(v));
  for (let i = 0; i < sketchSize; i++) { used++; report(NaN); }
  const q = orthonormalise(sketch);

  // Exact trace on range(Q).
  let lowRankTrace = 0;
  const images = await matvecAll(op, q);
  q.forEach((column, k) => { lowRankTrace += dot(column, images[k]!); used++; report(lowRankTrace); });

  // Hutchinson on the complement with every remaining product (dropped sketch columns included).
  const probes = budget - used;
  const ps = Array.from({ length: probes }, () => orthogonaliseInPlace(rademacherVector(rng, n), q));
  const values = Float64Array.from(await matvecAll(op, ps), (image, i) => dot(ps[i]!, image));
  let running = 0;
  values.forEach((v, i) => { running += v; used++; report(lowRankTrace + running / (i + 1)); });
  const { mean, stderr } = probes >= 2 ? meanAndStderr(values) : { mean: 0, stderr: 0 };
  return {
    estimate: lowRankTrace + mean,
    stderr,
    samples: probes,
    matvecs: used,
    lowRankTrace,
    residualTrace: mean,
    sketchRank: q.length,
  };
}
