// Extreme eigenpairs of a self-adjoint operator by Lanczos with full re-orthogonalisation, locking
// and deflated restarts.
//
// In exact arithmetic one Krylov space holds a single copy of each distinct eigenvalue, so a
// repeated eigenvalue is found once; in floating point further copies emerge from amplified
// rounding only after extra iterations, if at all. So after the first run converges its Ritz
// vectors are locked and Lanczos restarts from a fresh random vector orthogonal to them. A
// verification run gets as many steps as the first run needed: a missed copy of an eigenvalue
// ≥ λ_k sits at the top of the deflated spectrum and would show up at least as fast as λ_k did.
// If its leading Ritz value stays below λ_k the search ends; if it finds new eigenvalues, another
// run follows (at most maxRestarts). Without repeats the price is that one verification run.

import type { Rng } from '../rng.js';
import { gaussianVector } from '../linalg/random.js';
import { axpy, axpyInPlace, norm, type Vec } from '../linalg/vector.js';
import { lanczosProcess } from './krylov.js';
import { requireSelfAdjoint, scaleOperator, type LinearOperator } from './operator.js';
import type { ProgressCallback } from './progress.js';
import { tridiagonalEigen, tridiagonalEigenRows } from './tridiagonal.js';

export interface LanczosOptions {
  /** Number of eigenpairs wanted. */
  k: number;
  /** 'largest' (algebraic, default) or 'smallest' (most negative). */
  which?: 'largest' | 'smallest';
  /** Largest Krylov dimension of one run (stored vectors); default min(n, max(80, 2k + 40)). */
  maxIter?: number;
  /** A Ritz pair is converged when ‖Av − θv‖ ≤ tol × ‖A‖ (‖A‖ estimated by the largest |Ritz value|). Default 1e-6. */
  tol?: number;
  /** Deflated restarts allowed for finding further copies of repeated eigenvalues; 0 = one plain run. Default k. */
  maxRestarts?: number;
  rng: Rng;
  progress?: ProgressCallback;
}

export interface LanczosResult {
  /** Largest first for 'largest', most negative first for 'smallest'. */
  eigenvalues: Float64Array;
  /** Unit eigenvectors, eigenvectors[i] for eigenvalues[i]. */
  eigenvectors: Float64Array[];
  /**
   * Lanczos estimates |β s_m| of ‖Av − λv‖: exact for an exact operator, but blind to noise in the
   * products (float32 Hessian-vector products); `residualNorms` measures them at k extra matvecs.
   */
  residuals: Float64Array;
  /** True when every returned pair met the tolerance. */
  converged: boolean;
  matvecs: number;
  /** Lanczos runs made (1 + restarts). */
  runs: number;
}

interface Pair { value: number; vector: Vec; residual: number; converged: boolean }

interface RunOutcome { candidates: Pair[]; finished: boolean; scale: number; matvecs: number }

/** One Lanczos run on A deflated by `locked`, for eigenvalues of −∞…∞ ranked from the top. */
async function run(
  op: LinearOperator,
  locked: readonly Pair[],
  threshold: number,
  k: number,
  maxIter: number,
  tol: number,
  knownScale: number,
  verifySteps: number | undefined,
  rng: Rng,
  report: (steps: number, top: number) => void,
): Promise<RunOutcome> {
  let scale = knownScale;
  let finished = false;
  let usefulCount = 0;
  const decomposition = await lanczosProcess(op, {
    steps: maxIter,
    start: gaussianVector(rng, op.size),
    deflate: locked.map((p) => p.vector),
    onStep: (m, alpha, beta) => {
      const { values, rows } = tridiagonalEigenRows(alpha, beta.subarray(0, m - 1), [m - 1]);
      scale = Math.max(scale, Math.abs(values[0]!), Math.abs(values[m - 1]!));
      report(m, values[m - 1]!);
      const verified = verifySteps !== undefined && m >= verifySteps;
      // Walk down from the top Ritz value: all must converge until k are found, or until one falls
      // below the k-th locked eigenvalue for good — converged there, or still there after the
      // verification budget (Ritz values only rise, but a missed copy would have risen by now).
      usefulCount = 0;
      for (let i = m - 1; i >= 0 && m - 1 - i < k; i--) {
        const converged = Math.abs(beta[m - 1]! * rows[0]![i]!) <= tol * scale;
        if (values[i]! < threshold - tol * scale && (converged || verified)) { finished = true; return true; }
        if (!converged) return false;
        usefulCount++;
      }
      finished = usefulCount === k;
      return finished;
    },
  });
  const m = decomposition.alpha.length;
  const offDiagonal = decomposition.beta.subarray(0, m - 1);
  const { values, vectors } = tridiagonalEigen(decomposition.alpha, offDiagonal);
  if (decomposition.invariant) finished = true;
  const candidates: Pair[] = [];
  for (let i = m - 1; i >= 0 && m - 1 - i < k; i--) {
    const residual = decomposition.invariant ? 0 : Math.abs(decomposition.beta[m - 1]! * vectors[i]![m - 1]!);
    const converged = residual <= tol * scale;
    if (finished && (!converged || values[i]! < threshold - tol * scale)) break;
    // Ritz vector y = Q s.
    const y = new Float64Array(op.size);
    for (let j = 0; j < m; j++) axpyInPlace(vectors[i]![j]!, decomposition.basis[j]!, y);
    candidates.push({ value: values[i]!, vector: y, residual, converged });
  }
  return { candidates, finished, scale, matvecs: decomposition.matvecs };
}

