// Eigen-decomposition of a small dense symmetric matrix by cyclic Jacobi rotations, in float64.
// Used for the n_ckpt × n_ckpt Gram matrix of a training trajectory (n is tens to a few hundred): Jacobi is short,
// unconditionally stable and accurate for small eigenvalues too, and needs no library.

export interface SymmetricEigen {
  /** Eigenvalues in descending order. */
  values: Float64Array;
  /** vectors[k] is the unit eigenvector of values[k]. */
  vectors: Float64Array[];
  sweeps: number;
}

export interface JacobiOptions {
  /** Stop when the off-diagonal Frobenius norm is below tolerance · ‖A‖_F. */
  tolerance?: number;
  maxSweeps?: number;
}

/** `a` is row-major n×n and must be symmetric; it is not modified. */
export function symmetricEigen(a: Float64Array, n: number, options: JacobiOptions = {}): SymmetricEigen {
  const { tolerance = 1e-15, maxSweeps = 60 } = options;
  if (a.length !== n * n) throw new Error(`symmetricEigen: matrix has ${a.length} entries, expected ${n}×${n} = ${n * n}`);
  const A = Float64Array.from(a);
  let frob2 = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = A[i * n + j]!, y = A[j * n + i]!;
      if (!Number.isFinite(x)) throw new Error(`symmetricEigen: entry (${i}, ${j}) is ${x}`);
      if (Math.abs(x - y) > 1e-12 * (Math.abs(x) + Math.abs(y))) throw new Error(`symmetricEigen: matrix is not symmetric at (${i}, ${j}): ${x} vs ${y}`);
      frob2 += x * x;
    }
  }
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;

  let sweeps = 0;
  for (; ; sweeps++) {
    let off2 = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off2 += 2 * A[p * n + q]! ** 2;
    if (off2 <= tolerance * tolerance * frob2) break;
    if (sweeps >= maxSweeps) throw new Error(`symmetricEigen: no convergence after ${maxSweeps} sweeps (off-diagonal norm ${Math.sqrt(off2)})`);
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) rotate(A, V, n, p, q);
    }
  }

  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => A[j * n + j]! - A[i * n + i]!);
  return {
    values: Float64Array.from(order, (i) => A[i * n + i]!),
    vectors: order.map((k) => Float64Array.from({ length: n }, (_, i) => V[i * n + k]!)),
    sweeps,
  };
}

/** A ← Jᵀ A J with the rotation J in the (p, q) plane that zeroes A[p][q]; V ← V J. */
function rotate(A: Float64Array, V: Float64Array, n: number, p: number, q: number): void {
  const apq = A[p * n + q]!;
  if (apq === 0) return;
  const theta = (A[q * n + q]! - A[p * n + p]!) / (2 * apq);
  const t = Math.abs(theta) > 1e150 ? 1 / (2 * theta) : Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1), s = t * c;
  for (let k = 0; k < n; k++) {
    const akp = A[k * n + p]!, akq = A[k * n + q]!;
    A[k * n + p] = c * akp - s * akq;
    A[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = A[p * n + k]!, aqk = A[q * n + k]!;
    A[p * n + k] = c * apk - s * aqk;
    A[q * n + k] = s * apk + c * aqk;
  }
  A[p * n + q] = 0;
  A[q * n + p] = 0;
  for (let k = 0; k < n; k++) {
    const vkp = V[k * n + p]!, vkq = V[k * n + q]!;
    V[k * n + p] = c * vkp - s * vkq;
    V[k * n + q] = s * vkp + c * vkq;
  }
}
