// A factor F with F·Fᵀ the nearest positive semi-definite matrix to an estimated covariance (negative eigenvalues set
// to 0): estimated covariances of shared-sample means are close to singular and can be slightly indefinite, where a
// Cholesky factor is unstable. Cyclic Jacobi rotations: plenty for the few hundred points of a curve.

/** Eigenvalues and eigenvectors (columns of `vectors`) of a symmetric matrix. */
export function symmetricEigen(m: readonly (readonly number[])[], sweeps = 60): { values: number[]; vectors: number[][] } {
  const n = m.length;
  const a = m.map((r) => [...r]);
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let s = 0; s < sweeps; s++) {
    let off = 0, total = 0;
    for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) { total += a[p]![q]! ** 2; if (p !== q) off += a[p]![q]! ** 2; }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (apq === 0) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), sn = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!, akq = a[k]![q]!;
          a[k]![p] = c * akp - sn * akq;
          a[k]![q] = sn * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!, aqk = a[q]![k]!;
          a[p]![k] = c * apk - sn * aqk;
          a[q]![k] = sn * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!, vkq = v[k]![q]!;
          v[k]![p] = c * vkp - sn * vkq;
          v[k]![q] = sn * vkp + c * vkq;
        }
      }
    }
  }
  return { values: a.map((r, i) => r[i]!), vectors: v };
}

/** F (n × n) with F·Fᵀ = V·max(Λ, 0)·Vᵀ: redraws F·z follow the covariance, its negative directions dropped. */
export function psdFactor(c: readonly (readonly number[])[]): number[][] {
  const { values, vectors } = symmetricEigen(c);
  const roots = values.map((l) => Math.sqrt(Math.max(0, l)));
  return vectors.map((row) => row.map((x, k) => x * roots[k]!));
}