export async function lanczos(op: LinearOperator, options: LanczosOptions): Promise<LanczosResult> {
  requireSelfAdjoint(op, 'lanczos');
  const n = op.size;
  const { k, rng } = options;
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new Error(`lanczos: k must be an integer in 1..${n} (the operator size), got ${k}`);
  }
  const which = options.which ?? 'largest';
  if (which !== 'largest' && which !== 'smallest') {
    throw new Error(`lanczos: which must be 'largest' or 'smallest', got '${String(which)}'`);
  }
  const sign = which === 'largest' ? 1 : -1;
  // Always solve for the largest eigenvalues; 'smallest' negates the operator and the answers.
  const signed = sign === 1 ? op : scaleOperator(op, -1);
  const maxIter = Math.min(n, options.maxIter ?? Math.max(80, 2 * k + 40));
  const tol = options.tol ?? 1e-6;
  const maxRestarts = options.maxRestarts ?? k;
  if (!(maxIter >= 1)) throw new Error(`lanczos: maxIter must be at least 1, got ${options.maxIter}`);

  const locked: Pair[] = [];
  let matvecs = 0;
  let runs = 0;
  let scale = 0;
  let allConverged = true;
  let verifySteps: number | undefined;
  for (;;) {
    const sorted = [...locked].sort((a, b) => b.value - a.value);
    const threshold = sorted.length >= k ? sorted[k - 1]!.value : -Infinity;
    const stepsBefore = matvecs;
    const outcome = await run(signed, locked, threshold, k, maxIter, tol, scale, verifySteps, rng, (steps, top) => {
      options.progress?.({ iteration: stepsBefore + steps, estimate: sign * top });
    });
    runs++;
    verifySteps ??= outcome.matvecs;
    scale = outcome.scale;
    matvecs += outcome.matvecs;
    const before = locked.length;
    locked.push(...outcome.candidates);
    if (!outcome.finished) { allConverged = false; break; }
    const foundNew = locked.length > before;
    if (!foundNew || runs > maxRestarts || locked.length >= n) break;
  }
  const best = locked.sort((a, b) => b.value - a.value).slice(0, k);
  return {
    eigenvalues: Float64Array.from(best, (p) => sign * p.value),
    eigenvectors: best.map((p) => p.vector),
    residuals: Float64Array.from(best, (p) => p.residual),
    converged: allConverged && best.length === k && best.every((p) => p.converged),
    matvecs,
    runs,
  };
}

/** True residuals ‖A vᵢ − λᵢ vᵢ‖, one matvec each: the honest check when products are noisy. */
export async function residualNorms(
  op: LinearOperator,
  eigenvalues: ArrayLike<number>,
  eigenvectors: readonly Float64Array[],
): Promise<Float64Array> {
  if (eigenvalues.length !== eigenvectors.length) {
    throw new Error(`residualNorms: ${eigenvalues.length} eigenvalues but ${eigenvectors.length} eigenvectors`);
  }
  const out = new Float64Array(eigenvalues.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = norm(axpy(-eigenvalues[i]!, eigenvectors[i]!, await op.matvec(eigenvectors[i]!)));
  }
  return out;
}
