// Deflated power iteration: the simple cross-check for Lanczos (PyHessian's method). Each
// eigenpair is iterated from a random start kept orthogonal to the ones already found.
//
// Power iteration converges to the eigenvalue of largest MAGNITUDE. To get the algebraically
// largest or the smallest (most negative) one, it runs on a shifted operator whose spectrum is
// non-negative: A + σI for 'largest', σI − A for 'smallest', with σ ≈ ‖A‖ from a first
// magnitude run (or given). The shift shrinks the relative gap, so expect slower convergence:
// the error falls like (λ₂ + σ)/(λ₁ + σ) per step instead of |λ₂/λ₁|.

import type { Rng } from '../rng.js';
import { gaussianVector } from '../linalg/random.js';
import { axpy, dot, norm, normaliseInPlace, orthogonaliseInPlace, type Vec } from '../linalg/vector.js';
import { requireSelfAdjoint, scaleOperator, shiftOperator, type LinearOperator } from './operator.js';
import type { ProgressCallback } from './progress.js';

export interface PowerIterationOptions {
  /** Number of eigenpairs (default 1). */
  k?: number;
  /** 'largest' (algebraic, default), 'smallest' (most negative) or 'magnitude' (largest |λ|). */
  which?: 'largest' | 'smallest' | 'magnitude';
  /** σ for the shifted operator; default |λ| of a magnitude power run (its matvecs are counted). */
  shift?: number;
  /** Iterations allowed per eigenpair (default 1000). */
  maxIter?: number;
  /** Converged when ‖Av − θv‖ ≤ tol × ‖A‖ (‖A‖ estimated by σ or the largest |θ|). Default 1e-6. */
  tol?: number;
  rng: Rng;
  progress?: ProgressCallback;
}

export interface PowerIterationResult {
  /** In the order found: descending for 'largest', ascending for 'smallest', by |λ| for 'magnitude'. */
  eigenvalues: Float64Array;
  eigenvectors: Float64Array[];
  /** ‖Av − λv‖ at the last iteration of each pair. */
  residuals: Float64Array;
  /** Iterations used by each pair. */
  iterations: number[];
  converged: boolean;
  /** σ used for 'largest'/'smallest' (0 for 'magnitude'). */
  shift: number;
  matvecs: number;
}

interface Found { value: number; vector: Vec; residual: number; iterations: number; converged: boolean }

/** Dominant eigenpairs (largest |θ|) of `op`, deflating each against those before it. */
async function dominantPairs(
  op: LinearOperator, k: number, maxIter: number, tol: number, knownScale: number, rng: Rng,
  report: (iteration: number, theta: number) => void,
): Promise<{ found: Found[]; matvecs: number }> {
  const found: Found[] = [];
  let matvecs = 0;
  let scale = knownScale;
  for (let pair = 0; pair < k; pair++) {
    const basis = found.map((f) => f.vector);
    let v = orthogonaliseInPlace(gaussianVector(rng, op.size), basis);
    normaliseInPlace(v);
    let theta = 0, residual = Infinity, iterations = 0;
    while (iterations < maxIter) {
      const w = await op.matvec(v);
      matvecs++;
      iterations++;
      theta = dot(v, w);
      residual = norm(axpy(-theta, v, w));
      if (knownScale === 0) scale = Math.max(scale, Math.abs(theta)); // else σ ≈ ‖A‖ is the scale
      report(matvecs, theta);
      if (residual <= tol * scale) break;
      const next = orthogonaliseInPlace(Float64Array.from(w), basis);
      if (norm(next) === 0) break; // A v lies in the span of found eigenvectors: v is in A's null space
      normaliseInPlace(next);
      v = next;
    }
    found.push({ value: theta, vector: v, residual, iterations, converged: residual <= tol * scale });
  }
  return { found, matvecs };
}

export async function powerIteration(op: LinearOperator, options: PowerIterationOptions): Promise<PowerIterationResult> {
  requireSelfAdjoint(op, 'powerIteration');
  const k = options.k ?? 1;
  if (!Number.isInteger(k) || k < 1 || k > op.size) {
    throw new Error(`powerIteration: k must be an integer in 1..${op.size} (the operator size), got ${k}`);
  }
  const which = options.which ?? 'largest';
  if (!['largest', 'smallest', 'magnitude'].includes(which)) {
    throw new Error(`powerIteration: which must be 'largest', 'smallest' or 'magnitude', got '${String(which)}'`);
  }
  const maxIter = options.maxIter ?? 1000;
  const tol = options.tol ?? 1e-6;
  let matvecs = 0;
  const progress = (iteration: number, estimate: number) =>
    options.progress?.({ iteration: matvecs + iteration, estimate });

  if (which === 'magnitude') {
    const run = await dominantPairs(op, k, maxIter, tol, 0, options.rng, progress);
    return summarise(run.found, (theta) => theta, 0, run.matvecs);
  }
  let shift = options.shift;
  if (shift === undefined) {
    const magnitude = await dominantPairs(op, 1, maxIter, tol, 0, options.rng, progress);
    matvecs += magnitude.matvecs;
    shift = Math.abs(magnitude.found[0]!.value);
  }
  const sigma = shift;
  // Both shifted operators have spectra in [0, 2σ] when σ ≥ ‖A‖.
  const shifted = which === 'largest' ? shiftOperator(op, sigma) : shiftOperator(scaleOperator(op, -1), sigma);
  const toA = which === 'largest' ? (theta: number) => theta - sigma : (theta: number) => sigma - theta;
  const run = await dominantPairs(shifted, k, maxIter, tol, sigma, options.rng, (i, theta) => progress(i, toA(theta)));
  return summarise(run.found, toA, sigma, matvecs + run.matvecs);
}

function summarise(found: Found[], toA: (theta: number) => number, shift: number, matvecs: number): PowerIterationResult {
  return {
    eigenvalues: Float64Array.from(found, (f) => toA(f.value)),
    eigenvectors: found.map((f) => f.vector),
    residuals: Float64Array.from(found, (f) => f.residual),
    iterations: found.map((f) => f.iterations),
    converged: found.every((f) => f.converged),
    shift,
    matvecs,
  };
}
