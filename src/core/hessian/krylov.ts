// The Lanczos process with full re-orthogonalisation: builds an orthonormal basis Q of the Krylov
// space span{q, Aq, A²q, …} and the tridiagonal T = QᵀAQ. Shared by the eigen-solver (lanczos.ts)
// and stochastic Lanczos quadrature (slq.ts).
//
// Full re-orthogonalisation (every new vector against every earlier one, twice) costs O(m²n) flops
// and m stored vectors, but removes the ghost copies of converged eigenvalues that plain three-term
// Lanczos produces in floating point. With Hessian products costing a forward and backward pass,
// the extra vector arithmetic is cheap by comparison.

import { axpyInPlace, dot, normaliseInPlace, norm, orthogonaliseInPlace, scaleInPlace, type Vec } from '../linalg/vector.js';
import { checkVectorLength, type LinearOperator } from './operator.js';

export interface LanczosProcessOptions {
  /** Largest Krylov dimension to build. */
  steps: number;
  /** Starting vector (copied, orthogonalised against `deflate`, normalised). */
  start: ArrayLike<number>;
  /** Orthonormal vectors the basis must stay orthogonal to (locked eigenvectors). */
  deflate?: readonly Vec[];
  /**
   * β_j ≤ breakdownTolerance × (largest |α|, β seen) means the Krylov space is invariant:
   * T's eigenvalues are then exact eigenvalues of the (deflated) operator. Default 1e-12.
   */
  breakdownTolerance?: number;
  /**
   * Called after step m with views of α[0..m) and β[0..m) (β[m−1] couples to the next vector);
   * return true to stop early.
   */
  onStep?: (m: number, alpha: Float64Array, beta: Float64Array) => boolean;
}

export interface LanczosDecomposition {
  /** Orthonormal Krylov basis q_0 … q_{m−1}. */
  basis: Vec[];
  /** Diagonal of T (length m). */
  alpha: Float64Array;
  /** beta[0..m−2] is T's off-diagonal; beta[m−1] is the norm of the residual A q_{m−1} − … . */
  beta: Float64Array;
  /** True when the process stopped because the Krylov space became invariant (β ≈ 0). */
  invariant: boolean;
  matvecs: number;
}

export async function lanczosProcess(op: LinearOperator, options: LanczosProcessOptions): Promise<LanczosDecomposition> {
  checkVectorLength(op, options.start, 'lanczosProcess start vector');
  const deflate = options.deflate ?? [];
  const steps = Math.min(options.steps, op.size - deflate.length);
  if (!(steps >= 1)) {
    throw new Error(`lanczosProcess: needs at least one step, got steps=${options.steps} with ${deflate.length} of ${op.size} dimensions deflated`);
  }
  const breakdownTolerance = options.breakdownTolerance ?? 1e-12;
  const q = orthogonaliseInPlace(Float64Array.from(options.start), deflate);
  normaliseInPlace(q);
  const basis: Vec[] = [q];
  const alpha = new Float64Array(steps);
  const beta = new Float64Array(steps);
  let scale = 0;
  let m = 0;
  let invariant = false;
  while (m < steps) {
    const current = basis[m]!;
    const w = Float64Array.from(await op.matvec(current));
    alpha[m] = dot(current, w);
    axpyInPlace(-alpha[m]!, current, w);
    if (m > 0) axpyInPlace(-beta[m - 1]!, basis[m - 1]!, w);
    orthogonaliseInPlace(orthogonaliseInPlace(w, deflate), basis);
    beta[m] = norm(w);
    scale = Math.max(scale, Math.abs(alpha[m]!), beta[m]!);
    m++;
    invariant = beta[m - 1]! <= breakdownTolerance * scale;
    const stop = options.onStep?.(m, alpha.subarray(0, m), beta.subarray(0, m)) ?? false;
    if (stop || invariant || m === steps) break;
    basis.push(scaleInPlace(w, 1 / beta[m - 1]!));
  }
  return { basis, alpha: alpha.slice(0, m), beta: beta.slice(0, m), invariant, matvecs: m };
}
