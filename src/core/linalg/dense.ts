// Small dense float64 matrices: the reference operators the curvature algorithms are tested on
// (a Hessian is never formed densely outside tests and tiny models).

import type { Rng } from '../rng.js';
import { gaussianVector } from './random.js';
import { orthonormalise, type Vec } from './vector.js';

/** Row-major matrix: entry (i, j) is data[i * cols + j]. */
export interface DenseMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function denseMatrix(rows: number, cols: number, data?: ArrayLike<number>): DenseMatrix {
  if (data !== undefined && data.length !== rows * cols) {
    throw new Error(`denseMatrix: ${rows}×${cols} needs ${rows * cols} entries, got ${data.length}`);
  }
  return { rows, cols, data: data === undefined ? new Float64Array(rows * cols) : Float64Array.from(data) };
}

/** M v as a new vector. */
export function denseMatvec(m: DenseMatrix, v: ArrayLike<number>): Vec {
  if (v.length !== m.cols) {
    throw new Error(`denseMatvec: matrix is ${m.rows}×${m.cols}, vector has ${v.length} entries`);
  }
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    const row = i * m.cols;
    for (let j = 0; j < m.cols; j++) s += m.data[row + j]! * v[j]!;
    out[i] = s;
  }
  return out;
}

/** True when M equals its transpose exactly. */
export function isSymmetric(m: DenseMatrix): boolean {
  if (m.rows !== m.cols) return false;
  for (let i = 0; i < m.rows; i++) {
    for (let j = i + 1; j < m.cols; j++) {
      if (m.data[i * m.cols + j] !== m.data[j * m.cols + i]) return false;
    }
  }
  return true;
}

/** Columns of a random orthogonal n×n matrix: the Q of a QR factorisation of a Gaussian matrix. */
export function randomOrthogonalColumns(n: number, rng: Rng): Vec[] {
  for (let attempt = 0; attempt < 3; attempt++) {
    const columns = orthonormalise(Array.from({ length: n }, () => gaussianVector(rng, n)));
    if (columns.length === n) return columns;
  }
  throw new Error(`randomOrthogonalColumns: Gaussian ${n}×${n} matrix was rank deficient three times`);
}

/**
 * A = Q diag(λ) Qᵀ with a random orthogonal Q: a symmetric matrix whose spectrum is known exactly.
 * The result is symmetrised entry by entry so that it is self-adjoint to the last bit.
 */
export function symmetricWithSpectrum(
  eigenvalues: ArrayLike<number>,
  rng: Rng,
): { matrix: DenseMatrix; eigenvectors: Vec[] } {
  const n = eigenvalues.length;
  const q = randomOrthogonalColumns(n, rng);
  const matrix = denseMatrix(n, n);
  const a = matrix.data;
  // Upper triangle of Σ_k λ_k q_k q_kᵀ, rows accumulated with contiguous inner loops; then mirrored.
  for (let k = 0; k < n; k++) {
    const qk = q[k]!, lambda = eigenvalues[k]!;
    for (let i = 0; i < n; i++) {
      const c = lambda * qk[i]!, row = i * n;
      for (let j = i; j < n; j++) a[row + j]! += c * qk[j]!;
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[j * n + i] = a[i * n + j]!;
  return { matrix, eigenvectors: q };
}
